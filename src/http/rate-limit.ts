import { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import { hashSecret } from '../common/token-secret';

/**
 * R27: at most `limit` requests per minute per bearer token (fixed one-minute windows). Every
 * answer to an authenticated request carries X-RateLimit-Limit / -Remaining / -Reset (Reset: Unix
 * seconds when the window ends); past the limit the answer is HTTP 429 with Retry-After (seconds).
 * With REDIS_URL the counters are shared by every instance; otherwise they live in this process.
 * Requests without a token are not counted here (they can only reach the public operations).
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

export function redisCounter(redisUrl: string): RateCounter {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  return {
    async hit(key, windowStartMs, windowMs) {
      const redisKey = `pp:rate:${key}:${windowStartMs}`;
      const [[, count]] = (await redis
        .multi()
        .incr(redisKey)
        .pexpire(redisKey, windowMs * 2)
        .exec()) as [[Error | null, number]];
      return count;
    },
    async close() {
      redis.disconnect();
    },
  };
}

export function rateLimit(counter: RateCounter, limit: number, windowMs = 60_000, now: () => number = Date.now) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '')?.[1];
    if (!bearer) return next();
    try {
      const at = now();
      const windowStart = at - (at % windowMs);
      const count = await counter.hit(hashSecret(bearer), windowStart, windowMs);
      const resetSeconds = Math.ceil((windowStart + windowMs) / 1000);
      res.setHeader('X-RateLimit-Limit', String(limit));
      res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
      res.setHeader('X-RateLimit-Reset', String(resetSeconds));
      if (count > limit) {
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil((windowStart + windowMs - at) / 1000))));
        res.status(429).json({
          errors: [
            {
              message: `Rate limit of ${limit} requests per minute exceeded; retry after the Retry-After delay.`,
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
