import { NextFunction, Request, Response } from 'express';
import type Redis from 'ioredis';
import type { SharedRedis } from '../common/redis';
import { hashSecret } from '../common/token-secret';
import { clientAddress } from './client-address';

/**
 * R27: at most `perToken` requests per minute per API token, and per user for all its login tokens
 * together (a fresh login token does not restart the budget), and (issue 9) at most
 * `anonymousPerClient` per client address for requests without a valid token, so sign-up, log-in,
 * invitation and token guessing are bounded too (fixed one-minute windows). Every answer carries
 * X-RateLimit-Limit / -Remaining / -Reset (Reset: Unix seconds when the window ends); past the
 * limit the answer is HTTP 429 with Retry-After (seconds). With REDIS_URL the counters are shared
 * by every instance (and counted in this process while Redis is unreachable); otherwise they live
 * in this process. The client address is `req.ip`: the socket's, or X-Forwarded-For's as far as
 * TRUST_PROXY trusts the proxies in front.
 */
export interface RateCounter {
  /** Counts one request in the window and returns the count so far. */
  hit(key: string, windowStartMs: number, windowMs: number): Promise<number>;
  close(): Promise<void>;
}

export function memoryCounter(): RateCounter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    async hit(key, windowStartMs) {
      const current = windows.get(key);
      if (!current || current.start !== windowStartMs) {
        // Forget finished windows as they are replaced, so the map holds one entry per active token.
        if (windows.size > 100_000) for (const [k, w] of windows) if (w.start < windowStartMs) windows.delete(k);
        windows.set(key, { start: windowStartMs, count: 1 });
        return 1;
      }
      current.count += 1;
      return current.count;
    },
    async close() {},
  };
}

async function redisHit(redis: Redis, key: string, windowStartMs: number, windowMs: number): Promise<number> {
  const redisKey = `rate:${key}:${windowStartMs}`;
  const [[error, count]] = (await redis
    .multi()
    .incr(redisKey)
    .pexpire(redisKey, windowMs * 2)
    .exec()) as [[Error | null, number]];
  if (error) throw error;
  return count;
}

/**
 * Counters in Redis, shared by every instance. Each instance also counts its own requests in
 * process, so while Redis is unreachable it goes on from what it has seen itself in the window.
 */
export function sharedCounter(shared: SharedRedis): RateCounter {
  const local = memoryCounter();
  return {
    async hit(key, windowStartMs, windowMs) {
      const own = await local.hit(key, windowStartMs, windowMs);
      return shared.fallback(
        'rate_limit',
        (redis) => redisHit(redis, key, windowStartMs, windowMs),
        async () => own,
      );
    },
    close: async () => {},
  };
}

export interface RateLimits {
  /** R27: requests per minute per API token, and per user for all its login tokens together. */
  perToken: number;
  /** Requests per minute per client address without a valid token. */
  anonymousPerClient: number;
}

/**
 * Whose budget a request with this bearer spends: `token:<id>` for an API token, `user:<id>` for a
 * login token (every login token of a user shares one budget, so logging in again does not restart
 * it), or null when the bearer is no usable token (unknown, revoked, expired): such a request counts
 * against its client address, like one without a token, so guessing tokens is bounded too.
 */
export type BearerBudget = (bearer: string) => Promise<string | null>;

/**
 * Remembers `resolve`'s answer per bearer (by its hash, never the secret) for `ttlMs`, so a burst
 * of requests with one token asks the database once. At most `max` entries; all forgotten when full.
 * A revoked token may keep its owner's budget for up to `ttlMs`; authentication refuses it at once.
 */
export function cachedBearerBudget(resolve: BearerBudget, ttlMs = 60_000, max = 10_000): BearerBudget {
  const cache = new Map<string, { key: string | null; until: number }>();
  return async (bearer) => {
    const hash = hashSecret(bearer);
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit && hit.until > now) return hit.key;
    const key = await resolve(bearer);
    if (cache.size >= max) cache.clear();
    cache.set(hash, { key, until: now + ttlMs });
    return key;
  };
}

export interface RateLimitOptions {
  limits: RateLimits;
  budgetOf: BearerBudget;
  windowMs?: number;
  now?: () => number;
}

export function rateLimit(
  counter: RateCounter,
  { limits, budgetOf, windowMs = 60_000, now = Date.now }: RateLimitOptions,
) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '')?.[1];
      const budget = bearer ? await budgetOf(bearer) : null;
      const key = budget ?? `ip:${clientAddress(req)}`;
      const limit = budget ? limits.perToken : limits.anonymousPerClient;
      const at = now();
      const windowStart = at - (at % windowMs);
      const count = await counter.hit(key, windowStart, windowMs);
      const resetSeconds = Math.ceil((windowStart + windowMs) / 1000);
      res.setHeader('X-RateLimit-Limit', String(limit));
      res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
      res.setHeader('X-RateLimit-Reset', String(resetSeconds));
      if (count > limit) {
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil((windowStart + windowMs - at) / 1000))));
        res.status(429).json({
          errors: [
            {
              message: `Rate limit of ${limit} requests per minute ${describe(budget)} exceeded; retry after the Retry-After delay.`,
              extensions: { code: 'RATE_LIMITED' },
            },
          ],
        });
        return;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

function describe(budget: string | null): string {
  if (!budget) return 'without a valid token from one address';
  return budget.startsWith('user:') ? 'per account for its login tokens' : 'per API token';
}
