import createHttpError from 'http-errors';
import { Catalog, defaultCatalog, defaultEntries, defineCatalog } from '../../src/index.js';
import type { CatalogEntry } from '../../src/index.js';
import type { OptionErrorCode } from '../../src/options/option-error.js';
import { expectOptionError } from '../helpers/option-error.js';

// Every code and sub-code documented by the vendor pages in shared/seeds.
const SEED_STATUSES = [
  200, 201, 202, 204, 302, 304, 400, 401, 403, 404, 405, 409, 410, 413, 415, 417, 418, 422, 429,
  500, 503,
];
const SEED_SUB_CODES = [
  ...Array.from({ length: 10 }, (_, i) => `401.${i + 1}`),
  '401.20',
  '401.21',
  '401.22',
  '401.23',
  '401.24',
  '401.30',
  '401.31',
  '401.32',
  '403.21',
  '403.22',
  '403.23',
  '403.25',
  '403.30',
  '404.1',
  '404.2',
  '409.1',
];
// Sub-codes of the library's own, for answers it gives itself (400.1x, 422.10: operationLock).
const LIBRARY_SUB_CODES = ['400.10', '400.11', '413.1', '422.10'];
// Statuses of the library's own: every other 4xx and 5xx http-errors has a
// class for (issue #9), bar 509, which no RFC defines and IANA does not register.
const LIBRARY_STATUSES = [
  402, 406, 407, 408, 411, 412, 414, 416, 421, 423, 424, 425, 426, 428, 431, 451, 501, 502, 504,
  505, 506, 507, 508, 510, 511,
];

describe('defaultCatalog', () => {
  it('has default entries no import can change, to their last member', () => {
    expect(Object.isFrozen(defaultEntries)).toBe(true);
    const frozen = (value: unknown): boolean =>
      typeof value !== 'object' ||
      value === null ||
      (Object.isFrozen(value) && Object.values(value).every(frozen));
    expect(defaultEntries.every(frozen)).toBe(true);
    expect(() => {
      (defaultEntries[0] as { title: string }).title = 'changed';
    }).toThrow(TypeError);
  });

  it('holds exactly the statuses and sub-codes of the seed pages, plus the library’s own', () => {
    expect(defaultEntries.filter((e) => !('subCode' in e)).map((e) => e.status)).toEqual(
      [...SEED_STATUSES, ...LIBRARY_STATUSES].sort((a, b) => a - b),
    );
    expect(defaultEntries.flatMap((e) => ('subCode' in e ? [e.subCode] : []))).toEqual(
      [...SEED_SUB_CODES, ...LIBRARY_SUB_CODES].sort(
        (a, b) => Number(a.split('.')[0]) - Number(b.split('.')[0]),
      ),
    );
  });

  it.each(SEED_SUB_CODES)('finds sub-code %s under its status', (subCode) => {
    const entry = defaultCatalog.get(subCode);
    expect(entry?.subCode).toBe(subCode);
    expect(String(entry?.status)).toBe(subCode.split('.')[0]);
  });

  it('numbers the ten signature failures in the order the seed lists them', () => {
    expect(SEED_SUB_CODES.slice(0, 10).map((code) => defaultCatalog.get(code)?.name)).toEqual([
      'SIGNATURE_HEADER_MISSING',
      'SIGNATURE_HEADER_DUPLICATED',
      'SIGNATURE_MALFORMED',
      'SIGNATURE_APP_KEY_INVALID',
      'SIGNATURE_ISSUED_AT_INVALID',
      'SIGNATURE_ISSUED_AT_OUT_OF_RANGE',
      'APP_KEY_NOT_FOUND',
      'SIGNATURE_TOKEN_MISSING',
      'SIGNATURE_TOKEN_MISMATCH',
      'APP_SECRET_EXPIRED',
    ]);
  });

  it('finds entries by symbolic name', () => {
    expect(defaultCatalog.byName('TOKEN_EXPIRED')?.subCode).toBe('401.24');
    expect(defaultCatalog.byName('DUPLICATE_REQUEST_IN_PROGRESS')?.subCode).toBe('409.1');
  });

  it('has an entry for every 4xx and 5xx status http-errors has a class for, but 509', () => {
    const httpErrorsStatuses = Object.keys(createHttpError)
      .filter((key) => /^[45]\d\d$/.test(key))
      .map(Number);
    expect(httpErrorsStatuses).toHaveLength(41);
    expect(httpErrorsStatuses.filter((status) => !defaultCatalog.has(status))).toEqual([509]);
  });

  it('answers undefined for codes it does not document', () => {
    expect(defaultCatalog.get(509)).toBeUndefined();
    expect(defaultCatalog.get('404.99')).toBeUndefined();
    expect(defaultCatalog.has(404)).toBe(true);
  });

  it('names a status it lacks from its reason phrase, keeping one entry per HTTP status and none for a value that is no status', () => {
    expect(defaultCatalog.entryFor(499)).toEqual({
      status: 499,
      name: 'HTTP_499',
      title: 'HTTP 499',
      description: 'HTTP 499',
    });
    expect(defaultCatalog.entryFor(499)).toBe(defaultCatalog.entryFor(499));
    // What code that changes an error's status afterwards can make it: not kept, each made anew.
    for (const status of [1000, 42.5, -1, 'S'.repeat(100) as unknown as number]) {
      expect(defaultCatalog.entryFor(status)).toEqual(defaultCatalog.entryFor(status));
      expect(defaultCatalog.entryFor(status)).not.toBe(defaultCatalog.entryFor(status));
    }
  });

  it('documents the headers that come with each code', () => {
    expect(defaultCatalog.get(201)?.headers).toEqual(['Location']);
    expect(defaultCatalog.get(405)?.headers).toEqual(['Allow']);
    expect(defaultCatalog.get(401)?.headers).toEqual(['WWW-Authenticate']);
    expect(defaultCatalog.get(503)?.headers).toEqual(['Retry-After']);
    expect(defaultCatalog.get(202)?.headers).toBeUndefined();
  });

  it('cannot be changed after it is built', () => {
    expect(Object.isFrozen(defaultCatalog.entries)).toBe(true);
  });

  it('cannot have its entries replaced, for every importer shares it', () => {
    expect(() => {
      (defaultCatalog as { entries: readonly CatalogEntry[] }).entries = [];
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(defaultCatalog, 'entries', { value: [] })).toThrow(
      TypeError,
    );
    expect(defaultCatalog.entries).toHaveLength(defaultEntries.length);
  });

  it('can be extended by a subclass with members of its own', () => {
    class Labelled extends Catalog {
      readonly label: string;
      constructor(label: string) {
        super(defaultEntries);
        this.label = label;
      }
    }
    const catalog = new Labelled('public');
    expect(catalog.label).toBe('public');
    expect(catalog.get('401.24')?.name).toBe('TOKEN_EXPIRED');
  });
});

describe('defineCatalog', () => {
  const entry = {
    status: 404,
    name: 'NOT_FOUND',
    title: 'Not Found',
    description: 'Nothing here.',
  };

  it('extends the default entries with the user’s own', () => {
    const catalog = defineCatalog([
      ...defaultEntries,
      {
        status: 404,
        subCode: '404.7',
        name: 'ORDER_NOT_FOUND',
        title: 'Order not found',
        description: 'No order has this id.',
      },
    ]);
    expect(catalog).toBeInstanceOf(Catalog);
    expect(catalog.get('404.7')?.name).toBe('ORDER_NOT_FOUND');
    expect(catalog.get('401.24')?.name).toBe('TOKEN_EXPIRED');
  });

  it('replaces the default entries when given only the user’s own', () => {
    const catalog = defineCatalog([entry]);
    expect(catalog.entries).toEqual([entry]);
    expect(catalog.get(401)).toBeUndefined();
  });

  it.each<[string, unknown, OptionErrorCode, string]>([
    [
      'a status out of range',
      { ...entry, status: 700 },
      'ERR_EAE_OPTION_RANGE',
      '`entries[0].status` (NOT_FOUND) must be a whole number from 100 to 599, got 700',
    ],
    [
      'a status that is no number',
      { ...entry, status: '404' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].status` (NOT_FOUND) must be a whole number from 100 to 599, got "404"',
    ],
    [
      'a sub-code of another status',
      { ...entry, subCode: '401.2' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].subCode` (NOT_FOUND) must be "404." followed by a number from 0 to 9999 without leading zeros, got "401.2"',
    ],
    [
      'a malformed sub-code',
      { ...entry, subCode: '404-1' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].subCode` (NOT_FOUND) must be "404." followed by a number from 0 to 9999 without leading zeros, got "404-1"',
    ],
    [
      'a sub-code with a leading zero, which would read as another one',
      { ...entry, subCode: '404.01' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].subCode` (NOT_FOUND) must be "404." followed by a number from 0 to 9999 without leading zeros, got "404.01"',
    ],
    [
      'a description with a NUL',
      { ...entry, description: 'Not\u0000here' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].description` (NOT_FOUND) must be text a page can show: no control character but tab and line breaks, no bidirectional override and no lone surrogate, got "Not\\u0000here"',
    ],
    [
      'a title with a right-to-left override',
      { ...entry, title: 'Not \u202Efound' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].title` (NOT_FOUND) must be text a page can show: no control character but tab and line breaks, no bidirectional override and no lone surrogate, got "Not \\u202Efound"',
    ],
    [
      'a description with a lone surrogate',
      { ...entry, description: 'Not \uD800found' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].description` (NOT_FOUND) must be text a page can show: no control character but tab and line breaks, no bidirectional override and no lone surrogate, got "Not \\ud800found"',
    ],
    [
      'a name not in SCREAMING_SNAKE_CASE',
      { ...entry, name: 'notFound' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].name` must be SCREAMING_SNAKE_CASE, got "notFound"',
    ],
    [
      'an empty title',
      { ...entry, title: ' ' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].title` (NOT_FOUND) must be a non-empty string, got " "',
    ],
    [
      'a missing description',
      { ...entry, description: undefined },
      'ERR_EAE_OPTION_MISSING',
      '`entries[0].description` (NOT_FOUND) must be a non-empty string, got undefined',
    ],
    [
      'headers that are not header names',
      { ...entry, headers: 'Retry-After' },
      'ERR_EAE_OPTION_TYPE',
      '`entries[0].headers` (NOT_FOUND) must be an array of header names, got "Retry-After"',
    ],
    [
      'an entry that is not an object',
      'NOT_FOUND',
      'ERR_EAE_OPTION_TYPE',
      '`entries[0]` must be an entry such as { status, name, title, description }, got "NOT_FOUND"',
    ],
  ])('refuses %s, saying what to change', (_case, bad, code, message) => {
    expectOptionError(() => defineCatalog([bad as never]), code, `defineCatalog(): ${message}`);
  });

  it.each([
    ['U+200B ZERO WIDTH SPACE', '\u200B', String.raw`"\u200B"`],
    ['U+00AD SOFT HYPHEN', '\u00AD', String.raw`"\u00AD"`],
    ['U+2800 BRAILLE PATTERN BLANK', '\u2800', String.raw`"\u2800"`],
    ['U+3164 HANGUL FILLER', '\u3164', String.raw`"\u3164"`],
    ['U+115F HANGUL CHOSEONG FILLER', '\u115F', String.raw`"\u115F"`],
    ['U+200D and U+200C between spaces', ' \u200D\u200C ', String.raw`" \u200D\u200C "`],
  ])(
    'refuses a title made only of %s as empty, as it refuses spaces, showing it escaped',
    (_case, blank, shown) => {
      expectOptionError(
        () => defineCatalog([{ ...entry, title: blank }]),
        'ERR_EAE_OPTION_TYPE',
        `defineCatalog(): \`entries[0].title\` (NOT_FOUND) must be a non-empty string, got ${shown}`,
      );
    },
  );

  it.each([
    ['titel', 'title'],
    ['sub_code', 'subCode'],
    ['header', 'headers'],
    ['descr', 'description'],
  ])('refuses the unknown field `%s`, suggesting `%s`', (field, nearest) => {
    expectOptionError(
      () => defineCatalog([entry, { ...entry, status: 410, name: 'GONE', [field]: 'x' }]),
      'ERR_EAE_UNKNOWN_OPTION',
      `defineCatalog(): \`entries[1].${field}\` (GONE) is not an option. Did you mean \`entries[1].${nearest}\`? The options are \`entries[1].status\`, \`entries[1].subCode\`, \`entries[1].name\`, \`entries[1].title\`, \`entries[1].description\`, \`entries[1].headers\`.`,
    );
  });

  it('names an entry after ...defaultEntries by its name as well as its index', () => {
    const at = `entries[${defaultEntries.length}]`;
    expectOptionError(
      () =>
        defineCatalog([
          ...defaultEntries,
          { ...entry, subCode: '404.71', name: 'ORDER_NOT_FOUND', titel: 'Order not found' },
        ] as never),
      'ERR_EAE_UNKNOWN_OPTION',
      `defineCatalog(): \`${at}.titel\` (ORDER_NOT_FOUND) is not an option. Did you mean \`${at}.title\`? The options are \`${at}.status\`, \`${at}.subCode\`, \`${at}.name\`, \`${at}.title\`, \`${at}.description\`, \`${at}.headers\`.`,
    );
  });

  it('refuses entries that are not an array', () => {
    expectOptionError(
      () => defineCatalog(entry as never),
      'ERR_EAE_OPTIONS',
      /^defineCatalog\(\): `entries` must be an array of catalog entries, got \{"status":404,/,
    );
  });

  it('refuses a code listed twice', () => {
    expectOptionError(
      () => defineCatalog([entry, { ...entry, name: 'OTHER' }]),
      'ERR_EAE_OPTION_CONFLICT',
      'defineCatalog(): `entries[1]` (OTHER) lists `404` again, after `entries[0]` (NOT_FOUND): each code has one entry',
    );
  });

  it('refuses a name used twice', () => {
    expectOptionError(
      () => defineCatalog([entry, { ...entry, status: 410 }]),
      'ERR_EAE_OPTION_CONFLICT',
      'defineCatalog(): `entries[1].name` uses `NOT_FOUND` again, after `entries[0]`: each entry has its own name',
    );
  });

  it('refuses a sub-code whose status has no entry', () => {
    expectOptionError(
      () => defineCatalog([{ ...entry, status: 409, subCode: '409.1', name: 'DUPLICATE' }]),
      'ERR_EAE_OPTION_MISSING',
      'defineCatalog(): `entries[0].subCode` (DUPLICATE) is `409.1`, but no entry has its status 409: add one',
    );
  });

  it('keeps its entries as they were when it was made, whatever happens to the objects it was given', () => {
    const entry = {
      status: 409,
      subCode: '409.42',
      name: 'HELD',
      title: 'Held',
      description: 'd',
      headers: ['Retry-After'],
    };
    const catalog = defineCatalog([...defaultEntries, entry as CatalogEntry]);
    entry.subCode = '409.42"><script>alert(1)</script>';
    entry.headers.push('X-Late');
    expect(catalog.byName('HELD')).toEqual({
      status: 409,
      subCode: '409.42',
      name: 'HELD',
      title: 'Held',
      description: 'd',
      headers: ['Retry-After'],
    });
    expect(Object.isFrozen(catalog.byName('HELD'))).toBe(true);
    expect(Object.isFrozen(catalog.byName('HELD')!.headers)).toBe(true);
  });

  it('returns a catalog whose entries cannot be replaced by unchecked ones', () => {
    const catalog = defineCatalog([entry]);
    const unchecked = [entry, { ...entry, subCode: '404.1"><img src=x onerror=alert(1)>' }];
    expect(() => {
      (catalog as { entries: readonly object[] }).entries = unchecked;
    }).toThrow(TypeError);
    expect(() => {
      Object.defineProperty(catalog, 'entries', { value: unchecked });
    }).toThrow(TypeError);
    expect(catalog.entries).toEqual([entry]);
  });

  it('does not change the entries it was given', () => {
    const given = Object.freeze({ ...entry, headers: Object.freeze(['Retry-After']) });
    defineCatalog([given]);
    expect(given).toEqual({ ...entry, headers: ['Retry-After'] });
  });

  it('does not change the array it was given', () => {
    const entries = [entry];
    defineCatalog(entries);
    expect(entries).toEqual([entry]);
    expect(Object.isFrozen(entries)).toBe(false);
  });
});
