import { rateLimit, type RateLimitOptions } from '../../src/index.js';
import { expectOptionError } from '../helpers/option-error.js';

describe('rateLimit: options', () => {
  // Shapes the types refuse too: what a JavaScript caller could still pass.
  it.each<[string, object, string]>([
    ['no limit', { windowMs: 1000 }, '`limit` is required: a whole number from 1 to 1,000,000,000'],
    [
      'a fractional limit',
      { limit: 1.5, windowMs: 1000 },
      '`limit` must be a whole number from 1 to 1,000,000,000, got 1.5',
    ],
    [
      'no window',
      { limit: 1 },
      '`windowMs` is required: a whole number of milliseconds from 1 to 1,000,000,000,000',
    ],
    [
      'a zero window',
      { limit: 1, windowMs: 0 },
      '`windowMs` must be a whole number of milliseconds from 1 to 1,000,000,000,000, got 0',
    ],
    [
      'both forms',
      { limit: 1, windowMs: 1, windows: [] },
      'give either `limit` and `windowMs`, or `windows`, not both',
    ],
    ['an empty windows list', { windows: [] }, '`windows` must be a non-empty array'],
    [
      'a bad window in the list',
      { windows: [{ limit: 0, windowMs: 1 }] },
      '`windows[0].limit` must be a whole number from 1 to 1,000,000,000, got 0',
    ],
    [
      'two windows with one name',
      {
        windows: [
          { limit: 1, windowMs: 1000, name: 'a' },
          { limit: 2, windowMs: 2000, name: 'a' },
        ],
      },
      'each window needs its own `name`',
    ],
    [
      'an unknown algorithm',
      { limit: 1, windowMs: 1, algorithm: 'leaky' as never },
      '`algorithm` must be one of gcra, sliding-window, fixed-window, got "leaky"',
    ],
    [
      'a bad block',
      { limit: 1, windowMs: 1, block: { after: 0, withinMs: 1, durationMs: 1 } },
      '`block.after` must be a whole number from 1 to 1,000,000,000, got 0',
    ],
    [
      'a block that is an array',
      { limit: 1, windowMs: 1, block: [] as never },
      '`block` must be an object { after, withinMs, durationMs }, got []',
    ],
    [
      'a bad block duration',
      { limit: 1, windowMs: 1, block: { after: 1, withinMs: 1, durationMs: -1 } },
      '`block.durationMs` must be a whole number of milliseconds from 1 to 1,000,000,000,000, got -1',
    ],
    [
      'a limit beyond RFC 8941 integers (RateLimit-Policy q)',
      { limit: 1e16, windowMs: 1000 },
      '`limit` must be a whole number from 1 to 1,000,000,000, got 10000000000000000',
    ],
    [
      'a limit the stores cannot count exactly',
      { limit: 1e300, windowMs: 1000 },
      '`limit` must be a whole number from 1 to 1,000,000,000, got 1e+300',
    ],
    [
      'a window the stores cannot time exactly',
      { limit: 1, windowMs: Number.MAX_SAFE_INTEGER },
      '`windowMs` must be a whole number of milliseconds from 1 to 1,000,000,000,000, got 9007199254740991',
    ],
    [
      'a block beyond the longest duration',
      { limit: 1, windowMs: 1, block: { after: 1, withinMs: 1e13, durationMs: 1 } },
      '`block.withinMs` must be a whole number of milliseconds from 1 to 1,000,000,000,000, got 10000000000000',
    ],
    [
      'a store without consume',
      { limit: 1, windowMs: 1, store: {} as never },
      '`store` must implement the RateLimitStore interface; it has no `init()`',
    ],
    [
      'an IPv6 prefix out of range',
      { limit: 1, windowMs: 1, ipv6Subnet: 129 },
      '`ipv6Subnet` must be a prefix length from 1 to 128, or false, got 129',
    ],
    [
      'a logger without info(), which its "store recovered" line needs',
      { limit: 1, windowMs: 1, logger: { warn: () => undefined } as never },
      "`logger` must be a pino logger (or have pino's level methods), or false; it has no `info()`",
    ],
    [
      'a bad countOnly',
      { limit: 1, windowMs: 1, countOnly: 'errors' as never },
      "`countOnly` must be 'failures', 'successes' or a function",
    ],
    [
      'a bad standardHeaders',
      { limit: 1, windowMs: 1, standardHeaders: 'draft-7' as never },
      "`standardHeaders` must be 'draft-10' or false",
    ],
    [
      'a key that is not a function',
      { limit: 1, windowMs: 1, key: 'ip' as never },
      '`key` must be a function',
    ],
    [
      'a policy name with control characters',
      { limit: 1, windowMs: 1, name: 'a\nb' },
      '`name` must be a string of printable ASCII',
    ],
  ])('refuses %s at start-up, saying what to change', (_case, options, message) => {
    expect(() => rateLimit({ logger: false, ...options } as RateLimitOptions)).toThrow(message);
  });

  it('does not change the options object it is given', () => {
    const options = Object.freeze({
      windows: Object.freeze([Object.freeze({ limit: 5, windowMs: 1000 })]),
      block: Object.freeze({ after: 1, withinMs: 1000, durationMs: 1000 }),
      logger: false as const,
    });
    expect(() => rateLimit(options)).not.toThrow();
    expect(options).toEqual({
      windows: [{ limit: 5, windowMs: 1000 }],
      block: { after: 1, withinMs: 1000, durationMs: 1000 },
      logger: false,
    });
  });

  it('refuses a store timeout beyond what setTimeout can wait', () => {
    expect(() =>
      rateLimit({ limit: 1, windowMs: 1000, logger: false, storeTimeoutMs: 2 ** 31 }),
    ).toThrow(
      '`storeTimeoutMs` must be a whole number of milliseconds from 1 to 2,147,483,647, got 2147483648',
    );
  });

  it('refuses more windows than the Redis script can hold', () => {
    const windows = Array.from({ length: 11 }, (_, i) => ({
      limit: i + 1,
      windowMs: (i + 1) * 1000,
    }));
    expect(() => rateLimit({ windows, logger: false })).toThrow(
      '`windows` may hold at most 10 windows, got 11',
    );
  });

  it.each([
    [{ limit: 1, windowMs: 1000, name: 5 as never }, '`name`', '5'],
    [{ limit: 1, windowMs: 1000, name: 'café' }, '`name`', '"café"'],
    [
      { windows: [{ limit: 1, windowMs: 1000, name: 'a\r\nb' }] },
      '`windows[0].name`',
      '"a\\r\\nb"',
    ],
  ])('refuses a policy name the RateLimit fields cannot carry: %j', (options, path, shown) => {
    expectOptionError(
      () => rateLimit({ ...options, logger: false }),
      'ERR_EAE_OPTION_TYPE',
      `rateLimit(): ${path} must be a string of printable ASCII (it is sent in the RateLimit fields), got ${shown}`,
    );
  });

  it.each([
    // Holes, as `[, { … }]` writes them: Array(n) has n of them.
    ['a hole', Object.assign(new Array(2), { 1: { limit: 2, windowMs: 1000 } }), 'undefined'],
    ['only holes', new Array(2), 'undefined'],
    ['a number', [5], '5'],
  ])('refuses a windows list with %s, naming the entry', (_what, windows, shown) => {
    expectOptionError(
      () => rateLimit({ windows: windows as never, logger: false }),
      'ERR_EAE_OPTION_TYPE',
      `rateLimit(): \`windows[0]\` must be an object such as { limit: 100, windowMs: 60_000 }, got ${shown}`,
    );
  });
});
