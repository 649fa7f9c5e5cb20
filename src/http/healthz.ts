import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { SharedRedis } from '../common/redis';

export type Check = 'ok' | 'down' | 'pending' | 'unknown' | 'not configured';

export interface Health {
  /** `ok`; `degraded` (serving, a shared service is missing); `down` (cannot serve). */
  status: 'ok' | 'degraded' | 'down';
  checks: { database: Check; migrations: Check; redis: Check };
}

const within = <T>(ms: number, work: Promise<T>, otherwise: T): Promise<T> =>
  Promise.race([work, new Promise<T>((resolve) => setTimeout(() => resolve(otherwise), ms).unref())]);

/**
 * What this instance depends on, and whether it can serve (issue 9). A balancer routes on the HTTP
 * status: 503 when the instance cannot serve (database unreachable or migrations pending), 200
 * otherwise. Redis unreachable is `degraded`, still 200: the instance serves every request, with its
 * rate limits and log-in throttling counted in this process meanwhile (a warning in the log,
 * `redis_fallback_total` in the metrics) and scheduled sweeps waiting for the Redis lock. Each check
 * answers within 2 s, so a hanging dependency never hangs the probe.
 */
export async function checkHealth(dataSource: DataSource, redis: SharedRedis | null): Promise<Health> {
  const database: Check = await within(
    2000,
    dataSource.query('SELECT 1').then(
      () => 'ok' as const,
      () => 'down' as const,
    ),
    'down',
  );
  const migrations: Check =
    database === 'ok'
      ? await within(
          2000,
          dataSource.showMigrations().then(
            (pending) => (pending ? ('pending' as const) : ('ok' as const)),
            () => 'unknown' as const,
          ),
          'unknown',
        )
      : 'unknown';
  const redisCheck: Check = redis ? ((await redis.ping(1000)) ? 'ok' : 'down') : 'not configured';
  const status = database !== 'ok' || migrations !== 'ok' ? 'down' : redisCheck === 'down' ? 'degraded' : 'ok';
  return { status, checks: { database, migrations, redis: redisCheck } };
}

export function healthzHandler(dataSource: DataSource, redis: SharedRedis | null) {
  return async (_req: Request, res: Response) => {
    const health = await checkHealth(dataSource, redis);
    res
      .status(health.status === 'down' ? 503 : 200)
      .set('Cache-Control', 'no-store')
      .json(health);
  };
}
