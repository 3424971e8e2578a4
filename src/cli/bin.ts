#!/usr/bin/env node
// The `express-api-errors` command. package.json's `bin` points at the ESM
// build, whose `import()` loads both ES and CommonJS catalog modules.
import process from 'node:process';
import { run } from './run.js';

run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `express-api-errors: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
