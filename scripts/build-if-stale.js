#!/usr/bin/env node
// Builds dist/ (tsc + schema) only when a source is newer than the last build, so `npm start` and
// `npm run cli` start in about a second on a built tree. `--force` always builds.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'migrations', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** Newest modification time (ms) of a file or of any file below a folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const stale = process.argv.includes('--force') || inputs.some((input) => newest(join(root, input)) > built);
if (stale) {
  const startedAt = new Date();
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  // The stamp is dated when the build started: a source edited during the build makes the next call build again.
  utimesSync(stamp, startedAt, startedAt);
}
