import { RequestContext, Viewer } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { BusinessError, UnauthenticatedError } from '../../graphql/errors';
import {
  normalizeEmail,
  normalizePassword,
  requireCountry,
  requireEmail,
  requirePassword,
  requireText,
} from '../../common/validate';
import { ApiTokenEntity, TokenKind } from '../api-tokens/api-token.entity';
import { hashSecret, newSecret, sameSecretHash } from '../../common/token-secret';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { OrganizationEntity, OrganizationKind } from '../organizations/organization.entity';
import { AccountErrorCode } from './account.errors';
import { LoginLock, LoginThrottle } from './login-throttle';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password';
import { UserEntity } from './user.entity';
import type { AuditService } from '../audit/audit.service';
import { AccountEvents } from './account.events';

export const LOGIN_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
export const ALL_SCOPES = ['read', 'write'];

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
  organizationName?: string | null;
  organizationKind: OrganizationKind;
  currency: string;
  country: string;
  affiliateCode?: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sign-up, log-in and bearer-token authentication (R1, R2, R26). */
export class AuthService {
  /**
   * @param throttle log-in throttling per account and client address
   * @param onLock told of every throttling lock (the logs and metrics); the audit log is written here
   * @param events where `signedUp` is published (the affiliate program records referrals, R35)
   */
  constructor(
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly onLock: (lock: LoginLock) => void = () => {},
    private readonly events: AccountEvents = new AccountEvents(),
  ) {}

  /** Creates the user, its organization (named after the person or the company, R1) and a login token. */
  async signUp(ctx: RequestContext, input: SignUpInput) {
    const email = requireEmail(input.email, ['input', 'email']);
    const password = requirePassword(input.password, ['input', 'password']);
    const name = requireText(input.name, ['input', 'name'], { max: 120 });
    const country = requireCountry(input.country, ['input', 'country']);
    const organizationName =
      input.organizationKind === OrganizationKind.COMPANY
        ? requireText(input.organizationName, ['input', 'organizationName'], {
            max: 120,
            label: 'organizationName (required for a company)',
          })
        : name;
    const passwordHash = await hashPassword(password);
    return ctx.transaction(async (ctx) => {
      if (await ctx.em.existsBy(UserEntity, { email })) throw emailTaken();
      const now = ctx.now();
      const user = await ctx.em
        .save(ctx.em.create(UserEntity, { email, name, passwordHash, staffRole: null, createdAt: now }))
        .catch(rethrowDuplicate);
      const organization = await ctx.em.save(
        ctx.em.create(OrganizationEntity, {
          name: organizationName,
          kind: input.organizationKind,
          currency: input.currency,
          country,
          website: null,
          companyRegistrationId: null,
          billingAddress: null,
          vatNumber: null,
          createdAt: now,
        }),
      );
      await ctx.em.save(
        ctx.em.create(MembershipEntity, {
          organizationId: organization.id,
          userId: user.id,
          role: MemberRole.LEGAL_REPRESENTATIVE,
          billingAccess: true,
          productIds: [],
          notifyBilling: true,
          notifyTechnical: true,
          notifyAdministrative: true,
          createdAt: now,
        }),
      );
      const token = await this.issueLoginToken(ctx, user);
      await this.audit.record(
        ctx.withViewer({ user, token: null, via: 'sign_up' }),
        organization.id,
        'organization.created',
        `user:${user.id} (${email})`,
      );
      await this.events.emit('signedUp', { ctx, user, organization, affiliateCode: input.affiliateCode ?? null });
      return { user, organization, token };
    });
  }

  /**
   * Checks the password and issues a login token. Throttled (issue 9): `client` is the caller's
   * address; past a few failures each attempt waits longer, and too many lock the account or the
   * address for a while (LOGIN_LOCKED, audited in the account's organizations). That temporary lock
   * is not `User.lockedAt` (ACCOUNT_LOCKED), the lasting lock only an identity verification lifts.
   */
  async logIn(ctx: RequestContext, input: { email: string; password: string }, client: string | null = null) {
    const email = normalizeEmail(input.email);
    const password = normalizePassword(input.password);
    const verdict = await this.throttle.attempt(email, client, ctx.now());
    if (!verdict.allowed) throw loginLocked(verdict.until);
    if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    const user = await ctx.em.findOneBy(UserEntity, { email });
    const valid = user?.passwordHash
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, await DUMMY_HASH_PROMISE).then(() => false);
    if (!user || !valid) {
      const lock = await this.throttle.failed(email, client, ctx.now(), verdict);
      if (lock) {
        await this.recordLock(ctx, lock, user);
        throw loginLocked(lock.until, 'Email or password is wrong, and that was too many failed log-ins: ');
      }
      throw new BusinessError(AccountErrorCode.INVALID_CREDENTIALS, 'Email or password is wrong.', ['input']);
    }
    // The right password: the throttle forgets the failures, whatever comes next.
    await this.throttle.succeeded(email, client);
    // Not the throttle's temporary LOGIN_LOCKED: an account locked until an identity verification unlocks it (R23).
    if (user.lockedAt)
      throw new BusinessError(
        AccountErrorCode.ACCOUNT_LOCKED,
        'This account is locked: unlock it with an identity verification (startAccountRecovery, reason ACCOUNT_UNLOCK).',
        ['input'],
      );
    const token = await ctx.transaction((ctx) => this.issueLoginToken(ctx, user));
    return { user, token };
  }

  /** A lock of an account goes to the audit log of each of its organizations; every lock to the logs. */
  private async recordLock(ctx: RequestContext, lock: LoginLock, user: UserEntity | null): Promise<void> {
    this.onLock(lock);
    if (lock.scope !== 'account' || !user) return;
    await ctx.transaction(async (ctx) => {
      for (const m of await ctx.em.findBy(MembershipEntity, { userId: user.id })) {
        await this.audit.record(
          ctx,
          m.organizationId,
          'user.login_locked',
          `user:${user.id} (${user.email}) after ${lock.failures} failed log-ins, until ${lock.until.toISOString()}`,
        );
      }
    });
  }

  private async issueLoginToken(ctx: RequestContext, user: UserEntity): Promise<string> {
    const secret = newSecret('ppl');
    const now = ctx.now();
    await ctx.em.insert(ApiTokenEntity, {
      userId: user.id,
      kind: TokenKind.LOGIN,
      name: 'login',
      scopes: ALL_SCOPES,
      secretHash: hashSecret(secret),
      createdAt: now,
      expiresAt: new Date(now.getTime() + LOGIN_TOKEN_TTL_MS),
      lastUsedAt: null,
      revokedAt: null,
    });
    return secret;
  }

  /**
   * Whose rate-limit budget (R27) a bearer spends: an API token its own (`token:<id>`), every login
   * token of a user the user's one (`user:<id>`), so a fresh log-in does not restart the budget;
   * null for a bearer that is no usable token (unknown, revoked, expired), which the limiter counts
   * against the client's address instead.
   */
  async rateLimitBudget(ctx: RequestContext, secret: string): Promise<string | null> {
    const token = await ctx.em.findOne(ApiTokenEntity, {
      where: { secretHash: hashSecret(secret) },
      select: { id: true, userId: true, kind: true, revokedAt: true, expiresAt: true },
    });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= ctx.now().getTime())) return null;
    return token.kind === TokenKind.LOGIN ? `user:${token.userId}` : `token:${token.id}`;
  }

  /**
   * Resolves `Authorization: Bearer <secret>` to a viewer. No header → anonymous (null);
   * an unknown, revoked or expired token → UNAUTHENTICATED, never silently anonymous.
   */
  async authenticate(ctx: RequestContext, authorization: string | undefined): Promise<Viewer | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    const presented = hashSecret(match[1]);
    // One statement: the token joined to its user (findOne with a relation adds a DISTINCT query first).
    // The hash is unique, so no LIMIT is needed.
    const token = await ctx.em
      .createQueryBuilder(ApiTokenEntity, 't')
      .innerJoinAndSelect('t.user', 'u')
      .where('t.secretHash = :hash', { hash: presented })
      .getOne();
    if (!token || !token.user || !sameSecretHash(token.secretHash, presented))
      throw new UnauthenticatedError('Unknown token.');
    if (token.revokedAt) throw new UnauthenticatedError('This token was revoked.');
    if (token.user.lockedAt) throw new UnauthenticatedError('This account is locked.');
    const now = ctx.now();
    if (token.expiresAt && token.expiresAt.getTime() <= now.getTime())
      throw new UnauthenticatedError('This token has expired.');
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
      token.lastUsedAt = now;
      await ctx.transaction((trx) => trx.em.update(ApiTokenEntity, { id: token.id }, { lastUsedAt: now }));
    }
    return { user: token.user, token, via: token.kind === TokenKind.API ? `api_token:${token.name}` : 'login' };
  }
}

const loginLocked = (until: Date, reason = 'Too many failed log-ins: ') =>
  new BusinessError(
    AccountErrorCode.LOGIN_LOCKED,
    `${reason}log-in is locked until ${until.toISOString()}. Try again then.`,
    ['input'],
  );

const emailTaken = () =>
  new BusinessError(AccountErrorCode.EMAIL_TAKEN, 'An account with this email already exists: log in instead.', [
    'input',
    'email',
  ]);

/** Two sign-ups racing for one email: the unique index decides, the loser gets the same userError. */
function rethrowDuplicate(error: unknown): never {
  throw isUniqueViolation(error) ? emailTaken() : error;
}
