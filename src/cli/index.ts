import 'reflect-metadata';
import { runCli } from './commands';

/** `npm run cli -- <command> [options]`: operational commands (DESIGN section 10). `help` lists them. */
runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  write: (chunk) =>
    new Promise((resolve, reject) => {
      if (!chunk) return resolve();
      if (process.stdout.write(chunk, (error) => (error ? reject(error) : undefined))) resolve();
      else process.stdout.once('drain', resolve);
    }),
  progress: () => {
    if (!process.stderr.isTTY) return undefined;
    // Loaded only for a terminal: a redirected or piped stderr gets no bar at all.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
    const bar = new SingleBar(
      { stream: process.stderr, format: 'export [{bar}] {percentage}% | {value}/{total} rows | {eta}s left' },
      Presets.shades_classic,
    );
    return { start: (total) => bar.start(total, 0), update: (done) => bar.update(done), stop: () => bar.stop() };
  },
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    process.stderr.write(`error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    // Everything is closed by now; a stray handle (a pool that lingers) must not keep the command hanging.
    setTimeout(() => process.exit(), 2000).unref();
  });
