/**
 * One server of the benchmark, in its own process (forked by bench/run.ts, which sends the load
 * from yet another process): `ours`, `ours-unguarded` (the same without the permission layer, a
 * createServer option only this file sets) or `baseline` (bench/baseline/server.ts). Tells its
 * port over IPC and answers `cpu` messages with its process.cpuUsage(), so the runner can compute
 * the server CPU per request. Env: BENCH_SERVER, DATABASE_URL, BENCH_DATA_DIR.
 */
import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { createServer } from '../src/app';
import { loadConfig } from '../src/config';
import { connectDataSource } from '../src/db/data-source';
import { startBaseline } from './baseline/server';

async function main() {
  const kind = process.env.BENCH_SERVER ?? 'ours';
  const databaseUrl = process.env.DATABASE_URL as string;
  let port: number;
  if (kind === 'baseline') {
    port = (await startBaseline(databaseUrl)).port;
  } else {
    const config = loadConfig({
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      SECRET_KEY: 'bench-secret-key',
      DATA_DIR: process.env.BENCH_DATA_DIR ?? '/tmp/pp-bench',
      MAIL_TRANSPORT: 'file:/tmp/pp-bench/mail',
      SMS_TRANSPORT: 'file:/tmp/pp-bench/sms',
      JOBS_INTERVAL_MS: '0',
      LOG_LEVEL: 'silent',
      PORT: '0',
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000000',
      QUERY_MAX_COST: '100000000',
    });
    const dataSource = await connectDataSource(databaseUrl);
    const app = await createServer({
      config,
      dataSource,
      countStatements: true,
      withoutPermissionLayerForBenchmark: kind === 'ours-unguarded',
    });
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    port = (app.httpServer.address() as AddressInfo).port;
  }
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu')
      process.send?.({ type: 'cpu', usage: process.cpuUsage(), rss: process.memoryUsage().rss });
  });
  // A normal exit, so that `--cpu-prof` (BENCH_NODE_OPTIONS) writes its profile.
  process.on('SIGTERM', () => process.exit(0));
  process.send?.({ type: 'ready', port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
