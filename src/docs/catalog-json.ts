import { Catalog } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';

/** The JSON form of a catalog: what `responseCodesPage` serves as `application/json`, and `diff` reads. */
export interface CatalogJson {
  readonly entries: readonly CatalogEntry[];
}

export function catalogToJson(catalog: Catalog): CatalogJson {
  return { entries: catalog.entries };
}

/**
 * A catalog from its JSON form, or from a plain array of entries, checked
 * as `defineCatalog()` checks entries; `where` names the source in errors.
 */
export function catalogFromJson(value: unknown, where: string): Catalog {
  const entries = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null && Array.isArray((value as CatalogJson).entries)
      ? (value as CatalogJson).entries
      : undefined;
  if (entries === undefined) {
    throw optionError(
      where,
      'ERR_EAE_OPTION_TYPE',
      `a catalog must be { "entries": [...] } or an array of entries, got ${describeValue(value)}`,
    );
  }
  return new Catalog(entries as readonly CatalogEntry[]);
}
