import type { GraphQLError } from 'graphql';
import type { RequestContext } from '../context';
import type { Services } from '../services';

/**
 * The context of one GraphQL (or invoice PDF) request: the RequestContext the services take, plus
 * the wired services for the resolvers to call, plus the authentication failure, if any, for the
 * shield. Services themselves never reach their peers through it: they get them in their constructors.
 */
export type GraphQLContext = RequestContext & { services: Services; authError?: GraphQLError };
