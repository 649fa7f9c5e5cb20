import { IsNull } from 'typeorm';
import { RequestContext } from '../../context';
import { BusinessError } from '../../graphql/errors';
import { requireText } from '../../common/validate';
import { ALL_SCOPES } from '../accounts/auth.service';
import { MembershipEntity } from '../organizations/membership.entity';
import { ApiTokenEntity, TokenKind } from './api-token.entity';
import { hashSecret, newSecret } from '../../common/token-secret';
import type { AuditService } from '../audit/audit.service';
import { ApiTokenErrorCode } from './api-token.errors';

export const MAX_API_TOKENS_PER_USER = 50;

/** API tokens (R26): the secret is returned once and only its hash is kept. */
export class ApiTokenService {
  constructor(private readonly audit: AuditService) {}

  async create(ctx: RequestContext, input: { name: string; scopes: string[]; expiresAt?: Date | null }) {
    const user = ctx.user;
    const name = requireText(input.name, ['input', 'name'], { max: 100 });
    const scopes = [...new Set(input.scopes ?? [])];
    if (scopes.length === 0)
      throw new BusinessError(ApiTokenErrorCode.INVALID_SCOPE, `Give at least one scope: ${ALL_SCOPES.join(', ')}.`, [
        'input',
        'scopes',
      ]);
    const unknown = scopes.filter((s) => !ALL_SCOPES.includes(s));
    if (unknown.length)
      throw new BusinessError(
        ApiTokenErrorCode.INVALID_SCOPE,
        `Unknown scope(s) ${unknown.join(', ')}; known: ${ALL_SCOPES.join(', ')}.`,
        ['input', 'scopes'],
      );
    if (input.expiresAt && input.expiresAt.getTime() <= ctx.now().getTime()) {
      throw new BusinessError(ApiTokenErrorCode.INVALID_EXPIRY, 'expiresAt must be in the future.', [
        'input',
        'expiresAt',
      ]);
    }
    return ctx.transaction(async (ctx) => {
      const count = await ctx.em.countBy(ApiTokenEntity, { userId: user.id, kind: TokenKind.API, revokedAt: IsNull() });
      if (count >= MAX_API_TOKENS_PER_USER)
        throw new BusinessError(
          ApiTokenErrorCode.TOO_MANY_TOKENS,
          `At most ${MAX_API_TOKENS_PER_USER} active API tokens; revoke one first.`,
          ['input'],
        );
      const secret = newSecret('ppa');
      const token = await ctx.em.save(
        ctx.em.create(ApiTokenEntity, {
          userId: user.id,
          kind: TokenKind.API,
          name,
          scopes,
          secretHash: hashSecret(secret),
          createdAt: ctx.now(),
          expiresAt: input.expiresAt ?? null,
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
      await this.auditEverywhere(ctx, 'api_token.created', token);
      return { secret, apiToken: token };
    });
  }

  async revoke(ctx: RequestContext, tokenId: number) {
    const user = ctx.user;
    return ctx.transaction(async (ctx) => {
      const token = await ctx.em.findOneBy(ApiTokenEntity, { id: tokenId, userId: user.id, kind: TokenKind.API });
      if (!token) throw new BusinessError(ApiTokenErrorCode.NOT_FOUND, 'No such API token of yours.', ['input', 'id']);
      if (!token.revokedAt) {
        token.revokedAt = ctx.now();
        await ctx.em.update(ApiTokenEntity, { id: token.id }, { revokedAt: token.revokedAt });
        await this.auditEverywhere(ctx, 'api_token.revoked', token);
      }
      return { apiToken: token };
    });
  }

  listForUser(ctx: RequestContext, userId: number): Promise<ApiTokenEntity[]> {
    return ctx.em.find(ApiTokenEntity, { where: { userId, kind: TokenKind.API }, order: { id: 'ASC' } });
  }

  /** A token acts in every organization of its user, so each of them sees the change. */
  private async auditEverywhere(ctx: RequestContext, action: string, token: ApiTokenEntity): Promise<void> {
    const memberships = await ctx.em.findBy(MembershipEntity, { userId: token.userId });
    for (const m of memberships)
      await this.audit.record(
        ctx,
        m.organizationId,
        action,
        `api_token:${token.id} (${token.name}) of user:${token.userId}`,
      );
  }
}
