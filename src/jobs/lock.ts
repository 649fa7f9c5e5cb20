import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { databaseIdentity } from '../db/data-source';
import { transaction } from '../db/transaction';
import { JobLockEntity } from './job-lock.entity';

/**
 * Mutual exclusion for scheduled jobs across server instances (DESIGN section 9): one lock per job
 * name, taken before a sweep runs and released after it. A crashed holder's lock expires after its
 * time to live; a live holder extends it while the job runs.
 */
export interface JobLock {
  /** Takes the lock `name` for `ttlMs`, or returns null when another holder has it. */
  acquire(name: string, ttlMs: number): Promise<HeldLock | null>;
  /** Closes connections the lock opened itself. */
  close(): Promise<void>;
}

export interface HeldLock {
  /** Pushes the expiry `ttlMs` further; false when the lock was lost (expired and taken by another). */
  extend(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

/** A unique holder id: which instance holds a lock shows in the table / key value. */
function newOwner(): string {
  return `${hostname().slice(0, 60)}:${process.pid}:${randomUUID()}`;
}

/** Far enough in the past that any lock row with it is free; representable in every dialect. */
const FREE = new Date(Date.UTC(2000, 0, 1));

/**
 * The lock in the `job_lock` table. Taking it is one conditional UPDATE (`... WHERE name = ? AND
 * lockedUntil < now`): the database applies it atomically, so of two instances exactly one sees an
 * affected row. Times are the instances' wall clocks, never a job's simulated `now`.
 * Statements run through `transaction()` so that on SQLite they queue behind open transactions
 * instead of slipping into one on the shared connection (and being rolled back with it).
 */
export function databaseJobLock(dataSource: DataSource): JobLock {
  const run = <T>(work: (em: DataSource['manager']) => Promise<T>) => transaction(dataSource, dataSource.manager, work);
  return {
    async acquire(name, ttlMs) {
      // INSERT IGNORE would silently truncate a longer name on MySQL, and the UPDATE would then never match.
      if (name.length > 100) throw new Error(`Job name "${name}" is longer than 100 characters.`);
      const owner = newOwner();
      await run((em) =>
        em
          .createQueryBuilder()
          .insert()
          .into(JobLockEntity)
          .values({ name, owner: '', lockedUntil: FREE })
          .orIgnore()
          .execute(),
      );
      const taken = await run((em) =>
        em
          .createQueryBuilder()
          .update(JobLockEntity)
          .set({ owner, lockedUntil: new Date(Date.now() + ttlMs) })
          .where('name = :name AND lockedUntil < :now', { name, now: new Date() })
          .execute(),
      );
      if (!taken.affected) return null;
      const mine = (lockedUntil: Date) =>
        run((em) =>
          em
            .createQueryBuilder()
            .update(JobLockEntity)
            .set({ lockedUntil })
            .where('name = :name AND owner = :owner', { name, owner })
            .execute(),
        );
      return {
        extend: async (ttl) => Boolean((await mine(new Date(Date.now() + ttl))).affected),
        release: async () => void (await mine(FREE)),
      };
    },
    close: async () => {},
  };
}

/** Deletes the key only when it still holds our value: a lock that expired and was taken by another stays theirs. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** The lock in Redis (REDIS_URL): `SET key owner NX PX ttl`; release and extend compare the owner first. */
export function redisJobLock(redisUrl: string, keyPrefix = 'pp:job-lock:'): JobLock {
  // Fail fast instead of queueing commands forever when Redis is down: the job run reports the error.
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    disconnectTimeout: 200,
  });
  return {
    async acquire(name, ttlMs) {
      const key = keyPrefix + name;
      const owner = newOwner();
      const set = await redis.set(key, owner, 'PX', ttlMs, 'NX');
      if (set !== 'OK') return null;
      return {
        extend: async (ttl) => (await redis.eval(EXTEND_SCRIPT, 1, key, owner, String(ttl))) === 1,
        release: async () => void (await redis.eval(RELEASE_SCRIPT, 1, key, owner)),
      };
    },
    async close() {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/**
 * Redis when REDIS_URL is set (several instances share it), otherwise the database. Redis keys are
 * named after the database, so deployments (or test databases) sharing one Redis never hold each
 * other's sweeps.
 */
export function createJobLock(redisUrl: string | null, dataSource: DataSource): JobLock {
  return redisUrl
    ? redisJobLock(redisUrl, `pp:job-lock:${databaseIdentity(dataSource)}:`)
    : databaseJobLock(dataSource);
}

/**
 * Runs `work` holding the lock `name`; returns `{ ran: false }` without running it when the lock is
 * held elsewhere. The lock is extended every third of its time to live while `work` runs.
 */
export async function withJobLock<T>(
  lock: JobLock,
  name: string,
  ttlMs: number,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const held = await lock.acquire(name, ttlMs);
  if (!held) return { ran: false };
  const heartbeat = setInterval(
    () => void held.extend(ttlMs).catch(() => undefined),
    Math.max(1000, Math.floor(ttlMs / 3)),
  );
  heartbeat.unref();
  try {
    return { ran: true, value: await work() };
  } finally {
    clearInterval(heartbeat);
    await held.release().catch(() => undefined);
  }
}
