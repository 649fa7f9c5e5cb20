import type Redis from 'ioredis';
import type { SharedRedis } from '../../common/redis';
import { hashSecret } from '../../common/token-secret';

/** How hard `logIn` pushes back on guessing (config: LOGIN_*). */
export interface LoginThrottleConfig {
  /** Failed attempts on one account, from anywhere, before it is locked. */
  accountMaxFailures: number;
  /** Failed attempts from one client address, on any accounts, before it is locked. */
  clientMaxFailures: number;
  /** Failures older than this no longer count. */
  windowMs: number;
  /** How long a lock lasts; the legitimate owner logs in as usual once it is over. */
  lockMs: number;
  /** Failures that cost nothing; each one after waits `delayBaseMs` × 2^(n − 1), at most `delayMaxMs`. */
  freeFailures: number;
  delayBaseMs: number;
  delayMaxMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleConfig = {
  accountMaxFailures: 10,
  clientMaxFailures: 50,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  freeFailures: 3,
  delayBaseMs: 250,
  delayMaxMs: 4000,
};

/**
 * Failure counters and locks by key. Times are the caller's clock (a test clock moves them); the
 * storage's own expiry only collects garbage.
 */
export interface AttemptStore {
  /** Counts one attempt in the key's window (which starts at its first attempt); returns the count. */
  add(key: string, nowMs: number, windowMs: number): Promise<number>;
  /** Takes one attempt back (a log-in that turned out right). */
  remove(key: string): Promise<void>;
  /** Forgets the key's attempts. */
  clear(key: string): Promise<void>;
  lock(key: string, untilMs: number, nowMs: number): Promise<void>;
  /** When the key's lock ends, or null when it is not locked at `nowMs`. */
  lockedUntil(key: string, nowMs: number): Promise<number | null>;
}

export function memoryAttemptStore(): AttemptStore {
  const attempts = new Map<string, { start: number; count: number }>();
  const locks = new Map<string, number>();
  return {
    async add(key, nowMs, windowMs) {
      const current = attempts.get(key);
      if (!current || nowMs - current.start >= windowMs) {
        if (attempts.size > 100_000) attempts.clear();
        attempts.set(key, { start: nowMs, count: 1 });
        return 1;
      }
      current.count += 1;
      return current.count;
    },
    async remove(key) {
      const current = attempts.get(key);
      if (current && current.count > 0) current.count -= 1;
    },
    async clear(key) {
      attempts.delete(key);
    },
    async lock(key, untilMs) {
      locks.set(key, untilMs);
    },
    async lockedUntil(key, nowMs) {
      const until = locks.get(key);
      if (until === undefined || until <= nowMs) return null;
      return until;
    },
  };
}

/** One window per key: a hash {start, count}, restarted when the window is over. */
const ADD_SCRIPT = `
local start = tonumber(redis.call('HGET', KEYS[1], 'start'))
local now = tonumber(ARGV[1])
if (not start) or (now - start >= tonumber(ARGV[2])) then
  redis.call('HSET', KEYS[1], 'start', ARGV[1], 'count', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return redis.call('HINCRBY', KEYS[1], 'count', 1)`;
const REMOVE_SCRIPT = `if tonumber(redis.call('HGET', KEYS[1], 'count') or '0') > 0 then redis.call('HINCRBY', KEYS[1], 'count', -1) end return 0`;

/** The store in Redis, shared by every instance: `login:<key>` and `login-lock:<key>` (after the connection's key prefix). */
export function redisAttemptStore(redis: Redis, keepMs: number): AttemptStore {
  return {
    async add(key, nowMs, windowMs) {
      return Number(await redis.eval(ADD_SCRIPT, 1, `login:${key}`, nowMs, windowMs, keepMs));
    },
    async remove(key) {
      await redis.eval(REMOVE_SCRIPT, 1, `login:${key}`);
    },
    async clear(key) {
      await redis.del(`login:${key}`);
    },
    async lock(key, untilMs, nowMs) {
      await redis.set(`login-lock:${key}`, String(untilMs), 'PX', Math.max(1, untilMs - nowMs) + keepMs);
    },
    async lockedUntil(key, nowMs) {
      const until = Number(await redis.get(`login-lock:${key}`));
      return until > nowMs ? until : null;
    },
  };
}

/** Redis when shared, in this process while Redis is unreachable (every method falls back alone). */
export function sharedAttemptStore(shared: SharedRedis, keepMs: number): AttemptStore {
  const local = memoryAttemptStore();
  const remote = redisAttemptStore(shared.client, keepMs);
  const use = <T>(call: (store: AttemptStore) => Promise<T>) =>
    shared.fallback(
      'login_throttle',
      () => call(remote),
      () => call(local),
    );
  return {
    add: (key, nowMs, windowMs) => use((store) => store.add(key, nowMs, windowMs)),
    remove: (key) => use((store) => store.remove(key)),
    clear: (key) => use((store) => store.clear(key)),
    lock: (key, untilMs, nowMs) => use((store) => store.lock(key, untilMs, nowMs)),
    lockedUntil: (key, nowMs) => use((store) => store.lockedUntil(key, nowMs)),
  };
}

/** What a lock event tells the audit log, the logs and the metrics. */
export interface LoginLock {
  scope: 'account' | 'client';
  /** The normalised email (account) or the client address. */
  subject: string;
  until: Date;
  failures: number;
}

export type LoginVerdict =
  { allowed: true; delayMs: number; accountFailures: number; clientFailures: number } | { allowed: false; until: Date };

/**
 * Log-in throttling per account and per client address (issue 9). Each attempt is counted before the
 * password is checked and taken back when it was right, so concurrent guesses cannot slip past the
 * count; past `freeFailures` each attempt waits longer (progressive delay), and the failure that
 * reaches the maximum locks the account (or the address) for `lockMs`. Every `logIn` counts, aliased
 * ones in one request too. An unknown email is counted like a known one, so the answers never tell
 * whether an account exists.
 */
export class LoginThrottle {
  constructor(
    private readonly store: AttemptStore,
    readonly config: LoginThrottleConfig = DEFAULT_LOGIN_THROTTLE,
  ) {}

  private keys(email: string, client: string | null) {
    return { account: `account:${hashSecret(email)}`, client: client ? `client:${client}` : null };
  }

  /** Counts the attempt; says whether it may go on (after `delayMs`) or is locked (until when). */
  async attempt(email: string, client: string | null, now: Date): Promise<LoginVerdict> {
    const keys = this.keys(email, client);
    const nowMs = now.getTime();
    const { windowMs, lockMs, accountMaxFailures, clientMaxFailures } = this.config;
    for (const key of [keys.account, keys.client]) {
      const until = key ? await this.store.lockedUntil(key, nowMs) : null;
      if (until !== null) return { allowed: false, until: new Date(until) };
    }
    const accountFailures = await this.store.add(keys.account, nowMs, windowMs);
    const clientFailures = keys.client ? await this.store.add(keys.client, nowMs, windowMs) : 0;
    // Concurrent attempts beyond the maximum are refused unchecked; the one that reached it locks.
    if (accountFailures > accountMaxFailures || (keys.client && clientFailures > clientMaxFailures))
      return { allowed: false, until: new Date(nowMs + lockMs) };
    const delayMs = this.delayFor(Math.max(accountFailures, clientFailures) - 1);
    return { allowed: true, delayMs, accountFailures, clientFailures };
  }

  /** The password was right: the attempt is taken back and the account's failures forgotten. */
  async succeeded(email: string, client: string | null): Promise<void> {
    const keys = this.keys(email, client);
    await this.store.clear(keys.account);
    if (keys.client) await this.store.remove(keys.client);
  }

  /** The password was wrong: locks the account or the address when this failure reached its maximum. */
  async failed(
    email: string,
    client: string | null,
    now: Date,
    counted: { accountFailures: number; clientFailures: number },
  ): Promise<LoginLock | null> {
    const keys = this.keys(email, client);
    if (counted.accountFailures >= this.config.accountMaxFailures)
      return this.lock('account', email, keys.account, counted.accountFailures, now);
    if (keys.client && client && counted.clientFailures >= this.config.clientMaxFailures)
      return this.lock('client', client, keys.client, counted.clientFailures, now);
    return null;
  }

  /** The wait before checking the password after `failures` earlier failures in the window. */
  delayFor(failures: number): number {
    const { freeFailures, delayBaseMs, delayMaxMs } = this.config;
    if (failures < freeFailures) return 0;
    return Math.min(delayBaseMs * 2 ** (failures - freeFailures), delayMaxMs);
  }

  private async lock(
    scope: LoginLock['scope'],
    subject: string,
    key: string,
    failures: number,
    now: Date,
  ): Promise<LoginLock> {
    const until = new Date(now.getTime() + this.config.lockMs);
    await this.store.lock(key, until.getTime(), now.getTime());
    // A fresh count once the lock is over: the owner gets the free attempts back.
    await this.store.clear(key);
    return { scope, subject, until, failures };
  }
}
