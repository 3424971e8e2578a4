#!/usr/bin/env node
// The `express-api-errors` command. package.json's `bin` points at the ESM
// build, whose `import()` loads both ES and CommonJS catalog modules.
import process from 'node:process';
import { EXIT, run } from './run.js';

/** Set once the command could not write what it was asked to: exit 2 whatever `run` says. */
let failed = false;
/** Set once the reader of standard output went away: nothing more is written to it. */
let readerGone = false;

function fail(message: string): void {
  if (failed) return;
  failed = true;
  process.exitCode = EXIT.trouble;
  process.stderr.write(`express-api-errors: ${message}\n`);
}

// A write to standard output fails after `write()` returned, as an 'error' event; unheard,
// Node throws it with its stack and exits 1.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // EPIPE: the reader closed the pipe (`| head -1`) and has what it wanted. A Unix tool dies
  // of SIGPIPE without a word; we end as quietly, but keep the command's own exit code rather
  // than SIGPIPE's 141, so that `docs | head` succeeds and a breaking `diff | head` still
  // fails under `set -o pipefail`.
  if (error.code === 'EPIPE') {
    readerGone = true;
    return;
  }
  // Anything else (ENOSPC, EIO, `> /dev/full`): the output is lost or cut short, which is
  // trouble, said in one line.
  fail(`cannot write to standard output: ${error.message}`);
});
// Standard error has no one else to tell: its own failures are dropped, not thrown.
process.stderr.on('error', () => {});

run(process.argv.slice(2), {
  stdout: (text) => {
    if (!readerGone && !failed) process.stdout.write(text);
  },
  stderr: (text) => process.stderr.write(text),
})
  .then(
    (code) => {
      if (!failed) process.exitCode = code;
    },
    (error: unknown) => {
      fail(error instanceof Error ? error.message : String(error));
    },
  )
  .finally(exitWhenWritten);

/**
 * Exits once what was written has been handed on: a catalog module may leave
 * timers or connections open (the app's database pool, imported with its
 * errors), which would keep the command from ever ending.
 */
function exitWhenWritten(): void {
  let pending = 2;
  const written = () => {
    // After the turn: a write that failed reports it (an 'error' event) in the ticks before.
    if (--pending === 0) setImmediate(() => process.exit());
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}
