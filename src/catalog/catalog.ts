import type { CatalogEntry } from './catalog-entry.js';
import { defaultEntries, type DefaultEntry } from './default-entries.js';
import { describeValue } from '../options/describe-value.js';

const NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const SUB_CODE = /^([1-5]\d\d)\.(\d{1,4})$/;

/**
 * A validated, indexed set of catalog entries. Build one with
 * `defineCatalog()`; look entries up by status, sub-code or name in O(1).
 */
export class Catalog<Entry extends CatalogEntry = CatalogEntry> {
  readonly entries: readonly Entry[];
  readonly #byCode = new Map<number | string, Entry>();
  readonly #byName = new Map<string, Entry>();

  constructor(entries: readonly Entry[]) {
    if (!Array.isArray(entries)) throw new TypeError('A catalog must be an array of entries');
    for (const [index, entry] of entries.entries()) {
      validateEntry(entry, index);
      const code = entry.subCode ?? entry.status;
      if (this.#byCode.has(code)) throw new TypeError(`Catalog lists \`${code}\` twice`);
      if (this.#byName.has(entry.name)) {
        throw new TypeError(`Catalog uses the name \`${entry.name}\` twice`);
      }
      this.#byCode.set(code, entry);
      this.#byName.set(entry.name, entry);
    }
    for (const entry of entries) {
      if (entry.subCode !== undefined && !this.#byCode.has(entry.status)) {
        throw new TypeError(
          `Catalog has sub-code \`${entry.subCode}\` but no entry for its status ${entry.status}: add one`,
        );
      }
    }
    this.entries = Object.freeze([...entries]);
  }

  /** The entry for a status (`404`) or a sub-code (`'404.1'`), if the catalog has one. */
  get(code: number | string): CatalogEntry | undefined {
    return this.#byCode.get(code);
  }

  /** The entry with this symbolic name, e.g. `TOKEN_EXPIRED`. */
  byName(name: string): CatalogEntry | undefined {
    return this.#byName.get(name);
  }

  /** Whether the catalog documents this status or sub-code. */
  has(code: number | string): boolean {
    return this.#byCode.has(code);
  }
}

function validateEntry(entry: CatalogEntry, index: number): void {
  const where = `Catalog entry ${index}`;
  if (typeof entry !== 'object' || entry === null)
    throw new TypeError(`${where} must be an object`);
  if (!Number.isInteger(entry.status) || entry.status < 100 || entry.status > 599) {
    throw new RangeError(`${where}: \`status\` must be an integer from 100 to 599`);
  }
  if (entry.subCode !== undefined) {
    const match = SUB_CODE.exec(entry.subCode);
    if (!match || Number(match[1]) !== entry.status) {
      throw new TypeError(
        `${where}: \`subCode\` must be "${entry.status}." followed by a number, got ${describeValue(entry.subCode)}`,
      );
    }
  }
  if (typeof entry.name !== 'string' || !NAME.test(entry.name)) {
    throw new TypeError(
      `${where}: \`name\` must be SCREAMING_SNAKE_CASE, got ${describeValue(entry.name)}`,
    );
  }
  for (const field of ['title', 'description'] as const) {
    if (typeof entry[field] !== 'string' || entry[field].trim() === '') {
      throw new TypeError(`${where} (${entry.name}): \`${field}\` must be a non-empty string`);
    }
  }
}

/**
 * Builds a catalog from entries. Literal types are kept, so that sub-codes
 * type-check once the catalog is registered (see `Register`).
 *
 * @example
 * const catalog = defineCatalog([
 *   ...defaultEntries,
 *   { status: 404, subCode: '404.7', name: 'ORDER_NOT_FOUND', title: 'Order not found', description: '…' },
 * ]);
 */
export function defineCatalog<const Entries extends readonly CatalogEntry[]>(
  entries: Entries,
): Catalog<Entries[number]> {
  return new Catalog(entries);
}

/** The built-in catalog: every code of the response-code pages this library was built from. */
export const defaultCatalog: Catalog<DefaultEntry> = new Catalog(defaultEntries);

/**
 * Register your own catalog to make its sub-codes type-check on the error classes:
 *
 * ```ts
 * declare module 'express-api-errors' {
 *   interface Register { catalog: typeof catalog }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Register {}

/** The entries of the registered catalog, or of the default one. */
export type RegisteredEntry = Register extends { catalog: Catalog<infer Entry> }
  ? Entry
  : DefaultEntry;

/** Every sub-code of the registered catalog. */
export type SubCode = RegisteredEntry extends infer Entry
  ? Entry extends { subCode: infer Code extends string }
    ? Code
    : never
  : never;

/** The sub-codes that refine `Status`: `SubCodeOf<401>` is `'401.1' | … | '401.32'`. */
export type SubCodeOf<Status extends number> = Extract<SubCode, `${Status}.${string}`>;

/** Every status of the registered catalog. */
export type CatalogStatus = RegisteredEntry['status'];

/** The error statuses (4xx and 5xx) among a set of entries. */
export type ErrorStatusOf<Entry extends CatalogEntry> = Entry['status'] extends infer Status extends
  number
  ? `${Status}` extends `4${string}` | `5${string}`
    ? Status
    : never
  : never;
