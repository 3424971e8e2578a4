import type { Catalog } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';

/** One status on the page, with the sub-codes that refine it, in catalog order. */
export interface StatusSection {
  readonly entry: CatalogEntry;
  readonly subCodes: readonly CatalogEntry[];
}

/** One class of statuses (RFC 9110 §15: 2xx, 3xx, 4xx, 5xx), as the page groups them. */
export interface ClassSection {
  /** The anchor of the group, e.g. `client-errors`. */
  readonly id: string;
  readonly title: string;
  readonly statuses: readonly StatusSection[];
}

const CLASSES = [
  { digit: 1, id: 'informational', title: 'Informational' },
  { digit: 2, id: 'success', title: 'Success' },
  { digit: 3, id: 'redirection', title: 'Redirection' },
  { digit: 4, id: 'client-errors', title: 'Client errors' },
  { digit: 5, id: 'server-errors', title: 'Server errors' },
] as const;

/**
 * The catalog as the page shows it: by class, then by status in ascending
 * order, each with its sub-codes in ascending order of their number. Classes
 * without an entry are left out.
 */
export function pageSections(catalog: Catalog): readonly ClassSection[] {
  const subCodes = new Map<number, CatalogEntry[]>();
  const statuses: CatalogEntry[] = [];
  for (const entry of catalog.entries) {
    if (entry.subCode === undefined) {
      statuses.push(entry);
    } else {
      const list = subCodes.get(entry.status) ?? [];
      list.push(entry);
      subCodes.set(entry.status, list);
    }
  }
  statuses.sort((a, b) => a.status - b.status);
  return CLASSES.map(({ digit, id, title }) => ({
    id,
    title,
    statuses: statuses
      .filter((entry) => Math.floor(entry.status / 100) === digit)
      .map((entry) => ({
        entry,
        subCodes: (subCodes.get(entry.status) ?? []).sort(bySubCodeNumber),
      })),
  })).filter((section) => section.statuses.length > 0);
}

function bySubCodeNumber(a: CatalogEntry, b: CatalogEntry): number {
  return subCodeNumber(a) - subCodeNumber(b);
}

function subCodeNumber(entry: CatalogEntry): number {
  return Number(entry.subCode!.split('.')[1]);
}
