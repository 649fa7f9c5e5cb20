import { IsNull, MoreThan } from 'typeorm';
import { RequestContext } from '../../context';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { ApiTokenEntity, TokenKind } from '../api-tokens/api-token.entity';
import { AccountErrorCode } from './account.errors';

/** viewer.sessions lists at most this many login tokens (a user logging in daily has about 30). */
export const MAX_LISTED_SESSIONS = 100;

/**
 * Sessions (issue 9): a session is a login token (kind LOGIN) that is neither revoked nor expired.
 * Ending one sets `revokedAt`, and authentication reads the token on every request, so the next
 * request with it is refused at once. API tokens are not sessions: revokeApiToken ends those.
 */
export class SessionService {
  /** The user's live login tokens, newest first. */
  list(ctx: RequestContext, userId: number): Promise<ApiTokenEntity[]> {
    return ctx.em.find(ApiTokenEntity, {
      where: { userId, kind: TokenKind.LOGIN, revokedAt: IsNull(), expiresAt: MoreThan(ctx.now()) },
      order: { id: 'DESC' },
      take: MAX_LISTED_SESSIONS,
    });
  }

  /** For node(id): a live session of the viewer's own. */
  async findOwn(ctx: RequestContext, sessionId: number): Promise<ApiTokenEntity | null> {
    const viewer = ctx.viewer?.user;
    if (!viewer) return null;
    const token = await ctx.em.findOneBy(ApiTokenEntity, { id: sessionId, userId: viewer.id, kind: TokenKind.LOGIN });
    return token && !token.revokedAt && token.expiresAt && token.expiresAt > ctx.now() ? token : null;
  }

  /**
   * logOut: ends the session named, or the login token of this request. Another user's session, an
   * API token and an unknown id answer alike (NOT_FOUND); a request made with an API token must name
   * the session (its API token is ended with revokeApiToken).
   */
  async logOut(ctx: RequestContext, sessionId: number | null): Promise<void> {
    const viewer = ctx.viewer!;
    let id = sessionId;
    if (id === null) {
      if (!viewer.token || viewer.token.kind !== TokenKind.LOGIN)
        throw new BusinessError(
          AccountErrorCode.NOT_A_SESSION,
          'This request uses an API token, which is no session: name the session to end, or revoke the token with revokeApiToken.',
          ['sessionId'],
        );
      id = viewer.token.id;
    }
    const ended = await ctx.transaction((ctx) =>
      ctx.em.update(
        ApiTokenEntity,
        { id, userId: viewer.user.id, kind: TokenKind.LOGIN, revokedAt: IsNull() },
        { revokedAt: ctx.now() },
      ),
    );
    if (!ended.affected && sessionId !== null && !(await this.isOwnEnded(ctx, sessionId)))
      throw new BusinessError(CommonErrorCode.NOT_FOUND, 'No such session of yours.', ['sessionId']);
  }

  /** logOutEverywhere: every login token of the viewer, this one included. Returns how many were live. */
  async logOutEverywhere(ctx: RequestContext): Promise<number> {
    const userId = ctx.viewer!.user.id;
    const ended = await ctx.transaction((ctx) =>
      ctx.em.update(ApiTokenEntity, { userId, kind: TokenKind.LOGIN, revokedAt: IsNull() }, { revokedAt: ctx.now() }),
    );
    return ended.affected ?? 0;
  }

  /** Ending an already ended session of one's own is no error (a double click on "log out"). */
  private isOwnEnded(ctx: RequestContext, sessionId: number): Promise<boolean> {
    return ctx.em.existsBy(ApiTokenEntity, { id: sessionId, userId: ctx.viewer!.user.id, kind: TokenKind.LOGIN });
  }
}
