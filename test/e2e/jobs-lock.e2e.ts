import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { RequestContext } from '../../src/context';
import { connectDataSource } from '../../src/db/data-source';
import { databaseJobLock, JobLock, redisJobLock } from '../../src/jobs/lock';
import { JobLockEntity } from '../../src/jobs/job-lock.entity';
import { Job, runJobs, SWEEP_LOCK } from '../../src/jobs/runner';
import { startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
/**
 * The connection pool of "another instance": a second pool on MariaDB. On SQLite the same one, since
 * two synchronous SQLite connections in one process block each other's writes (one instance per
 * process is what runs in production); the cross-process test below covers two SQLite processes.
 */
let other: DataSource;

beforeAll(async () => {
  server = await startTestServer();
  other = server.dialect === 'mysql' ? await connectDataSource(databaseUrlOf(server.dataSource)) : server.dataSource;
});
afterAll(async () => {
  if (other !== server.dataSource) await other.destroy();
  await server.stop();
});

function databaseUrlOf(dataSource: DataSource): string {
  const options = dataSource.options as { type: string; database?: string; url?: string };
  return options.type === 'better-sqlite3' ? `sqlite:${options.database}` : (options.url as string);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uniqueName = (label: string) => `test-${label}-${randomBytes(4).toString('hex')}`;

/** A sweep that takes a while and counts how often it really ran. */
function slowJob(name: string, ms = 400): Job & { calls: number } {
  const job = {
    name,
    calls: 0,
    async run() {
      job.calls += 1;
      await sleep(ms);
      return 1;
    },
  };
  return job;
}

const now = new Date('2026-06-01T02:00:00Z');
const systemCtx = () => server.app.systemContext();
/** A system context of the "second instance": same services, its own connection pool. */
const otherCtx = () => {
  const ctx = server.app.systemContext();
  return new RequestContext(other, other.manager, null, ctx.clock);
};

describe('job locks on the database (no REDIS_URL)', () => {
  it('two instances running the sweeps at once run a job once; the other reports it skipped', async () => {
    const job = slowJob(uniqueName('db-race'));
    const [a, b] = await Promise.all([runJobs(systemCtx(), now, [job]), runJobs(otherCtx(), now, [job])]);
    expect(job.calls).toBe(1);
    expect([a[0], b[0]].sort((x, y) => Number(!!x.skipped) - Number(!!y.skipped))).toEqual([
      { name: job.name, changed: 1 },
      { name: job.name, changed: 0, skipped: true },
    ]);
  });

  it('keeps the order across instances: while one runs the sweeps, the other skips all of them (issue 9)', async () => {
    // The first sweep is slow (charging renewals), the last quick (expiry notices): with a lock per
    // job the second instance ran the last one while the first was still in the first.
    let renewed = false;
    const renewals: Job & { calls: number } = {
      name: uniqueName('db-order-first'),
      calls: 0,
      async run() {
        renewals.calls += 1;
        await sleep(800);
        renewed = true;
        return 1;
      },
    };
    const finished: string[] = [];
    const notices: Job & { calls: number } = {
      name: uniqueName('db-order-last'),
      calls: 0,
      async run() {
        notices.calls += 1;
        finished.push(renewed ? 'after renewals' : 'before renewals');
        return 1;
      },
    };
    const [a, b] = await Promise.all([
      runJobs(systemCtx(), now, [renewals, notices]),
      runJobs(otherCtx(), now, [renewals, notices]),
    ]);
    expect(renewals.calls).toBe(1);
    expect(notices.calls).toBe(1);
    expect(finished).toEqual(['after renewals']);
    const skipped = [a, b].find((runs) => runs.every((r) => r.skipped));
    expect(skipped?.map((r) => r.name)).toEqual([renewals.name, notices.name]);
  });

  it("the server's own sweep list (createJobs: renewals, blocked orders, identity purge, support grants) runs under that one lock", async () => {
    const names = server.app.jobs.map((job) => job.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'renew-products',
        'expiry-notices',
        'cancel-blocked-orders',
        'purge-identity-verifications',
      ]),
    );
    const held = await databaseJobLock(other).acquire(SWEEP_LOCK, 60_000);
    expect(held).not.toBeNull();
    try {
      const runs = await runJobs(systemCtx(), now, server.app.jobs);
      expect(runs).toEqual(names.map((name) => ({ name, changed: 0, skipped: true })));
    } finally {
      await held!.release();
    }
    const free = await runJobs(systemCtx(), now, server.app.jobs);
    expect(free.map((r) => r.name)).toEqual(names);
    expect(free.filter((r) => r.skipped || r.error)).toEqual([]);
  });

  it('five concurrent runs in one instance also run it once', async () => {
    const job = slowJob(uniqueName('db-five'));
    const runs = await Promise.all([1, 2, 3, 4, 5].map((i) => runJobs(i % 2 ? systemCtx() : otherCtx(), now, [job])));
    expect(job.calls).toBe(1);
    expect(runs.flat().filter((r) => r.skipped)).toHaveLength(4);
  });

  it('releases the lock when the job ends, so the next run runs it again', async () => {
    const job = slowJob(uniqueName('db-seq'), 10);
    await runJobs(systemCtx(), now, [job]);
    await runJobs(otherCtx(), now, [job]);
    expect(job.calls).toBe(2);
    const row = await server.dataSource.manager.findOneByOrFail(JobLockEntity, { name: SWEEP_LOCK });
    expect(row.lockedUntil.getTime()).toBeLessThan(Date.now());
  });

  it('a failing job reports its error, releases its lock and does not stop the jobs after it', async () => {
    const failing: Job = { name: uniqueName('db-fail'), run: async () => Promise.reject(new Error('gateway down')) };
    const after = slowJob(uniqueName('db-after'), 1);
    const runs = await runJobs(systemCtx(), now, [failing, after]);
    expect(runs[0]).toMatchObject({
      name: failing.name,
      changed: 0,
      error: expect.objectContaining({ message: 'gateway down' }),
    });
    expect(runs[1]).toEqual({ name: after.name, changed: 1 });
    const lock = databaseJobLock(other);
    const held = await lock.acquire(SWEEP_LOCK, 60_000);
    expect(held).not.toBeNull();
    await held!.release();
  });

  it('a lock abandoned by a crashed holder is taken once it expires, and the late holder cannot release it', async () => {
    const name = uniqueName('db-expiry');
    const crashed = await databaseJobLock(server.dataSource).acquire(name, 1500);
    expect(crashed).not.toBeNull();
    expect(await databaseJobLock(other).acquire(name, 60_000)).toBeNull();
    // MariaDB keeps whole seconds: wait past the expiry and its rounding.
    await sleep(2600);
    const next = await databaseJobLock(other).acquire(name, 60_000);
    expect(next).not.toBeNull();
    await crashed!.release();
    expect(await crashed!.extend(60_000)).toBe(false);
    expect(await databaseJobLock(server.dataSource).acquire(name, 60_000)).toBeNull();
    await next!.release();
    expect(await databaseJobLock(server.dataSource).acquire(name, 60_000)).not.toBeNull();
  });
});

/**
 * A stand-in for a second server process: opens the database, waits for "go" on stdin, runs one
 * slow sweep (3 s: a wide margin on a loaded machine) under runJobs' default (database) lock and
 * prints what happened as JSON.
 */
const WORKER = `
require('reflect-metadata');
const { loadConfig } = require('./src/config');
const { RequestContext, systemClock } = require('./src/context');
const { connectDataSource } = require('./src/db/data-source');
const { runJobs } = require('./src/jobs/runner');
(async () => {
  const config = loadConfig();
  const dataSource = await connectDataSource(config.databaseUrl);
  const ctx = new RequestContext(dataSource, dataSource.manager, null, systemClock);
  let calls = 0;
  const job = { name: process.env.JOB_NAME, run: async () => { calls += 1; await new Promise((r) => setTimeout(r, 3000)); return 1; } };
  process.stdout.write('ready\\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const runs = await runJobs(ctx, new Date(), [job]);
  process.stdout.write(JSON.stringify({ calls, skipped: !!runs[0].skipped, error: runs[0].error ? runs[0].error.message : null }) + '\\n');
  await dataSource.destroy();
  process.stdin.destroy();
})().catch((error) => { console.error(error); process.exit(1); });
`;

function startWorker(databaseUrl: string, jobName: string) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', WORKER], {
    cwd: join(__dirname, '..', '..'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl,
      SECRET_KEY: 'jobs-lock-test',
      MAIL_TRANSPORT: 'file:' + join(tmpdir(), 'pp-jobs-lock-mail'),
      JOB_NAME: jobName,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) onReady();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ calls: number; skipped: boolean; error: string | null }>((resolve, reject) =>
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`worker exited ${code}: ${stderr}`));
      else resolve(JSON.parse(last));
    }),
  );
  return { ready, done, go: () => child.stdin.write('go\n') };
}

describe('job locks across processes', () => {
  it('two server processes running the same sweep at once run it once', async () => {
    const name = uniqueName('processes');
    const workers = [
      startWorker(databaseUrlOf(server.dataSource), name),
      startWorker(databaseUrlOf(server.dataSource), name),
    ];
    await Promise.race([Promise.all(workers.map((w) => w.ready)), ...workers.map((w) => w.done)]);
    workers.forEach((w) => w.go());
    const results = await Promise.all(workers.map((w) => w.done));
    expect(results.map((r) => r.error)).toEqual([null, null]);
    expect(results.map((r) => r.calls).sort()).toEqual([0, 1]);
    expect(results.map((r) => r.skipped).sort()).toEqual([false, true]);
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
/** Runs when TEST_REDIS_URL is set (.ci/run sets it: redis://127.0.0.1:6379). */
const describeRedis = redisUrl ? describe : describe.skip;

describeRedis('job locks on Redis (REDIS_URL set)', () => {
  const prefix = `pp-test:${randomBytes(4).toString('hex')}:`;
  let locks: JobLock[] = [];
  const lock = (url = redisUrl as string) => {
    const created = redisJobLock(url, prefix);
    locks.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(locks.map((l) => l.close()));
    locks = [];
  });

  it('two instances running the sweeps at once run a job once; the other reports it skipped', async () => {
    const job = slowJob(uniqueName('redis-race'));
    const [a, b] = await Promise.all([
      runJobs(systemCtx(), now, [job], { lock: lock() }),
      runJobs(otherCtx(), now, [job], { lock: lock() }),
    ]);
    expect(job.calls).toBe(1);
    expect([a[0].skipped, b[0].skipped].filter(Boolean)).toHaveLength(1);
    expect(a[0].changed + b[0].changed).toBe(1);
  });

  it('releases after the run; an expired lock is taken and the late holder cannot release the new one', async () => {
    const job = slowJob(uniqueName('redis-seq'), 10);
    await runJobs(systemCtx(), now, [job], { lock: lock() });
    await runJobs(systemCtx(), now, [job], { lock: lock() });
    expect(job.calls).toBe(2);

    const name = uniqueName('redis-expiry');
    const crashed = await lock().acquire(name, 200);
    expect(crashed).not.toBeNull();
    expect(await lock().acquire(name, 60_000)).toBeNull();
    await sleep(300);
    const next = await lock().acquire(name, 60_000);
    expect(next).not.toBeNull();
    await crashed!.release();
    expect(await lock().acquire(name, 60_000)).toBeNull();
    await next!.release();
  });

  it('an unreachable Redis makes the job fail with an error instead of running it unlocked', async () => {
    const job = slowJob(uniqueName('redis-down'), 1);
    const runs = await runJobs(systemCtx(), now, [job], { lock: lock('redis://127.0.0.1:1') });
    expect(job.calls).toBe(0);
    expect(runs[0].error).toBeInstanceOf(Error);
  });
});
