import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { Catalog, defaultCatalog, isCatalog } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import { describeValue } from '../options/describe-value.js';
import { isThenable } from '../util/is-thenable.js';

/** A catalog that cannot be read or is not valid, with a one-line reason. */
export class CatalogLoadError extends Error {}

/**
 * The catalog in a file: the JSON form (`.json`), or an ES or CommonJS
 * module that exports it as `catalog` or as its default export, built with
 * `defineCatalog()` or as an array of entries. The default catalog without
 * a path. The entries are checked again here: a module may hold a catalog
 * made by another copy of this package (its ESM or CommonJS build).
 */
export async function loadCatalog(path: string | undefined): Promise<Catalog> {
  if (path === undefined) return defaultCatalog;
  const file = resolve(path);
  const where = `catalog ${path}`;
  let found: Exported;
  try {
    found =
      extname(file) === '.json'
        ? {
            // A byte order mark is not JSON, but a reader may ignore one (RFC 8259 §8.1), and
            // editors on Windows write it.
            value: JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, '')),
            name: 'its JSON',
          }
        : exported(await importOrStall(pathToFileURL(file).href));
  } catch (error) {
    throw new CatalogLoadError(`cannot read ${where}: ${readFailure(error, file)}`);
  }
  try {
    return asCatalog(found);
  } catch (error) {
    throw new CatalogLoadError(`invalid ${where}: ${firstLine(error)}`);
  }
}

/**
 * The module, or a rejection once the process has nothing left to do but wait
 * for it: a top-level await that never settles leaves its import pending, and
 * Node, its event loop empty, would exit 0 with no output, so that a `diff`
 * gate in CI would pass. `beforeExit` is that moment: nothing can settle the
 * import any more.
 */
function importOrStall(url: string): Promise<Record<string, unknown>> {
  let onIdle: () => void = () => {};
  const stalled = new Promise<never>((_, reject) => {
    onIdle = () =>
      reject(
        new Error('its module never finished loading (a top-level await in it never settles)'),
      );
    process.once('beforeExit', onIdle);
  });
  return Promise.race([import(url) as Promise<Record<string, unknown>>, stalled]).finally(() =>
    process.off('beforeExit', onIdle),
  );
}

/** What a module exports as its catalog, and under which name, for the messages. */
interface Exported {
  readonly value: unknown;
  readonly name: string;
}

/**
 * `catalog`, else the default export (a CommonJS module's `module.exports`,
 * or its `catalog`). A `catalog` export is taken as it is, even `null`: an
 * app that exports one means it, and falling back to the default export
 * would document another catalog without a word.
 */
function exported(module: Record<string, unknown>): Exported {
  if ('catalog' in module) return { value: module.catalog, name: 'its `catalog` export' };
  let fallback = module.default;
  // CommonJS compiled from `export default` by TypeScript or Babel: `exports.default`, marked.
  if (typeof fallback === 'object' && fallback !== null && '__esModule' in fallback) {
    fallback = (fallback as { default?: unknown }).default;
  }
  if (typeof fallback === 'object' && fallback !== null && 'catalog' in fallback) {
    return { value: (fallback as { catalog: unknown }).catalog, name: 'its `catalog` export' };
  }
  return { value: fallback, name: 'its default export' };
}

function asCatalog({ value, name }: Exported): Catalog {
  // Built again, so that its entries are checked by this copy of the package as it reads them.
  if (isCatalog(value)) return new Catalog(value.entries);
  if (Array.isArray(value)) return new Catalog(value);
  if (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { entries?: unknown }).entries)
  ) {
    return new Catalog((value as { entries: readonly CatalogEntry[] }).entries);
  }
  if (value === undefined && name === 'its default export') {
    throw new Error('it exports no `catalog` and no default export');
  }
  if (isThenable(value)) {
    throw new Error(
      `${name} is a promise: export the catalog itself, awaiting it at the top of the module if need be`,
    );
  }
  const wanted =
    name === 'its JSON'
      ? '{ "entries": [...] } or an array of entries'
      : 'a catalog from defineCatalog(), { entries: [...] } or an array of entries';
  throw new Error(`${name} must be ${wanted}, got ${describeValue(value)}`);
}

/** The extensions of TypeScript modules, which Node loads itself only from 22.18 and 23.6. */
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/**
 * Why `file` could not be read, in one line. A TypeScript catalog on a Node
 * that cannot load it gets what to run instead of `Unknown file extension
 * ".ts"`: with tsx registered by `--import`, the command's `import()` of the
 * catalog goes through tsx's loader.
 */
function readFailure(error: unknown, file: string): string {
  if (
    (error as { code?: unknown } | null)?.code === 'ERR_UNKNOWN_FILE_EXTENSION' &&
    TYPESCRIPT.has(extname(file))
  ) {
    return `Node ${process.version} does not load TypeScript by itself: run the command with NODE_OPTIONS='--import tsx' (tsx installed in your project), or give it the compiled JavaScript`;
  }
  return firstLine(error);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
