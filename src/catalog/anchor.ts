import type { CatalogEntry } from './catalog-entry.js';

/**
 * The anchor of an entry on its response-codes page: its code, `401` or
 * `401.24`. Derived from the code, never from a position, so that a link
 * stays valid as entries are added (RFC 9457 §3.1.1: a type URI is an
 * identifier, and clients keep it).
 */
export function codeAnchor(entry: Pick<CatalogEntry, 'status' | 'subCode'>): string {
  return entry.subCode ?? String(entry.status);
}

/**
 * The problem `type` of an entry: the page at `typeBaseUri`, at the entry's
 * anchor, e.g. `https://api.example.com/docs/errors#401.24`.
 */
export function problemTypeUri(
  typeBaseUri: string,
  entry: Pick<CatalogEntry, 'status' | 'subCode'>,
): string {
  return `${typeBaseUri}#${codeAnchor(entry)}`;
}
