import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { Catalog, defaultCatalog, isCatalog } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import { catalogFromJson } from '../docs/catalog-json.js';

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
  let value: unknown;
  try {
    value =
      extname(file) === '.json'
        ? JSON.parse(await readFile(file, 'utf8'))
        : exported(await importOrStall(pathToFileURL(file).href));
  } catch (error) {
    throw new CatalogLoadError(`cannot read ${where}: ${firstLine(error)}`);
  }
  try {
    return asCatalog(value, where);
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

/** `catalog`, else the default export (a CommonJS module's `module.exports`, or its `catalog`). */
function exported(module: Record<string, unknown>): unknown {
  const fallback = module.default as Record<string, unknown> | undefined;
  return module.catalog ?? fallback?.catalog ?? fallback;
}

function asCatalog(value: unknown, where: string): Catalog {
  // Built again, so that its entries are checked by this copy of the package as it reads them.
  if (isCatalog(value)) return new Catalog(value.entries);
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Array.isArray((value as { entries?: unknown }).entries)
  ) {
    return new Catalog((value as { entries: readonly CatalogEntry[] }).entries);
  }
  if (value === undefined) {
    throw new Error('it exports no `catalog` and no default export');
  }
  return catalogFromJson(value, where);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
