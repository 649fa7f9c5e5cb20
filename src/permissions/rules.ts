import { GraphQLError } from 'graphql';
import { allow, rule } from 'graphql-shield';
import type { GraphQLContext } from '../graphql/context';
import { StaffRole } from '../modules/accounts/user.entity';
import { UnauthenticatedError } from '../graphql/errors';

/**
 * One-sentence rules. Shield gates operations (who may call a root field at all); services scope
 * data to the organizations the viewer may act for (modules/access).
 */

/** Anyone may call it, signed in or not. */
export const isPublic = allow;

/** The caller sent a valid bearer token. */
export const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, ctx: GraphQLContext) =>
  ctx.viewer ? true : (ctx.authError ?? new UnauthenticatedError()),
);

/** The caller's token may change things (login tokens always; API tokens with scope "write"). */
export const canWrite = rule({ cache: 'contextual' })((_parent, _args, ctx: GraphQLContext) => {
  if (!ctx.viewer) return ctx.authError ?? new UnauthenticatedError();
  return !ctx.viewer.token || ctx.viewer.token.scopes.includes('write')
    ? true
    : forbidden('This API token lacks the "write" scope.');
});

/** The caller is platform staff with role ADMIN. */
export const isPlatformAdmin = rule({ cache: 'contextual' })((_parent, _args, ctx: GraphQLContext) => {
  if (!ctx.viewer) return ctx.authError ?? new UnauthenticatedError();
  return ctx.viewer.user.staffRole === StaffRole.ADMIN ? true : forbidden('Only platform administrators may do this.');
});

/** The caller is platform staff with role SUPPORT or ADMIN. */
export const isSupportStaff = rule({ cache: 'contextual' })((_parent, _args, ctx: GraphQLContext) => {
  if (!ctx.viewer) return ctx.authError ?? new UnauthenticatedError();
  const role = ctx.viewer.user.staffRole;
  return role === StaffRole.SUPPORT || role === StaffRole.ADMIN
    ? true
    : forbidden('Only platform support staff may do this.');
});

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}
