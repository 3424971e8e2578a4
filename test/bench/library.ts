/**
 * The library as its users run it: the CommonJS build that
 * `require('express-api-errors')` gives, not the TypeScript sources. tsx
 * compiles each source module to CommonJS with its exports as getters, so
 * that every call from one of our modules into another went through a
 * getter: a cost users never pay, and one that grew with the number of
 * modules, not with the work done (on 2026-12-04 the error path of this
 * build cost 8 µs more than ebe4263's from the sources, and 4 µs more from
 * the builds). The runner builds a checkout first when its build is older
 * than its sources (see `ensureBuilt`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Library = typeof import('../../src/index.js');

/** This repository's root, whose build the scenarios measure. */
export const REPOSITORY = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

const load = createRequire(import.meta.url);

function buildEntry(checkout: string): string {
  return join(checkout, 'dist', 'cjs', 'index.js');
}

/** The CommonJS build of a checkout of this repository (this one by default). */
export function loadBuild(checkout: string = REPOSITORY): Library {
  const entry = buildEntry(checkout);
  if (!existsSync(entry)) {
    throw new Error(`${entry} does not exist: run \`npm run build\` in ${checkout}`);
  }
  return load(entry) as Library;
}

/** Whether this process has made sure of this repository's build (a walk of `src/`). */
let checkedBuild = false;

/**
 * One module of this repository's CommonJS build, by its path under
 * `dist/cjs` (`'handler/log-error.js'`), for the in-process step scripts;
 * the build is made first when older than `src/`. Typed by the caller:
 * `loadBuildModule<typeof import('../../src/handler/log-error.js')>(…)`.
 */
export function loadBuildModule<Module>(path: string): Module {
  if (!checkedBuild) ensureBuilt();
  checkedBuild = true;
  return load(join(REPOSITORY, 'dist', 'cjs', path)) as Module;
}

/** The newest modification time of the files under `dir`, in ms. */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Runs `npm run build` in a checkout whose build is missing or older than
 * its `src/`, so that a run never measures stale code. Returns whether it built.
 */
export function ensureBuilt(checkout: string = REPOSITORY): boolean {
  const entry = buildEntry(checkout);
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestUnder(join(checkout, 'src'))) {
    return false;
  }
  const built = spawnSync('npm', ['run', 'build'], { cwd: checkout, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) throw new Error(`\`npm run build\` failed in ${checkout}`);
  return true;
}

/** The checkout of the earlier build the regression scenario compares with, from BENCH_BASE. */
export function baseCheckout(): string {
  const checkout = process.env.BENCH_BASE;
  if (!checkout) {
    throw new Error(
      'The regression scenario needs BENCH_BASE: a checkout of the earlier build (see scenarios/regression.ts)',
    );
  }
  return checkout;
}
