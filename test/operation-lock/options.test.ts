import { operationLock, type OperationLockOptions } from '../../src/index.js';
import { expectOptionError } from '../helpers/option-error.js';

const OPTIONS =
  'The options are `header`, `key`, `client`, `fingerprint`, `required`, `docsUrl`, `replay`, `record`, `replayHeaders`, `maxBodyBytes`, `lockTtlMs`, `replayTtlMs`, `retryAfter`, `waitMs`, `store`, `failOpen`, `storeTimeoutMs`, `logger`.';

describe('operationLock(): options', () => {
  it('takes no options at all', () => {
    expect(typeof operationLock()).toBe('function');
  });

  it('leaves the caller’s options object as it was', () => {
    const options: OperationLockOptions = { replay: true, replayHeaders: ['ETag'], waitMs: 10 };
    const copy = structuredClone(options);
    operationLock(options);
    expect(options).toEqual(copy);
  });

  it('refuses options that are not an object', () => {
    expectOptionError(
      () => operationLock('replay' as never),
      'ERR_EAE_OPTIONS',
      'operationLock(): options must be an object such as { replay: true }, got "replay"',
    );
  });

  it('refuses a logger without the level methods its warnings call', () => {
    expectOptionError(
      () => operationLock({ logger: { warn: () => undefined } as never }),
      'ERR_EAE_OPTION_TYPE',
      "operationLock(): `logger` must be a pino logger (or have pino's level methods), or false; it has no `info()`",
    );
  });

  it('refuses an unknown name with the nearest one', () => {
    expectOptionError(
      () => operationLock({ lockTtl: 5 } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      `operationLock(): \`lockTtl\` is not an option. Did you mean \`lockTtlMs\`? ${OPTIONS}`,
    );
  });

  it.each([
    ['idempotencyKeyHeader', "use `header` (express-idempotency's `idempotencyKeyHeader`)"],
    ['dataAdapter', 'use `store`: a `MemoryLockStore` or a `RedisLockStore`'],
    ['enforceIdempotency', 'use `required`'],
    [
      'cacheTTLMS',
      'use `replayTtlMs` for how long a record is kept, and `lockTtlMs` for the lease of a running request',
    ],
    ['inProgressStrategy', 'use `waitMs` (0, the default, answers 409.1 at once)'],
  ])(
    'answers %s, an option of express-idempotency or @node-idempotency, with its equivalent',
    (name, advice) => {
      expectOptionError(
        () => operationLock({ [name]: true } as never),
        'ERR_EAE_UNKNOWN_OPTION',
        `operationLock(): \`${name}\` is not an option: ${advice}. ${OPTIONS}`,
      );
    },
  );

  it.each<[string, OperationLockOptions, string, string | RegExp]>([
    [
      'a header that is no header name',
      { header: 'Idem Key' },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `header` must be a header name (an RFC 9110 token) such as Idempotency-Key, got "Idem Key"',
    ],
    [
      'a header of null',
      { header: null as never },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `header` must be a header name (an RFC 9110 token) such as Idempotency-Key, got null',
    ],
    [
      'a key that is no function',
      { key: 'id' as never },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `key` must be a function, got "id"',
    ],
    [
      'a record policy it does not know',
      { record: '5xx' as never },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `record` must be \'all\' or a function of (req, res) returning a boolean, got "5xx"',
    ],
    [
      'Set-Cookie among the replayed headers',
      { replayHeaders: ['ETag', 'Set-Cookie'] },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `replayHeaders` must not list `set-cookie`: a replay never repeats `set-cookie`, `x-request-id`, `connection`, `keep-alive`, `proxy-connection`, `proxy-authenticate`, `proxy-authorization`, `te`, `trailer`, `transfer-encoding`, `upgrade`, `content-length`, `date`',
    ],
    [
      'X-Request-Id among the replayed headers',
      { replayHeaders: ['X-Request-Id'] },
      'ERR_EAE_OPTION_TYPE',
      /must not list `x-request-id`/ as never,
    ],
    [
      'a hop-by-hop header among the replayed headers',
      { replayHeaders: ['Transfer-Encoding'] },
      'ERR_EAE_OPTION_TYPE',
      /must not list `transfer-encoding`/ as never,
    ],
    [
      'a lease of 0',
      { lockTtlMs: 0 },
      'ERR_EAE_OPTION_RANGE',
      'operationLock(): `lockTtlMs` must be a whole number of milliseconds from 1 to 2,147,483,647, got 0',
    ],
    [
      'a negative wait',
      { waitMs: -1 },
      'ERR_EAE_OPTION_RANGE',
      'operationLock(): `waitMs` must be a whole number of milliseconds from 0 to 2,147,483,647, got -1',
    ],
    [
      'a retryAfter that is no number',
      { retryAfter: '1' as never },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `retryAfter` must be a number of seconds, got "1"',
    ],
    [
      'a negative retryAfter',
      { retryAfter: -1 },
      'ERR_EAE_OPTION_RANGE',
      'operationLock(): `retryAfter` must be from 0 to 9007199254740991 seconds, got -1',
    ],
    [
      'a docs URL with a line break',
      { docsUrl: 'https://x\r\n' },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `docsUrl` must be a non-empty URI reference without control characters, got "https://x\\r\\n"',
    ],
    [
      'a store without the lock methods',
      { store: { acquire() {} } as never },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `store` must implement the OperationLockStore interface; it has no `complete()`',
    ],
    [
      'failOpen that is no boolean',
      { failOpen: 'yes' as never },
      'ERR_EAE_OPTION_TYPE',
      'operationLock(): `failOpen` must be a boolean, got "yes"',
    ],
  ])('refuses %s', (_what, options, code, message) => {
    expectOptionError(() => operationLock(options), code as never, message);
  });
});
