import 'reflect-metadata';
import { runCli } from './commands';

/** `npm run cli -- <command> [options]`: operational commands (DESIGN section 10). `help` lists them. */
runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
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
