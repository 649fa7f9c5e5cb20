import { createHash } from 'node:crypto';
import { IsNull } from 'typeorm';
import type { Config } from '../../config';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { requirePassword } from '../../common/validate';
import { deriveKey, signToken, verifyToken } from '../../common/signed-token';
import { BusinessError } from '../../graphql/errors';
import { ApiTokenEntity, TokenKind } from '../api-tokens/api-token.entity';
import { AccountErrorCode } from './account.errors';
import { hashPassword } from './password';
import { UserEntity } from './user.entity';

const TOKEN_FIELD = ['input', 'token'];

/** A short fingerprint of the current password hash: a reset link stops working once the password changed. */
const fingerprint = (user: UserEntity) =>
  createHash('sha256')
    .update(user.passwordHash ?? 'no-password')
    .digest('hex')
    .slice(0, 24);

/**
 * Password reset links, mailed when an identity verification for a forgotten password is approved
 * (R23). The link's token is signed for this purpose only, expires after `validHours`, and works
 * once: it is bound to the password it replaces.
 */
export class PasswordResetService {
  private readonly key: Buffer;

  constructor(
    private readonly config: Pick<Config, 'publicUrl' | 'secretKey'>,
    readonly validHours = 24,
  ) {
    this.key = deriveKey(config.secretKey, 'password-reset');
  }

  /** `<publicUrl>/reset-password?token=…`, valid `validHours` from `now`. */
  linkFor(user: UserEntity, now: Date): string {
    const expires = Math.floor(now.getTime() / 1000) + this.validHours * 3600;
    return `${this.config.publicUrl}/reset-password?token=${signToken(this.key, [user.id, expires, fingerprint(user)])}`;
  }

  /** Sets a new password from a reset link's token and signs every login session out. */
  async reset(ctx: RequestContext, token: string, password: string): Promise<UserEntity> {
    const parts = verifyToken(this.key, token, 3);
    if (!parts) throw invalidToken();
    const [userId, expires, print] = parts;
    if (Number(expires) * 1000 <= ctx.now().getTime())
      throw new BusinessError(
        AccountErrorCode.RESET_TOKEN_EXPIRED,
        'This password reset link has expired; start a new account recovery.',
        TOKEN_FIELD,
      );
    const newPassword = requirePassword(password, ['input', 'password']);
    const passwordHash = await hashPassword(newPassword);
    return ctx.transaction(async (ctx) => {
      const user = await ctx.em.findOne(UserEntity, { where: { id: Number(userId) }, lock: writeLock(ctx.em) });
      if (!user || fingerprint(user) !== print) throw invalidToken();
      const now = ctx.now();
      await ctx.em.update(UserEntity, { id: user.id }, { passwordHash });
      await ctx.em.update(
        ApiTokenEntity,
        { userId: user.id, kind: TokenKind.LOGIN, revokedAt: IsNull() },
        { revokedAt: now },
      );
      return Object.assign(user, { passwordHash });
    });
  }
}

const invalidToken = () =>
  new BusinessError(
    AccountErrorCode.INVALID_RESET_TOKEN,
    'This password reset link is not valid (or was already used).',
    TOKEN_FIELD,
  );
