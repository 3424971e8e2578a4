/**
 * The values the property tests of `errorHandler` throw: anything at all,
 * error-like objects, and hostile ones (members that throw, Proxies, circular
 * causes). Library errors are in ./library-errors.ts.
 */
import fc from 'fast-check';
import { BODY_PARSER_TYPES, BUSBOY_MESSAGES, MULTER_STATUS } from './expected-answer.js';

/**
 * Every generated value travels in a box, with a description for
 * counterexamples: fast-check inspects the values it generates (for a clone
 * method) and prints them, and a Proxy that throws on every trap would break
 * fast-check rather than the handler; members added with defineProperty
 * would not be printed.
 */
export interface Boxed {
  readonly value: unknown;
}

export function box(value: unknown, description?: string): Boxed {
  return {
    value,
    [fc.toStringMethod]: () => {
      if (description !== undefined) return description;
      try {
        return fc.stringify(value);
      } catch {
        return '<a value that throws when printed>';
      }
    },
  } as Boxed;
}

export const secret = fc
  .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 12, maxLength: 12 })
  .map((random) => `SECRET-${random}`);

/** A stack trace with a secret in it, as a string. */
export const plantedStack = secret.map(
  (text) =>
    `Error: ${text}\n    at plantedFrame (/srv/app/planted.js:1:1)\n    at main (/srv/app/index.js:2:2)`,
);

/** Not the two strings Express reads as control signals; see ./throw-server.ts. */
const notExpressSignal = (value: unknown) => value !== 'route' && value !== 'router';

const interestingKey = fc.constantFrom(
  'status',
  'statusCode',
  'expose',
  'message',
  'headers',
  'name',
  'type',
  'stack',
  'cause',
  'issues',
  'isBoom',
  'output',
  'code',
  'storageErrors',
);

export const anyValue = fc
  .oneof(
    fc.anything({
      key: fc.oneof(fc.string(), interestingKey),
      maxDepth: 3,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withObjectString: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      withBigInt: true,
      withDate: true,
    }),
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.string().map((description) => Symbol(description)),
    fc.func(fc.anything()),
    plantedStack,
  )
  .filter(notExpressSignal)
  .map((value) => box(value));

export const statusLike = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 400, max: 599 }) },
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, -0, 200, 204, 302, 399, 600, 404.5, NaN, Infinity, -Infinity),
  fc.double(),
  fc.integer({ min: 400, max: 599 }).map(String),
  fc.integer({ min: 400, max: 599 }).map((n) => BigInt(n)),
  fc.integer({ min: 400, max: 599 }).map((n) => Object(n) as unknown),
  fc.anything(),
);

const headerName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/),
  fc.string(),
  fc.constantFrom(
    'X-Custom',
    'Retry-After',
    'WWW-Authenticate',
    'www-authenticate',
    'Content-Type',
    'Content-Length',
    'X-Content-Type-Options',
    'X-Request-Id',
    'x-request-id',
    'X-Status-Sub-Code',
    'Transfer-Encoding',
    'Trailer',
    'Content-Encoding',
    'Connection',
    'Set-Cookie',
    'Location',
    'Allow',
    'Link',
    'Accept-Patch',
    'Refresh',
    'Server',
    'ETag',
    'Strict-Transport-Security',
    'Access-Control-Allow-Credentials',
    'Cross-Origin-Resource-Policy',
    'Content-Security-Policy',
    'Content-Language',
    'bad name',
    'bad:name',
    'x\r\nX-Injected',
    '',
    'é',
    '(x)',
  ),
);

const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    'ok',
    ' padded\t',
    'v\r\nX-Injected: yes',
    'v\nX-Injected: yes',
    'nul\u0000byte',
    'café',
    '€uro',
    '\u2028',
    // Retry-After's: an IMF-fixdate, one on the wrong weekday, an obsolete form.
    'Fri, 04 Dec 2026 12:00:00 GMT',
    'Mon, 04 Dec 2026 12:00:00 GMT',
    'Friday, 04-Dec-26 12:00:00 GMT',
  ),
  fc.integer(),
  fc.double(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.anything({ maxDepth: 1 }),
  fc.constant(undefined),
);

export const headersLike = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(headerName, headerValue, { maxKeys: 5 }) },
  fc.anything({ maxDepth: 2 }),
  fc.array(fc.string(), { maxLength: 3 }),
);

export const causeLike = fc.oneof(
  secret.map((text) => new Error(text)),
  secret.map((text) => ({ message: text, password: text })),
  secret.map((text) => new Error('outer', { cause: new Error(text) })),
  secret,
);

const errorName = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'Error',
    'TypeError',
    'HttpError',
    'ZodError',
    'TokenExpiredError',
    'JsonWebTokenError',
    'NotBeforeError',
    'MulterError',
  ),
);

/** The members an error-like value may have; each is left out at random. */
const errorParts = fc.record(
  {
    status: statusLike,
    statusCode: statusLike,
    expose: fc.oneof(fc.boolean(), fc.anything({ maxDepth: 0 })),
    message: fc.oneof(
      secret,
      fc.string(),
      fc.anything({ maxDepth: 1 }),
      fc.constantFrom(...BUSBOY_MESSAGES),
    ),
    name: errorName,
    code: fc.oneof(
      fc.constantFrom(...MULTER_STATUS.keys(), 'STREAM_DESTROYED', 'valueOf'),
      fc.string(),
    ),
    storageErrors: fc.oneof(
      fc.constant([]),
      fc.array(secret.map((text) => new Error(text))),
      fc.anything({ maxDepth: 0 }),
    ),
    type: fc.oneof(
      fc.constantFrom(...BODY_PARSER_TYPES),
      fc.string(),
      fc.constantFrom('valueOf', 'toString', 'constructor', '__proto__', 'hasOwnProperty'),
    ),
    limit: fc.oneof(fc.nat(), fc.string()),
    issues: fc.oneof(
      fc.array(
        fc.record({
          path: fc.array(fc.oneof(fc.string(), fc.nat()), { maxLength: 3 }),
          message: fc.string(),
        }),
        { maxLength: 3 },
      ),
      fc.anything({ maxDepth: 1 }),
    ),
    headers: headersLike,
    cause: causeLike,
    stack: plantedStack,
    credentials: secret,
  },
  { requiredKeys: [] },
);

/** A response as a client keeps it, or something that only looks like one. */
const responseLike = fc.oneof(
  fc.record(
    {
      status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.anything({ maxDepth: 0 })),
      statusCode: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.anything({ maxDepth: 0 })),
      headers: headersLike,
    },
    { requiredKeys: [] },
  ),
  fc.anything({ maxDepth: 1 }),
);

/**
 * One field by which an HTTP client's or SDK's error about the response it
 * got is known, or a near miss; most values carry none.
 */
const upstreamMark = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  fc.record({ isAxiosError: fc.oneof(fc.constant(true), fc.anything({ maxDepth: 0 })) }),
  fc
    .tuple(fc.constantFrom('response', 'rawResponse', 'meta', '$response'), responseLike)
    .map(([field, value]) => ({ [field]: value })),
  fc.record({
    code: fc.constantFrom(
      'UND_ERR_RESPONSE',
      'UND_ERR_RESPONSE_STATUS_CODE',
      'slack_webapi_http_error',
      'UND_ERR_SOCKET',
    ),
  }),
  fc.record({ $metadata: fc.oneof(fc.record({ httpStatusCode: fc.nat() }), fc.anything()) }),
  fc.record(
    {
      requestId: fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined)),
      retryable: fc.oneof(fc.boolean(), fc.anything({ maxDepth: 0 })),
      code: fc.oneof(fc.string(), fc.constant(undefined)),
      time: fc.oneof(fc.date(), fc.string(), fc.constant(undefined)),
    },
    { requiredKeys: [] },
  ),
  fc
    .tuple(fc.constantFrom('amzRequestid', 'amzId2', 'moreInfo'), fc.option(fc.string()))
    .map(([field, value]) => ({ [field]: value ?? undefined })),
  fc.record({ scope: fc.constantFrom('couch', 'db', 'Couch') }),
  fc.record({ errid: fc.constantFrom('non_200', 'non_500') }),
  fc.record({
    arrayBuffer: fc.oneof(
      fc.constant(() => Promise.resolve(new ArrayBuffer(0))),
      fc.anything({ maxDepth: 0 }),
    ),
  }),
);

/**
 * Gives `target` the members `parts`, with defineProperty (a function's
 * `name` is read-only). V8 formats an Error's stack lazily from its `name`
 * and `message`, which may become objects that cannot be made strings: the
 * stack is formatted first, while they are still plain.
 */
export function withMembers<T extends object>(target: T, parts: Record<string, unknown>): T {
  if (target instanceof Error) void target.stack;
  for (const [key, value] of Object.entries(parts)) {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return target;
}

export const errorLike = fc
  .tuple(
    fc.constantFrom('error', 'type-error', 'plain', 'null-prototype', 'function', 'frozen'),
    fc.tuple(errorParts, upstreamMark).map(([parts, mark]) => ({ ...parts, ...mark })),
  )
  .map(([kind, parts]) => {
    const base: object =
      kind === 'error' || kind === 'frozen'
        ? new Error()
        : kind === 'type-error'
          ? new TypeError()
          : kind === 'null-prototype'
            ? Object.create(null)
            : kind === 'function'
              ? () => undefined
              : {};
    withMembers(base, parts);
    return box(kind === 'frozen' ? Object.freeze(base) : base, `${kind} ${fc.stringify(parts)}`);
  });

/** A getter that throws an error carrying a secret and a stack. */
function throwingGetter(text: string) {
  return {
    get() {
      throw new Error(`getter ${text}`);
    },
    enumerable: true,
    configurable: true,
  };
}

const hostileKeys = fc.subarray(
  [
    'status',
    'statusCode',
    'message',
    'name',
    'stack',
    'headers',
    'cause',
    'expose',
    'type',
    'constructor',
    'code',
    'storageErrors',
    'response',
    'meta',
    '$metadata',
    'retryable',
    'scope',
    'arrayBuffer',
  ],
  { minLength: 1 },
);

const allTrapsThrow: ProxyHandler<object> = new Proxy(
  {},
  {
    get: (_target, trap) => () => {
      throw new Error(`trap ${String(trap)} SECRET-proxy\n    at plantedFrame (x.js:1:1)`);
    },
  },
);

export const hostile: fc.Arbitrary<Boxed> = fc.oneof(
  // An error-like value whose members throw when read.
  fc.tuple(errorParts, hostileKeys, secret).map(([parts, keys, text]) => {
    const error = withMembers(new Error(text), parts);
    for (const key of keys) Object.defineProperty(error, key, throwingGetter(text));
    return box(error, `Error ${fc.stringify(parts)} with throwing ${keys.join(', ')}`);
  }),
  // Objects whose conversion to a string or primitive throws.
  fc.tuple(errorParts, secret).map(([parts, text]) =>
    box(
      {
        ...parts,
        toString() {
          throw new Error(text);
        },
        valueOf() {
          throw new Error(text);
        },
        [Symbol.toPrimitive]() {
          throw new Error(text);
        },
      },
      `${fc.stringify(parts)} whose toString, valueOf and toPrimitive throw`,
    ),
  ),
  // Proxies that throw on every trap, around an object, an Error or a function.
  fc
    .constantFrom<() => object>(
      () => ({}),
      () => new Error('SECRET-target'),
      () => () => undefined,
    )
    .map((target) => box(new Proxy(target(), allTrapsThrow), `a Proxy of ${String(target)}`)),
  // A revoked Proxy: every operation on it throws.
  fc.constant(null).map(() => {
    const { proxy, revoke } = Proxy.revocable({ status: 404 }, {});
    revoke();
    return box(proxy, 'a revoked Proxy');
  }),
  // Headers that throw when enumerated or read, on an otherwise trusted error.
  fc.tuple(fc.integer({ min: 400, max: 599 }), secret).map(([status, text]) =>
    box(
      Object.assign(new Error(text), {
        status,
        headers: new Proxy({ 'X-A': 'b' }, allTrapsThrow),
      }),
      `an Error with status ${status} and headers that throw`,
    ),
  ),
  // Circular causes, direct and indirect, with secrets along the way.
  fc.tuple(statusLike, secret, fc.boolean()).map(([status, text, direct]) => {
    const outer = Object.assign(new Error(text), { status });
    outer.cause = direct ? outer : new Error(text, { cause: outer });
    return box(
      outer,
      `an Error with status ${fc.stringify(status)} and a ${direct ? 'direct' : 'two-step'} circular cause`,
    );
  }),
  // Frozen and sealed error-like values.
  errorParts.map((parts) =>
    box(Object.freeze(withMembers(new Error(), parts)), `frozen Error ${fc.stringify(parts)}`),
  ),
  errorParts.map((parts) =>
    box(Object.seal(withMembers(new Error(), parts)), `sealed Error ${fc.stringify(parts)}`),
  ),
);
