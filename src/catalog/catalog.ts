import { STATUS_CODES } from 'node:http';
import type { CatalogEntry } from './catalog-entry.js';
import { defaultEntries, type DefaultEntry } from './default-entries.js';
import { isToken } from '../headers/field-value.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { parseWholeNumber } from '../options/parse.js';
import { SUB_CODE } from './sub-code.js';

const NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
/**
 * What a title or description may not hold: C0 and C1 controls but tab and
 * line breaks (HTML forbids them in text, and a NUL ends some readers), and
 * the bidirectional embeddings, overrides and isolates, which make a page
 * read otherwise than it is written (CVE-2021-42574, "Trojan Source").
 */
const UNSHOWABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/**
 * Text that shows nothing: only white space (Unicode's White_Space), code
 * points a renderer draws as nothing (Default_Ignorable_Code_Point: U+200B,
 * U+00AD, U+3164, U+FEFF, …) and U+2800, the blank Braille pattern, the one
 * blank glyph outside both. Such a title is as empty as "  ".
 */
const BLANK = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]*$/u;
const FACTORY = 'defineCatalog()';
const ENTRY_FIELDS = optionNames<CatalogEntry>()([
  'status',
  'subCode',
  'name',
  'title',
  'description',
  'headers',
]);
const KNOWN_FIELDS: ReadonlySet<string> = new Set(ENTRY_FIELDS);

/**
 * A validated, indexed set of catalog entries. Build one with
 * `defineCatalog()`; look entries up by status, sub-code or name in O(1).
 */
export class Catalog<Entry extends CatalogEntry = CatalogEntry> {
  declare readonly entries: readonly Entry[];
  readonly #byCode = new Map<number | string, Entry>();
  readonly #byName = new Map<string, Entry>();

  constructor(entries: readonly Entry[]) {
    if (!Array.isArray(entries)) {
      throw optionError(
        FACTORY,
        'ERR_EAE_OPTIONS',
        `\`entries\` must be an array of catalog entries, got ${describeValue(entries)}`,
      );
    }
    const indexes = new Map<number | string, number>();
    const nameIndexes = new Map<string, number>();
    // Copies, frozen, checked: an entry changed after the catalog was made would otherwise
    // reach the pages unchecked (a sub-code is written into them as an anchor).
    const copies = entries.map((entry) => frozenCopy(entry));
    for (const [index, entry] of copies.entries()) {
      validateEntry(entry, index);
      const code = entry.subCode ?? entry.status;
      const first = indexes.get(code);
      if (first !== undefined) {
        throw optionError(
          FACTORY,
          'ERR_EAE_OPTION_CONFLICT',
          `\`entries[${index}]\`${labelOf(entry)} lists \`${code}\` again, after \`entries[${first}]\`${labelOf(copies[first]!)}: each code has one entry`,
        );
      }
      const firstNamed = nameIndexes.get(entry.name);
      if (firstNamed !== undefined) {
        throw optionError(
          FACTORY,
          'ERR_EAE_OPTION_CONFLICT',
          `\`entries[${index}].name\` uses \`${entry.name}\` again, after \`entries[${firstNamed}]\`: each entry has its own name`,
        );
      }
      indexes.set(code, index);
      nameIndexes.set(entry.name, index);
      this.#byCode.set(code, entry);
      this.#byName.set(entry.name, entry);
    }
    for (const [index, entry] of copies.entries()) {
      if (entry.subCode !== undefined && !this.#byCode.has(entry.status)) {
        throw optionError(
          FACTORY,
          'ERR_EAE_OPTION_MISSING',
          `\`entries[${index}].subCode\`${labelOf(entry)} is \`${entry.subCode}\`, but no entry has its status ${entry.status}: add one`,
        );
      }
    }
    // Not writable nor configurable: `entries` replaced after the checks above would reach the
    // pages unchecked (a sub-code is written into them as an anchor), and `defaultCatalog` is
    // shared by every importer. The object itself is not frozen, so that a subclass may add
    // members of its own.
    Object.defineProperty(this, 'entries', {
      value: Object.freeze(copies),
      enumerable: true,
      writable: false,
      configurable: false,
    });
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

  /**
   * The entry that answers for a status and sub-code: the sub-code's, else
   * the status's, else one made from the status's reason phrase (`499` →
   * `HTTP_499`). So every error has a name, even one the catalog lacks.
   */
  entryFor(status: number, subCode?: string): CatalogEntry {
    return (
      (subCode === undefined ? undefined : this.#byCode.get(subCode)) ??
      this.#byCode.get(status) ??
      phraseEntry(status)
    );
  }
}

// A registry-wide brand, as ApiError has: a catalog made by the ESM build is
// one to the CommonJS build too, and the other way round (the dual-package
// hazard: an app may load both). Its methods are its own, so it works as is.
const BRAND = Symbol.for('express-api-errors.Catalog');
Object.defineProperty(Catalog.prototype, BRAND, { value: true });

/** Whether `value` is a catalog built with `defineCatalog()`, by this copy of the library or another. */
export function isCatalog(value: unknown): value is Catalog {
  if (value instanceof Catalog) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<PropertyKey, unknown>;
  return (
    candidate[BRAND] === true &&
    Array.isArray(candidate.entries) &&
    typeof candidate.entryFor === 'function' &&
    typeof candidate.get === 'function'
  );
}

const phraseEntries = new Map<number, CatalogEntry>();

/** An entry made from the status phrase, for a status the catalog lacks; one per status, kept. */
function phraseEntry(status: number): CatalogEntry {
  let entry = phraseEntries.get(status);
  if (entry === undefined) {
    const phrase = STATUS_CODES[status] ?? `HTTP ${status}`;
    entry = Object.freeze({
      status,
      name: phrase
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_')
        .replace(/^_|_$/g, ''),
      title: phrase,
      description: phrase,
    });
    // Kept for the statuses HTTP has (ApiError takes 400 to 599) and only those: code that
    // changes an error's status afterwards could otherwise grow the map without bound.
    if (Number.isInteger(status) && status >= 100 && status <= 999)
      phraseEntries.set(status, entry);
  }
  return entry;
}

/**
 * A frozen copy of an entry (its `headers` too), without the fields given as
 * `undefined`, which are absent: `{ subCode: undefined }` makes the same
 * entry as `{}`, not one that has a `subCode` key. A value that is no
 * object as it is, for `validateEntry` to refuse.
 */
function frozenCopy<Entry extends CatalogEntry>(entry: Entry): Entry {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
  const copy: Record<string, unknown> = {};
  // A name that is no field stays, even undefined, for `validateEntry` to refuse.
  for (const [name, value] of Object.entries(entry)) {
    if (value !== undefined || !KNOWN_FIELDS.has(name)) copy[name] = value;
  }
  if (Array.isArray(entry.headers)) copy.headers = Object.freeze([...entry.headers]);
  return Object.freeze(copy) as Entry;
}

/**
 * ` (ORDER_NOT_FOUND)`, the entry's name, for a message about it: its index
 * counts the spread `...defaultEntries` too, so that a catalog's first own
 * entry is `entries[76]`. Empty while the entry has no valid name.
 */
function labelOf(entry: CatalogEntry): string {
  return typeof entry.name === 'string' && NAME.test(entry.name) ? ` (${entry.name})` : '';
}

function validateEntry(entry: CatalogEntry, index: number): void {
  const where = `entries[${index}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_TYPE',
      `\`${where}\` must be an entry such as { status, name, title, description }, got ${describeValue(entry)}`,
    );
  }
  const label = labelOf(entry);
  checkOptionNames(FACTORY, entry, ENTRY_FIELDS, { path: `${where}.`, label });
  parseWholeNumber(FACTORY, `${where}.status`, entry.status, { min: 100, max: 599, label });
  if (entry.subCode !== undefined) {
    const match = typeof entry.subCode === 'string' ? SUB_CODE.exec(entry.subCode) : null;
    if (!match || Number(match[1]) !== entry.status) {
      throw optionError(
        FACTORY,
        'ERR_EAE_OPTION_TYPE',
        `\`${where}.subCode\`${label} must be "${entry.status}." followed by a number from 0 to 9999 without leading zeros, got ${describeValue(entry.subCode)}`,
      );
    }
  }
  if (typeof entry.name !== 'string' || !NAME.test(entry.name)) {
    throw optionError(
      FACTORY,
      entry.name === undefined ? 'ERR_EAE_OPTION_MISSING' : 'ERR_EAE_OPTION_TYPE',
      `\`${where}.name\` must be SCREAMING_SNAKE_CASE, got ${describeValue(entry.name)}`,
    );
  }
  for (const field of ['title', 'description'] as const) {
    if (typeof entry[field] !== 'string' || BLANK.test(entry[field])) {
      throw optionError(
        FACTORY,
        entry[field] === undefined ? 'ERR_EAE_OPTION_MISSING' : 'ERR_EAE_OPTION_TYPE',
        `\`${where}.${field}\`${label} must be a non-empty string, got ${describeValue(entry[field])}`,
      );
    }
    if (UNSHOWABLE.test(entry[field]) || !entry[field].isWellFormed()) {
      throw optionError(
        FACTORY,
        'ERR_EAE_OPTION_TYPE',
        `\`${where}.${field}\`${label} must be text a page can show: no control character but tab and line breaks, no bidirectional override and no lone surrogate, got ${describeValue(entry[field])}`,
      );
    }
  }
  if (
    entry.headers !== undefined &&
    (!Array.isArray(entry.headers) ||
      !entry.headers.every((name) => typeof name === 'string' && isToken(name)))
  ) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_TYPE',
      `\`${where}.headers\`${label} must be an array of header names, got ${describeValue(entry.headers)}`,
    );
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

// Kept on globalThis under a registry-wide symbol, like the brands, so that
// errors made by the ESM build and by the CommonJS build are named alike.
const NAMING = Symbol.for('express-api-errors.namingCatalog');
const registry = globalThis as typeof globalThis & { [NAMING]?: Catalog };

/**
 * Makes `catalog` the one that names errors (`err.code`). `errorHandler({
 * catalog })` calls it, so that an error's `code` is the one its answer
 * will carry; the last handler made wins.
 */
export function nameErrorsWith(catalog: Catalog): void {
  registry[NAMING] = catalog;
}

/** The catalog name of a status and sub-code, e.g. `TOKEN_EXPIRED` for 401.24: see `nameErrorsWith`. */
export function codeName(status: number, subCode?: string): string {
  return (registry[NAMING] ?? defaultCatalog).entryFor(status, subCode).name;
}

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
// Distributes over the entries: each status is kept or dropped on its own.
export type ErrorStatusOf<Entry extends CatalogEntry> = Entry extends unknown
  ? `${Entry['status']}` extends `4${string}` | `5${string}`
    ? Entry['status']
    : never
  : never;

/** The error sub-codes (those of 4xx and 5xx statuses) among a set of entries. */
export type ErrorSubCodeOf<Entry extends CatalogEntry> = Entry extends {
  subCode: infer Code extends `${4 | 5}${string}`;
}
  ? Code
  : never;
