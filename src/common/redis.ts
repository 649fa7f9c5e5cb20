import Redis from 'ioredis';
import type { Logger } from './logger';

/**
 * The one Redis connection of a server instance (REDIS_URL) for the shared rate limits and login
 * throttling. It fails fast instead of queueing: with Redis unreachable a command errors at once
 * (no offline queue, a short timeout), the callers count in this process meanwhile (`fallback`),
 * and the connection keeps retrying in the background, so the instance goes on serving and comes
 * back to the shared counters by itself.
 */
export interface SharedRedis {
  client: Redis;
  /** True while connected and ready. */
  isReady(): boolean;
  /** Resolves true once connected, false after `timeoutMs` without a connection. */
  ready(timeoutMs: number): Promise<boolean>;
  /** Answers within `timeoutMs`: true when Redis replied to PING. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * Runs `shared` on Redis, or `local` when Redis is unreachable or the command fails; `use` names
   * the caller for the warning (logged once per outage) and the metric.
   */
  fallback<T>(use: string, shared: (redis: Redis) => Promise<T>, local: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SharedRedisOptions {
  logger: Logger;
  /** Put before every key (ioredis `keyPrefix`, script keys included): the deployment's namespace. */
  keyPrefix?: string;
  /** Called for every operation answered in-process instead (redis_fallback_total{use}). */
  onFallback?: (use: string) => void;
}

export function connectSharedRedis(url: string, { logger, onFallback, keyPrefix }: SharedRedisOptions): SharedRedis {
  const client = new Redis(url, {
    keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let degraded = false;
  const wentDown = (reason: unknown) => {
    if (degraded) return;
    degraded = true;
    logger.warn('redis unreachable: rate limits and login throttling count in this process until it is back', {
      error: reason instanceof Error ? reason.message : String(reason),
    });
  };
  client.on('error', wentDown);
  client.on('ready', () => {
    if (degraded) logger.info('redis reachable again: rate limits and login throttling are shared again');
    degraded = false;
  });
  const isReady = () => client.status === 'ready';
  return {
    client,
    isReady,
    ready(timeoutMs) {
      if (isReady()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          resolve(false);
        }, timeoutMs);
        timer.unref();
        const onReady = () => {
          clearTimeout(timer);
          resolve(true);
        };
        client.once('ready', onReady);
      });
    },
    async ping(timeoutMs = 500) {
      if (!isReady()) return false;
      const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
      return Promise.race([
        client.ping().then(
          (answer) => answer === 'PONG',
          () => false,
        ),
        timeout,
      ]);
    },
    async fallback(use, shared, local) {
      if (isReady()) {
        try {
          return await shared(client);
        } catch (error) {
          wentDown(error);
        }
      } else {
        wentDown(new Error(`connection ${client.status}`));
      }
      onFallback?.(use);
      return local();
    },
    async close() {
      if (isReady()) await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
