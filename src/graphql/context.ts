import type { GraphQLError } from 'graphql';
import type { RequestContext } from '../context';
import type { Services } from '../services';

/**
 * The context of one GraphQL (or invoice PDF, verification image) request: the RequestContext the
 * services take, plus the wired services for the resolvers to call, the client's address (log-in
 * throttling) and the authentication failure, if any, for the shield. Services themselves never
 * reach their peers through it: they get them in their constructors.
 */
export type GraphQLContext = RequestContext & {
  services: Services;
  /** The caller's address: the socket's, or X-Forwarded-For's as far as TRUST_PROXY trusts it. */
  clientIp?: string;
  authError?: GraphQLError;
};
