/**
 * Property-based tests of `errorHandler` through a real Express app on
 * 127.0.0.1: thousands of arbitrary thrown values, error-like objects,
 * hostile objects and library errors must each become a well-formed RFC 9457
 * problem response that leaks neither stacks nor secrets.
 *
 * How values reach the handler. The test keeps each generated value in
 * `pending` under a fresh id and requests `/throw/<id>`; the route takes the
 * value back and passes it to `next(value)`, which Express 4 and 5 treat alike.
 * Two things Express decides before our handler runs:
 * - `next('route')` and `next('router')` are control signals, not errors, so
 *   those two exact strings are never generated (their behaviour is pinned
 *   in its own test below).
 * - A falsy value (`undefined`, `null`, `false`, `0`, `-0`, `NaN`, `''`, `0n`)
 *   means "no error", whether passed to `next()` or thrown synchronously (the
 *   router catches the throw and calls `next(value)`). The route throws those,
 *   the request falls through to `notFound()`, and the answer is a 404
 *   `NOT_FOUND` problem: that is what the properties expect for them.
 *
 * Values also reach the handler after a handler began a response: the route
 * `/abandon/<id>` first sets framing, caching and other header fields and a
 * status message on `res`, then passes the value on. Those replies are read
 * off the socket, where a conflict in framing would show.
 *
 * The process must stay up. jest-circus replaces the real process's
 * `uncaughtException` and `unhandledRejection` listeners with its own, which
 * fail the test that is running; listeners added here would sit on jest's
 * sandboxed copy of `process` and never fire. So a crash fails the property
 * that caused it, and after each property a request must still be answered.
 */
import http, { STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, RequestHandler, Response } from 'express';
import fc from 'fast-check';
import Boom from '@hapi/boom';
import createError from 'http-errors';
import {
  ApiError,
  assertProblemMatchesCatalog,
  codeAnchor,
  bearerChallenge,
  type BearerChallengeOptions,
  defaultCatalog,
  defaultEntries,
  errorClasses,
  notFound,
} from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { rawGet, type RawResponse } from '../helpers/raw-http.js';

// Counts sized so that the file stays well under 30 s per Express project.
const RUNS = {
  anything: 2000,
  errorLike: 2000,
  hostile: 1000,
  library: 1500,
  logged: 1000,
  abandoned: 400,
  unwritable: 300,
  accept: 1000,
  typed: 1000,
};
const PROPERTY_TIMEOUT = 60_000;
const TYPE_BASE_URI = 'https://api.example.com/docs/errors';

// RFC 9110 §5.6.2 token and §5.5 field-value: written here independently of src/headers.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// ASCII only: obs-text is legacy (§5.5), and the handler does not send it.
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;
const CODE = /^[A-Z][A-Z0-9_]*$/;
const STACK_LINE = /\n\s+at /;
// Framing headers a foreign error must not impose on the problem body.
const FRAMING_HEADERS = new Set(['transfer-encoding', 'trailer', 'content-encoding']);
// Headers the handler writes or controls itself: an error's own are dropped.
const HANDLER_HEADERS = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'content-range',
  'content-type',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-content-type-options',
  'x-request-id',
  'x-status-sub-code',
]);
const BODY_PARSER_TYPES = [
  'entity.parse.failed',
  'entity.too.large',
  'encoding.unsupported',
  'charset.unsupported',
  'parameters.too.many',
  'querystring.parse.rangeError',
];
/** multer's codes the client causes, and their status: limits 413, the rest 400. */
const MULTER_STATUS = new Map([
  ['LIMIT_PART_COUNT', 413],
  ['LIMIT_FILE_SIZE', 413],
  ['LIMIT_FILE_COUNT', 413],
  ['LIMIT_FIELD_KEY', 413],
  ['LIMIT_FIELD_VALUE', 413],
  ['LIMIT_FIELD_COUNT', 413],
  ['LIMIT_UNEXPECTED_FILE', 400],
  ['MISSING_FIELD_NAME', 400],
  ['LIMIT_FIELD_NESTING', 400],
  ['LIMIT_FIELD_ARRAY_INDEX', 400],
  ['INVALID_FIELD_NAME', 400],
]);
/** busboy's messages for a malformed multipart body. */
const BUSBOY_MESSAGES = [
  'Malformed part header',
  'Unexpected end of form',
  'Unexpected end of file',
];

// ---------------------------------------------------------------------------
// The server: one per file, answering `/throw/<id>` (logger: false) and
// `/logged/throw/<id>` (a real pino logger writing into `logs`).

const pending = new Map<string, unknown>();
let nextId = 0;
const logs = captureLogs();

function mountThrowRoute(app: Express): void {
  const take = (id: unknown): unknown => {
    const value = pending.get(String(id));
    pending.delete(String(id));
    return value;
  };
  const throwRoute: RequestHandler = (req, _res, next) => {
    const value = take(req.params.id);
    // Express treats a falsy argument to next() as "no error"; a falsy value is
    // thrown instead, to show that a synchronous throw is treated the same way.
    if (!value) throw value;
    next(value);
  };
  app.all('/throw/:id', throwRoute);
  // A response begun, then abandoned: see `Abandoned`.
  app.get('/abandon/:id', (req, res, next) => {
    const { value, begun } = take(req.params.id) as { value: unknown; begun: Abandoned };
    for (const [name, field] of Object.entries(begun.headers)) res.setHeader(name, field);
    if (begun.statusMessage !== undefined) res.statusMessage = begun.statusMessage;
    if (!value) throw value;
    next(value);
  });
  // A response whose writeHead or end a hooking middleware broke: see `Breakage`.
  app.get('/unwritable/:id', (req, res, next) => {
    const { value, breaks } = take(req.params.id) as { value: unknown; breaks: Breakage };
    breakResponse(res, breaks);
    if (!value) throw value;
    next(value);
  });
  // For the tests of what Express does with falsy values and control strings.
  app.get('/next/:id', (req, _res, next) => next(take(req.params.id)));
  app.get('/signal/:signal', (req, _res, next) => next(req.params.signal));
  app.get('/alive', (_req, res) => {
    res.send('yes');
  });
  app.use(notFound());
}

/**
 * How a middleware that hooks the response (as on-headers does) breaks it:
 * `writeHead` throws, `end` throws before it sends, or after.
 */
type Breakage = 'writeHead' | 'end before' | 'end after';
const breakage = fc.constantFrom<Breakage>('writeHead', 'end before', 'end after');

function breakResponse(res: Response, breaks: Breakage): void {
  const broken = new Error(`the ${breaks.split(' ')[0]} hook is broken`);
  if (breaks === 'writeHead') {
    res.writeHead = () => {
      throw broken;
    };
    return;
  }
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (breaks === 'end after') end(...args);
    throw broken;
  }) as Response['end'];
}

let server: http.Server;
let port: number;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
  const logged = createApp(mountThrowRoute, { logger: logs.logger });
  const typed = createApp(mountThrowRoute, { logger: false, typeBaseUri: TYPE_BASE_URI });
  const app = createApp((root) => {
    root.use('/logged', logged);
    root.use('/typed', typed);
    mountThrowRoute(root);
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Reply {
  status: number;
  /** The reason phrase of the status line. */
  reason: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

function request(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'GET', agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? '',
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to GET ${path} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Throws `value` through the app and returns the request path and the reply. */
async function throwThrough(
  value: unknown,
  { prefix = '', headers = {} }: { prefix?: string; headers?: Record<string, string> } = {},
): Promise<{ path: string; reply: Reply }> {
  const id = String(nextId++);
  pending.set(id, value);
  const path = `${prefix}/throw/${id}`;
  // The query is not part of `instance` (it may hold secrets).
  const reply = await request(`${path}?access_token=SECRET-query-${id}`, headers);
  return { path, reply };
}

async function expectServerAlive(): Promise<void> {
  const reply = await request('/alive');
  expect(reply.status).toBe(200);
  expect(pending.size).toBe(0);
}

// ---------------------------------------------------------------------------
// The model: what the handler should answer for a value, following the
// precedence of src/handler/to-api-error.ts.

interface Expected {
  status: number;
  /** The exact `detail` when the value's own text may be shown, else undefined. */
  detail?: string;
  /** Headers the value carries that must be echoed, by lower-case name. */
  headers: Map<string, string>;
  /** Headers a foreign value carries that must not be sent, by lower-case name. */
  withheld?: Map<string, string>;
}

/**
 * - falsy: never an error for Express → `notFound()` → 404;
 * - an `ApiError`: its status, and its detail if `expose`;
 * - an object with `isBoom === true` and an `output` object whose `statusCode`
 *   is an integer 400–599 (@hapi/boom's shape): that status, the headers of
 *   `output`, and below 500 the payload's message unless it is the phrase;
 * - an object (not a function) whose `status` — or, when `status` is not an
 *   integer, `statusCode` — is an integer 400–599: that status; its message
 *   is shown only with `expose === true`, and its valid headers are sent;
 * - an object named `ZodError` with an `issues` array → 422; one named
 *   `TokenExpiredError`, `JsonWebTokenError` or `NotBeforeError` → 401;
 *   one named `MulterError` with a `code` multer gives a client's mistake
 *   → 413 or 400; one named `Error` with one of busboy's messages and an
 *   own `storageErrors` array (multer's mark) → 400;
 * - anything else, or a value whose inspection throws: 500.
 *
 * The precedence is finalhandler's: `status` if it is an integer 400–599,
 * else `statusCode` if that is one.
 */
function expectedFor(value: unknown): Expected {
  const none = new Map<string, string>();
  if (!value) return { status: 404, detail: defaultCatalog.get(404)?.description, headers: none };
  try {
    if (value instanceof ApiError) {
      return {
        status: value.status,
        detail: value.expose ? value.detail : undefined,
        headers: keptHeaders(value.headers, 'own'),
      };
    }
    if (typeof value !== 'object' || value === null) return { status: 500, headers: none };
    const error = value as Record<string, unknown>;
    const isErrorStatus = (v: unknown): v is number =>
      Number.isInteger(v) && (v as number) >= 400 && (v as number) <= 599;
    const boom = boomExpectation(error, isErrorStatus);
    if (boom) return boom;
    const status = isErrorStatus(error.status)
      ? error.status
      : isErrorStatus(error.statusCode)
        ? error.statusCode
        : undefined;
    // An HTTP client's or SDK's error about the response it got: as if it had no status.
    if (status !== undefined && !isUpstreamError(error)) {
      const type = error.type;
      // A body error by its `type`, else (read only then) by zlib's `Z_*` code.
      const fromBodyParser =
        (typeof type === 'string' && BODY_PARSER_TYPES.includes(type)) ||
        (() => {
          const code = error.code;
          return typeof code === 'string' && code.startsWith('Z_');
        })();
      // (A `type` such as "valueOf" is no body-parser type: the message stands.)
      if (type === 'entity.too.large') void error.limit;
      // A body error gets our detail: its `expose` and message are never read.
      const exposed = !fromBodyParser && error.expose === true;
      let detail: string | undefined;
      if (exposed) {
        const message = error.message;
        if (typeof message === 'string') detail = message;
      }
      return { status, detail, ...foreignHeaders(error.headers) };
    }
    const name = error.name;
    if (name === 'ZodError') {
      if (!Array.isArray(error.issues)) return { status: 500, headers: none };
      const count = error.issues.length;
      const detail =
        count > 100
          ? `The request failed validation: the first 100 of ${count} issues are listed.`
          : 'The request failed validation.';
      return { status: 422, detail, headers: none };
    }
    if (name === 'TokenExpiredError') {
      return { status: 401, detail: 'The access token has expired.', headers: none };
    }
    if (name === 'JsonWebTokenError' || name === 'NotBeforeError') {
      return { status: 401, detail: 'The access token is not valid.', headers: none };
    }
    if (name === 'MulterError') {
      const code = error.code;
      const status = typeof code === 'string' ? MULTER_STATUS.get(code) : undefined;
      return { status: status ?? 500, headers: none };
    }
    if (name === 'Error') {
      const message = error.message;
      if (typeof message !== 'string' || !BUSBOY_MESSAGES.includes(message)) {
        return { status: 500, headers: none };
      }
      const tagged = Object.hasOwn(error, 'storageErrors') && Array.isArray(error.storageErrors);
      return tagged
        ? { status: 400, detail: 'The multipart body could not be parsed.', headers: none }
        : { status: 500, headers: none };
    }
    return { status: 500, headers: none };
  } catch {
    return { status: 500, headers: none };
  }
}

/**
 * Whether a value with an error status is an HTTP client's or an SDK's error
 * about the response it got from another server (written here independently
 * of src/handler/upstream-errors.ts): its status is the upstream's, so it is
 * not answered. Reads as src does where a read is conditional (`retryable`,
 * `code` and `time` only beside an own `requestId`): a getter that throws must throw in both.
 */
function isUpstreamError(error: Record<string, unknown>): boolean {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null;
  const isResponse = (value: unknown) =>
    isObject(value) &&
    (typeof value.status === 'number' || typeof value.statusCode === 'number') &&
    isObject(value.headers);
  const own = (name: string) => Object.prototype.hasOwnProperty.call(error, name);
  if (error.isAxiosError === true) return true;
  for (const field of ['response', 'rawResponse', 'meta', '$response']) {
    if (isResponse(error[field])) return true;
  }
  const headers = error.headers;
  if (isObject(headers)) {
    if (typeof headers.get === 'function') return true;
    if (Object.keys(headers).some((name) => /^date$/i.test(name))) return true;
  }
  const code = error.code;
  if (
    code === 'UND_ERR_RESPONSE' ||
    code === 'UND_ERR_RESPONSE_STATUS_CODE' ||
    code === 'slack_webapi_http_error'
  ) {
    return true;
  }
  if (isObject(error.$metadata)) return true;
  if (
    own('requestId') &&
    typeof error.retryable === 'boolean' &&
    typeof error.code === 'string' &&
    error.time instanceof Date
  ) {
    return true;
  }
  if (own('amzRequestid') || own('amzId2')) return true;
  if (error.scope === 'couch' || error.errid === 'non_200') return true;
  if (own('moreInfo')) return true;
  return typeof error.arrayBuffer === 'function';
}

/** What a Boom-shaped value is answered with, or undefined when it is not one. */
function boomExpectation(
  error: Record<string, unknown>,
  isErrorStatus: (value: unknown) => value is number,
): Expected | undefined {
  const isBoom = error.isBoom;
  const output = error.output;
  if (isBoom !== true || typeof output !== 'object' || output === null) return undefined;
  const { statusCode, headers, payload } = output as Record<string, unknown>;
  if (!isErrorStatus(statusCode)) return undefined;
  // @hapi/wreck's error about the response it got carries the upstream's status: a fault.
  const data = error.data;
  if (typeof data === 'object' && data !== null && Reflect.get(data, 'isResponseError') === true) {
    return { status: 500, headers: new Map() };
  }
  // An upstream's body copied onto an SDK's error may be shaped as Boom's: a fault too.
  if (isUpstreamError(error)) return { status: 500, headers: new Map() };
  let detail: string | undefined;
  if (statusCode < 500 && typeof payload === 'object' && payload !== null) {
    const { message, error: phrase } = payload as Record<string, unknown>;
    if (typeof message === 'string' && message !== phrase) detail = message;
  }
  return { status: statusCode, detail, ...foreignHeaders(headers) };
}

/**
 * Fields an error this library did not make never passes on, whatever its
 * status (written here independently of src/headers/foreign-headers.ts):
 * those that set the client's state or a browser's policy for the origin,
 * and those that describe the message a client or SDK received.
 */
const NOT_PASSED_ON = new Set([
  // Directives that would let a cache keep the error.
  'cache-control',
  'cdn-cache-control',
  'surrogate-control',
  'pragma',
  // State: cookies, site data, navigation, login status.
  'set-cookie',
  'set-cookie2',
  'clear-site-data',
  'refresh',
  'set-login',
  'location',
  // Policies for the origin.
  'strict-transport-security',
  'alt-svc',
  'x-frame-options',
  'referrer-policy',
  'permissions-policy',
  'feature-policy',
  'document-policy',
  'origin-agent-cluster',
  'accept-ch',
  'critical-ch',
  'timing-allow-origin',
  'service-worker-allowed',
  'nel',
  'report-to',
  'reporting-endpoints',
  'expect-ct',
  'public-key-pins',
  'public-key-pins-report-only',
  'x-xss-protection',
  'x-dns-prefetch-control',
  'x-permitted-cross-domain-policies',
  // Another message's.
  'date',
  'server',
  'via',
  'age',
  'etag',
  'expires',
  'last-modified',
  'repr-digest',
]);
/** The same by family: CORS, cross-origin isolation, and every Content-* but a 416's Content-Range. */
const NOT_PASSED_ON_FAMILY = /^(?:access-control-|cross-origin-|content-(?!range$))/;

/** The headers of a foreign error that are sent, and those it carries that are not. */
function foreignHeaders(headers: unknown): Pick<Expected, 'headers' | 'withheld'> {
  const withheld = new Map<string, string>();
  const kept = keptHeaders(headers, 'foreign', withheld);
  return { headers: kept, withheld };
}

/**
 * The headers of an error that can be sent as they are (later duplicates win);
 * of a foreign one, not those it may not pass on, which go to `withheld`.
 */
function keptHeaders(
  headers: unknown,
  whose: 'own' | 'foreign',
  withheld?: Map<string, string>,
): Map<string, string> {
  const kept = new Map<string, string>();
  if (typeof headers !== 'object' || headers === null) return kept;
  for (const [name, value] of Object.entries(headers)) {
    // An own `__proto__` key (fast-check makes them) is lost on assignment to
    // a plain object, in src as anywhere: harmless, so not expected either.
    if (name === '__proto__') continue;
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !TOKEN.test(name) || !FIELD_VALUE.test(text)) continue;
    const lower = name.toLowerCase();
    if (whose === 'foreign' && (NOT_PASSED_ON.has(lower) || NOT_PASSED_ON_FAMILY.test(lower))) {
      withheld?.set(lower, text);
      continue;
    }
    // RFC 9110 §10.2.3: a Retry-After no client can read is not sent.
    if (lower === 'retry-after' && !RETRY_AFTER.test(text)) continue;
    kept.set(lower, text);
  }
  return kept;
}

/** delay-seconds, or an IMF-fixdate of a real moment (what `Date` writes back the same). */
const RETRY_AFTER = {
  test: (value: string): boolean =>
    /^\d+$/.test(value) || (/ GMT$/.test(value) && new Date(value).toUTCString() === value),
};

// ---------------------------------------------------------------------------
// The checks every reply must pass.

function allStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) allStrings(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      allStrings(item, into);
    }
  }
  return into;
}

/**
 * What is wrong with a reply, as sentences; empty when it is a well-formed
 * problem. (Plain checks gathered into one `expect`: thousands of runs of
 * dozens of `expect` calls each would dominate the run time.)
 */
function problemFaults(
  reply: Reply,
  path: string,
  expected: Expected,
  contentType = 'application/problem+json',
): string[] {
  const faults: string[] = [];
  const check = (ok: boolean, fault: string) => {
    if (!ok) faults.push(fault);
  };
  const { status, reason, headers, rawHeaders, body } = reply;
  check(
    Number.isInteger(status) && status >= 400 && status <= 599,
    `status ${status} is not 4xx/5xx`,
  );
  check(status === expected.status, `status ${status}, expected ${expected.status}`);
  // RFC 9112 §4: the phrase of the status sent (Node's `unknown` for a status it has none for).
  const phrase = STATUS_CODES[status] ?? 'unknown';
  check(reason === phrase, `reason phrase ${JSON.stringify(reason)} for ${status}`);

  // Every header is a token name with a valid value; no secret, no stack.
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    const value = rawHeaders[index + 1] as string;
    check(TOKEN.test(name), `header name ${JSON.stringify(name)} is not a token`);
    check(FIELD_VALUE.test(value), `header ${name} has an invalid value ${JSON.stringify(value)}`);
    check(!/[\r\n]/.test(value), `header ${name} holds CR or LF`);
    check(!/SECRET-|CREDENTIAL-/.test(value), `header ${name} leaks a secret: ${value}`);
    check(!STACK_LINE.test(value), `header ${name} holds a stack trace`);
    check(!/SECRET-|injected/i.test(name), `header ${name} was injected`);
  }
  check(headers['content-type'] === contentType, `content-type is ${headers['content-type']}`);
  check(headers['x-content-type-options'] === 'nosniff', 'x-content-type-options is not nosniff');
  check(
    headers['content-length'] === String(body.length),
    `content-length ${headers['content-length']} for a body of ${body.length} bytes`,
  );
  for (const name of FRAMING_HEADERS) {
    check(headers[name] === undefined, `framing header ${name}: ${String(headers[name])}`);
  }

  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return [...faults, `the body is not JSON: ${body.toString('utf8').slice(0, 200)}`];
  }
  check(typeof problem.type === 'string', 'type is not a string');
  check(typeof problem.title === 'string', 'title is not a string');
  check(problem.status === status, `body status ${String(problem.status)} ≠ HTTP ${status}`);
  check(typeof problem.detail === 'string', 'detail is not a string');
  check(problem.instance === path, `instance ${String(problem.instance)} ≠ ${path}`);
  check(
    typeof problem.code === 'string' && CODE.test(problem.code),
    `code ${String(problem.code)}`,
  );
  check(problem.requestId === headers['x-request-id'], 'requestId ≠ x-request-id');
  if (expected.detail !== undefined) {
    check(
      problem.detail === expected.detail,
      `detail ${String(problem.detail)} ≠ ${expected.detail}`,
    );
  }

  // Past the detail the value was allowed to show, nothing of it leaks.
  const shown = { ...problem, detail: expected.detail === undefined ? problem.detail : '' };
  for (const member of allStrings(shown)) {
    check(!STACK_LINE.test(member), `the body holds a stack trace: ${member}`);
    check(!/SECRET-|CREDENTIAL-|plantedFrame/.test(member), `the body leaks a secret: ${member}`);
    check(
      !/node_modules|error-handler\.property\.test/.test(member),
      `the body names a source file: ${member}`,
    );
  }

  // The value's own valid headers are sent, bar those the handler writes itself.
  // Values beyond ASCII (obs-text) are only checked for presence: Node encodes
  // them as UTF-8 or Latin-1 depending on whether the body goes in the same write.
  for (const [name, value] of expected.headers) {
    if (HANDLER_HEADERS.has(name) || name === 'set-cookie') continue;
    const sent = headers[name];
    if (/^[\t\x20-\x7e]*$/.test(value)) {
      const trimmed = value.replace(/^[\t ]+|[\t ]+$/g, '');
      check(sent === trimmed, `header ${name} is ${String(sent)}, expected ${trimmed}`);
    } else {
      check(sent !== undefined, `header ${name} was not sent`);
    }
  }
  // A foreign value's fields that act on the client or describe another message are not:
  // not even Date, which Node writes for the answer itself.
  for (const [name, value] of expected.withheld ?? []) {
    if (name === 'date') {
      check(headers.date !== value.trim(), `the value's Date was sent: ${value}`);
    } else if (!HANDLER_HEADERS.has(name)) {
      check(headers[name] === undefined, `header ${name} was passed on: ${String(headers[name])}`);
    }
  }
  return faults;
}

function expectWellFormedProblem(
  reply: Reply,
  path: string,
  expected: Expected,
  contentType?: string,
): void {
  expect(problemFaults(reply, path, expected, contentType)).toEqual([]);
}

// ---------------------------------------------------------------------------
// Generators.

/**
 * Every generated value travels in a box, with a description for
 * counterexamples: fast-check inspects the values it generates (for a clone
 * method) and prints them, and a Proxy that throws on every trap would break
 * fast-check rather than the handler; members added with defineProperty
 * would not be printed.
 */
interface Boxed {
  readonly value: unknown;
}

function box(value: unknown, description?: string): Boxed {
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

const secret = fc
  .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 12, maxLength: 12 })
  .map((random) => `SECRET-${random}`);

/** A stack trace with a secret in it, as a string. */
const plantedStack = secret.map(
  (text) =>
    `Error: ${text}\n    at plantedFrame (/srv/app/planted.js:1:1)\n    at main (/srv/app/index.js:2:2)`,
);

/** Not the two strings Express reads as control signals; see the top of the file. */
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

const anyValue = fc
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

const statusLike = fc.oneof(
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

const headersLike = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(headerName, headerValue, { maxKeys: 5 }) },
  fc.anything({ maxDepth: 2 }),
  fc.array(fc.string(), { maxLength: 3 }),
);

const causeLike = fc.oneof(
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
function withMembers<T extends object>(target: T, parts: Record<string, unknown>): T {
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

const errorLike = fc
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

const hostile: fc.Arbitrary<Boxed> = fc.oneof(
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

const statusesWithClass = Object.keys(errorClasses).map(Number) as (keyof typeof errorClasses)[];

function subCodesOf(status: number): string[] {
  return defaultEntries.flatMap((entry) =>
    entry.status === status && 'subCode' in entry ? [entry.subCode as string] : [],
  );
}

/** Headers an `ApiError` accepts: token names, valid values. */
const validHeaders = fc.dictionary(
  fc.stringMatching(/^X-[A-Za-z0-9]{1,10}$/),
  fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,20}$/), fc.nat()),
  { maxKeys: 3 },
);

/**
 * The options of the generated classes: challenge, retryAfter, allow,
 * location, accept, errors, completeLength, upgrade, blockedBy. Random ones
 * may be invalid (a realm with CR/LF, a negative delay, no `allow` for a 405,
 * no `upgrade` for a 426): the constructor then throws, and what it throws is
 * passed to next() instead, as a route would.
 */
const classOptions = fc.record(
  {
    // Bearer options, made a challenge by bearerChallenge() (which may throw).
    challenge: fc.record(
      {
        realm: fc.oneof(fc.string(), fc.constantFrom('api', 'a "quoted" \\ realm', 'x\r\ny')),
        error: fc.constantFrom('invalid_request', 'invalid_token', 'insufficient_scope'),
        errorDescription: fc.string(),
      },
      { requiredKeys: [] },
    ),
    retryAfter: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.date()),
    allow: fc.array(fc.constantFrom('GET', 'POST', 'DELETE', 'bad method', ''), { maxLength: 3 }),
    location: fc.oneof(fc.webUrl(), fc.string()),
    accept: fc.array(fc.constantFrom('application/json', 'text/csv'), { maxLength: 2 }),
    errors: fc.array(
      fc.record({ pointer: fc.constantFrom('/name', '/tags/0'), detail: fc.string() }),
      { maxLength: 2 },
    ),
    completeLength: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.double()),
    upgrade: fc.oneof(
      fc.constantFrom('websocket', 'TLS/1.3', 'bad protocol', ''),
      fc.array(fc.constantFrom('TLS/1.3', 'HTTP/2.0', 'x/y/z'), { maxLength: 2 }),
    ),
    blockedBy: fc.oneof(fc.webUrl(), fc.string()),
  },
  { requiredKeys: [] },
);

const apiErrorInstance = fc
  .record({
    status: fc.constantFrom(...statusesWithClass),
    pickSubCode: fc.nat(),
    useSubCode: fc.boolean(),
    detail: fc.option(fc.oneof(secret, fc.string()), { nil: undefined }),
    expose: fc.option(fc.boolean(), { nil: undefined }),
    headers: fc.option(validHeaders, { nil: undefined }),
    cause: fc.option(causeLike, { nil: undefined }),
    extensions: fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue()), {
      nil: undefined,
    }),
    own: classOptions,
  })
  .map(({ status, pickSubCode, useSubCode, own, ...options }) => {
    const subCodes = subCodesOf(status);
    const subCode =
      useSubCode && subCodes.length > 0 ? subCodes[pickSubCode % subCodes.length] : undefined;
    // The sub-code is literal-typed per class; these are taken from the catalog itself.
    const { challenge, ...rest } = own;
    const all = { ...rest, ...options, subCode: subCode as never };
    const ErrorClass = errorClasses[status] as unknown as new (
      detail?: string,
      options?: object,
    ) => ApiError;
    const description = `new ${ErrorClass.name}(${fc.stringify(options.detail)}, ${fc.stringify({ ...all, challenge })})`;
    try {
      const withChallenge = challenge
        ? { ...all, challenge: bearerChallenge(challenge as BearerChallengeOptions) }
        : all;
      return box(new ErrorClass(options.detail, withChallenge), description);
    } catch (error) {
      return box(error, `what ${description} threw`);
    }
  });

const baseApiError = fc
  .tuple(
    fc.integer({ min: 400, max: 599 }),
    fc.option(fc.oneof(secret, fc.string()), { nil: undefined }),
    fc.option(fc.boolean(), { nil: undefined }),
    fc.option(causeLike, { nil: undefined }),
  )
  .map(([status, detail, expose, cause]) =>
    box(
      new ApiError(status, detail, { expose, cause }),
      `new ApiError(${status}, ${fc.stringify(detail)}, ${fc.stringify({ expose, cause })})`,
    ),
  );

const httpError = fc
  .tuple(
    fc.integer({ min: 400, max: 599 }),
    fc.oneof(secret, fc.string()),
    fc.record(
      {
        expose: fc.boolean(),
        headers: headersLike,
        cause: causeLike,
        password: secret,
        stack: plantedStack,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([status, message, props]) =>
    box(
      createError(status, message, props),
      `createError(${status}, ${fc.stringify(message)}, ${fc.stringify(props)})`,
    ),
  );

/** Real @hapi/boom errors, with messages and data that must not leak from a 5xx. */
const boomError = fc
  .tuple(
    fc.integer({ min: 400, max: 599 }),
    fc.oneof(secret, fc.string()),
    fc.option(fc.record({ password: secret }), { nil: undefined }),
    fc.boolean(),
  )
  .map(([status, message, data, boomify]) =>
    boomify
      ? box(
          Boom.boomify(Object.assign(new Error(message), { data }), { statusCode: status }),
          `Boom.boomify(new Error(${fc.stringify(message)}), { statusCode: ${status} })`,
        )
      : box(
          new Boom.Boom(message, { statusCode: status, data }),
          `new Boom(${fc.stringify(message)}, { statusCode: ${status}, data: ${fc.stringify(data)} })`,
        ),
  );

/** Objects of Boom's shape whose members are anything. */
const boomLike = fc
  .record(
    {
      isBoom: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.anything({ maxDepth: 0 })),
      output: fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record(
            {
              statusCode: statusLike,
              headers: headersLike,
              payload: fc.record(
                {
                  message: fc.oneof(secret, fc.string(), fc.anything({ maxDepth: 0 })),
                  error: fc.string(),
                },
                { requiredKeys: [] },
              ),
            },
            { requiredKeys: [] },
          ),
        },
        fc.anything({ maxDepth: 1 }),
      ),
      status: statusLike,
      message: secret,
      // A secret never sent, or @hapi/wreck's data about the response it got.
      data: fc.oneof(
        secret,
        fc.record({
          isResponseError: fc.oneof(fc.constant(true), fc.anything({ maxDepth: 0 })),
          headers: headersLike,
          payload: secret,
        }),
      ),
    },
    { requiredKeys: ['isBoom'] },
  )
  .map((parts) => box(withMembers(new Error(), parts), `Boom-like ${fc.stringify(parts)}`));

const libraryError = fc.oneof(apiErrorInstance, baseApiError, httpError, boomError, boomLike);

// ---------------------------------------------------------------------------
// Responses a handler began before it failed.

/** What a handler set on `res` before failing: header fields and a status message. */
interface Abandoned {
  readonly headers: Readonly<Record<string, string>>;
  readonly statusMessage?: string;
}

const httpDate = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((date) => date.toUTCString());

/** Framing a streaming handler sets up (RFC 9112 §6), each left out at random. */
const framingFields = fc.record(
  {
    'Transfer-Encoding': fc.constantFrom('chunked', 'gzip, chunked'),
    'Content-Length': fc.nat({ max: 100_000 }).map(String),
    Trailer: fc.constantFrom('Server-Timing', 'Expires, Content-MD5'),
  },
  { requiredKeys: [] },
);

/** Freshness and validators of the response the handler meant to send (RFC 9111). */
const cachingFields = fc.record(
  {
    'Cache-Control': fc.constantFrom(
      'public, max-age=3600',
      'private, max-age=60',
      's-maxage=600, stale-while-revalidate=30',
      'immutable',
    ),
    Expires: httpDate,
    ETag: fc.constantFrom('"v42"', 'W/"1a-abc"'),
    'Last-Modified': httpDate,
    Age: fc.nat({ max: 86_400 }).map(String),
  },
  { requiredKeys: [] },
);

/** Fields an error response keeps. */
const keptFields = fc.record(
  {
    Vary: fc.constantFrom('Origin', 'Accept-Encoding, Origin'),
    'Access-Control-Allow-Origin': fc.constantFrom('*', 'https://app.example'),
  },
  { requiredKeys: [] },
);

const abandoned: fc.Arbitrary<Abandoned> = fc
  .record({
    framing: framingFields,
    caching: cachingFields,
    kept: keptFields,
    statusMessage: fc.option(
      fc.oneof(fc.constantFrom('OK', 'All Good', 'Partial Content'), fc.string()),
      { nil: undefined },
    ),
  })
  .map(({ framing, caching, kept, statusMessage }) => ({
    headers: { ...framing, ...caching, ...kept },
    ...(statusMessage === undefined ? {} : { statusMessage }),
  }));

/** Extension values JSON.stringify throws on; made fresh for each error. */
const unserialisable = fc.constantFrom<[string, () => unknown]>(
  ['a BigInt', () => 10n],
  [
    'a circular object',
    () => {
      const value: Record<string, unknown> = {};
      value.self = value;
      return value;
    },
  ],
  [
    'an object whose toJSON throws',
    () => ({
      toJSON() {
        throw new Error('SECRET-toJSON');
      },
    }),
  ],
  [
    'an object with a getter that throws',
    () => ({
      get owner() {
        throw new Error('SECRET-getter');
      },
    }),
  ],
);

/** An error's own caching headers, which win over what it replaces. */
const ownCaching = fc.record(
  {
    'Cache-Control': fc.constantFrom('max-age=60', 'no-cache'),
    Expires: httpDate,
    ETag: fc.constantFrom('"problem-1"'),
  },
  { requiredKeys: [] },
);

/**
 * An ApiError whose extensions mix members JSON can write (lower-case names)
 * with members it cannot (upper-case names, so never a reserved member).
 */
const apiErrorWithBadMembers = fc
  .record({
    status: fc.integer({ min: 400, max: 599 }),
    good: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 3,
    }),
    bad: fc.dictionary(fc.stringMatching(/^[A-Z]{1,8}$/), unserialisable, {
      minKeys: 1,
      maxKeys: 3,
    }),
    headers: fc.option(ownCaching, { nil: undefined }),
  })
  .map(({ status, good, bad, headers }) => {
    const extensions: Record<string, unknown> = { ...good };
    for (const [name, [, make]] of Object.entries(bad)) extensions[name] = make();
    const kinds = Object.entries(bad).map(([name, [kind]]) => `${name}: ${kind}`);
    return box(
      new ApiError(status, 'bad member', { extensions, headers }),
      `new ApiError(${status}, 'bad member', { extensions: ${fc.stringify(good)} + { ${kinds.join(', ')} }, headers: ${fc.stringify(headers)} })`,
    );
  });

/** The names of an ApiError's members that JSON cannot write. */
function unwritableMembers(value: unknown): string[] {
  if (!(value instanceof ApiError)) return [];
  return Object.keys(value.extensions ?? {}).filter((name) => /^[A-Z]+$/.test(name));
}

/** A reply read off the socket, as the checks above take it (repeated fields joined). */
function replyOf(raw: RawResponse): Reply {
  const headers: http.IncomingHttpHeaders = {};
  for (const [name, field] of raw.headers) {
    const lower = name.toLowerCase();
    const before = headers[lower];
    headers[lower] = before === undefined ? field : `${String(before)}, ${field}`;
  }
  return {
    status: raw.status,
    reason: raw.reason,
    headers,
    rawHeaders: raw.headers.flat(),
    body: Buffer.from(raw.body, 'latin1'),
  };
}

const CACHING_FIELDS = ['age', 'etag', 'expires', 'last-modified'];

/**
 * What is wrong with the framing and caching of an error response that
 * replaced `begun`: exactly one framing; no freshness or validator of the
 * abandoned response (RFC 9111); Cache-Control: no-store in place of its
 * Cache-Control; the error's own caching fields over both.
 */
function replacedFaults(raw: RawResponse, begun: Abandoned, expected: Expected): string[] {
  const faults: string[] = [];
  const values = (name: string) =>
    raw.headers.filter(([field]) => field.toLowerCase() === name).map(([, value]) => value);
  const transferEncoding = values('transfer-encoding');
  const contentLength = values('content-length');
  if (transferEncoding.length > 0 && contentLength.length > 0) {
    faults.push(`both Transfer-Encoding ${transferEncoding} and Content-Length ${contentLength}`);
  }
  if (contentLength.length !== 1) faults.push(`Content-Length ${JSON.stringify(contentLength)}`);
  if (values('trailer').length > 0) faults.push(`Trailer ${values('trailer')}`);
  const had = new Set(Object.keys(begun.headers).map((name) => name.toLowerCase()));
  const own = (name: string) => expected.headers.get(name)?.trim();
  const cacheControl = own('cache-control') ?? (had.has('cache-control') ? 'no-store' : undefined);
  const sentCacheControl = values('cache-control');
  if (JSON.stringify(sentCacheControl) !== JSON.stringify(cacheControl ? [cacheControl] : [])) {
    faults.push(`Cache-Control ${JSON.stringify(sentCacheControl)}, expected ${cacheControl}`);
  }
  for (const name of CACHING_FIELDS) {
    const sent = values(name);
    const mine = own(name);
    if (JSON.stringify(sent) !== JSON.stringify(mine === undefined ? [] : [mine])) {
      faults.push(`${name} ${JSON.stringify(sent)}, expected ${mine ?? 'none'}`);
    }
  }
  for (const name of ['vary', 'access-control-allow-origin']) {
    const field = Object.entries(begun.headers).find(([key]) => key.toLowerCase() === name);
    // The problem's media type depends on Accept, which Vary then names too (RFC 9110 §12.5.5).
    const kept = field && (name === 'vary' ? `${field[1]}, Accept` : field[1]);
    if (kept && JSON.stringify(values(name)) !== JSON.stringify([kept])) {
      faults.push(`${name} ${JSON.stringify(values(name))}, expected ${kept}`);
    }
  }
  return faults;
}

// ---------------------------------------------------------------------------

describe('errorHandler under arbitrary thrown values', () => {
  const check = async ({ value }: Boxed) => {
    const expected = expectedFor(value);
    const { path, reply } = await throwThrough(value);
    expectWellFormedProblem(reply, path, expected);
  };

  it(
    'answers any value whatsoever with a well-formed problem',
    async () => {
      await fc.assert(fc.asyncProperty(anyValue, check), { numRuns: RUNS.anything });
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'trusts status, then statusCode, only as an integer from 400 to 599, and leaks nothing',
    async () => {
      await fc.assert(fc.asyncProperty(errorLike, check), { numRuns: RUNS.errorLike });
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'answers values that throw on inspection, Proxies and circular causes without crashing',
    async () => {
      await fc.assert(fc.asyncProperty(hostile, check), { numRuns: RUNS.hostile });
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'answers ApiErrors, http-errors and Boom errors with their own status, detail and headers',
    async () => {
      await fc.assert(
        fc.asyncProperty(libraryError, async ({ value: error }) => {
          const { path, reply } = await throwThrough(error);
          expectWellFormedProblem(reply, path, expectedFor(error));
          const problem = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
          if (error instanceof ApiError) {
            if (error.subCode !== undefined) {
              expect(problem.subCode).toBe(error.subCode);
              expect(reply.headers['x-status-sub-code']).toBe(error.subCode);
            }
            const entry = defaultCatalog.get(error.subCode ?? error.status);
            if (entry) expect(problem.code).toBe(entry.name);
            for (const [name, value] of Object.entries(error.extensions ?? {})) {
              if (!(name in { type: 1, title: 1, status: 1, detail: 1, instance: 1, code: 1 })) {
                expect(problem[name]).toEqual(JSON.parse(JSON.stringify(value)));
              }
            }
          }
          if (reply.status === 401) expect(reply.headers['www-authenticate']).toBeDefined();
          if (reply.status === 407) expect(reply.headers['proxy-authenticate']).toBeDefined();
        }),
        { numRuns: RUNS.library },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'logs exactly one parseable line per request, without credentials',
    async () => {
      const value = fc.oneof(anyValue, errorLike, hostile, libraryError);
      await fc.assert(
        fc.asyncProperty(value, secret, async ({ value: thrown }, credential) => {
          const token = credential.replace('SECRET-', 'CREDENTIAL-');
          const requestId = `req-${nextId}`;
          const before = logs.lines.length;
          const expected = expectedFor(thrown);
          const { path, reply } = await throwThrough(thrown, {
            prefix: '/logged',
            headers: {
              Authorization: `Bearer ${token}`,
              Cookie: `sid=${token}`,
              'X-Request-Id': requestId,
            },
          });
          await flushed();
          expectWellFormedProblem(reply, path, expected);
          expect(logs.lines.length).toBe(before + 1);
          const line = logs.lines[before] as Record<string, unknown>;
          expect(line.level).toBe(reply.status >= 500 ? 50 : 40);
          expect(line.status).toBe(reply.status);
          expect(line.requestId).toBe(requestId);
          expect(line.url).toBe(`${path}?access_token=[Redacted]`);
          const logged = JSON.stringify(line);
          expect(logged).not.toContain(token);
          expect(logged).not.toContain('CREDENTIAL-');
          expect(logged).not.toContain('SECRET-query-');
        }),
        { numRuns: RUNS.logged },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});

/**
 * Accept fields (RFC 9110 §12.5.1) made of the pieces that matter to the
 * parser, well-formed or not, and of any printable ASCII.
 */
const acceptField = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/problem+json',
        'APPLICATION/JSON',
        'application/*',
        '*/*',
        'text/html',
        '*/json',
        ';q=0',
        ';q=0.5',
        ';q=1',
        ';q=1.5',
        ';Q=0.001',
        ';charset=utf-8',
        ';charset="UTF-8"',
        ';level=1',
        ', ',
        ',',
        ';',
        '"',
        '\\',
        ' ',
        '\t',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 12 },
  )
  .map((pieces) => pieces.join(''));

/** Whether a value is an ApiError; false for one whose inspection throws (a revoked Proxy). */
function isOwnError(value: unknown): boolean {
  try {
    return value instanceof ApiError;
  } catch {
    return false;
  }
}

describe('errorHandler with typeBaseUri under arbitrary thrown values', () => {
  it(
    "answers with a well-formed problem whose type is its code's anchor on the page, titled by the entry; an ApiError's passes the contract check",
    async () => {
      const value = fc.oneof(anyValue, errorLike, hostile, libraryError);
      await fc.assert(
        fc.asyncProperty(value, async ({ value: thrown }) => {
          const { path, reply } = await throwThrough(thrown, { prefix: '/typed' });
          expectWellFormedProblem(reply, path, expectedFor(thrown));
          const problem = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
          const subCode = problem.subCode as string | undefined;
          const entry = defaultCatalog.entryFor(reply.status, subCode);
          expect(problem.type).toBe(`${TYPE_BASE_URI}#${codeAnchor(entry)}`);
          expect(problem.title).toBe(entry.title);
          // Only for the library's own errors: a foreign error's headers are echoed when HTTP can
          // carry them (an unreadable Retry-After aside), whatever the catalog documents for them.
          if (isOwnError(thrown) && defaultCatalog.has(reply.status)) {
            assertProblemMatchesCatalog(
              { status: reply.status, headers: reply.headers, body: problem },
              defaultCatalog,
              { typeBaseUri: TYPE_BASE_URI },
            );
          }
        }),
        { numRuns: RUNS.typed },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});

describe('errorHandler under arbitrary Accept fields', () => {
  it(
    'answers any value as problem+json or json, problem+json when the field names no JSON type',
    async () => {
      const value = fc.oneof(anyValue, libraryError);
      await fc.assert(
        fc.asyncProperty(value, acceptField, async ({ value: thrown }, accept) => {
          const { path, reply } = await throwThrough(thrown, { headers: { Accept: accept } });
          const type = reply.headers['content-type'];
          expect(['application/problem+json', 'application/json']).toContain(type);
          if (!/json/i.test(accept)) expect(type).toBe('application/problem+json');
          expectWellFormedProblem(reply, path, expectedFor(thrown), type);
        }),
        { numRuns: RUNS.accept },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});

describe('errorHandler after a handler began a response and failed', () => {
  it(
    'answers with one framing, the right reason phrase, nothing cacheable of the abandoned response, and logs the status sent',
    async () => {
      const value = fc.oneof(
        { weight: 2, arbitrary: apiErrorWithBadMembers },
        libraryError,
        anyValue,
        errorLike,
      );
      await fc.assert(
        fc.asyncProperty(value, abandoned, async ({ value: thrown }, begun) => {
          const id = String(nextId++);
          pending.set(id, { value: thrown, begun });
          const path = `/logged/abandon/${id}`;
          const before = logs.lines.length;
          const expected = expectedFor(thrown);
          const raw = await rawGet(port, path);
          await flushed();

          expect([
            ...problemFaults(replyOf(raw), path, expected),
            ...replacedFaults(raw, begun, expected),
          ]).toEqual([]);
          const problem = JSON.parse(raw.text) as Record<string, unknown>;
          const dropped = unwritableMembers(thrown);
          for (const name of dropped) expect(problem).not.toHaveProperty(name);
          expect(logs.lines.length).toBe(before + 1);
          const line = logs.lines[before] as Record<string, unknown>;
          expect([line.status, line.level]).toEqual([raw.status, raw.status >= 500 ? 50 : 40]);
          expect(line.droppedMembers).toEqual(dropped.length > 0 ? dropped : undefined);
        }),
        { numRuns: RUNS.abandoned },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});

describe('errorHandler on a response whose writeHead or end throws', () => {
  it(
    'reports each failure once, in one line at error and one process warning, and stays up',
    async () => {
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(anyValue, errorLike, hostile, libraryError),
            breakage,
            async ({ value: thrown }, breaks) => {
              const id = String(nextId++);
              pending.set(id, { value: thrown, breaks });
              const before = logs.lines.length;
              const warnings = warn.mock.calls.length;
              // The connection is closed, unless the response was whole before `end` threw.
              const raw = await rawGet(port, `/logged/unwritable/${id}`).catch(() => undefined);
              await flushed();

              expect(raw === undefined).toBe(breaks !== 'end after');
              expect(logs.lines.length).toBe(before + 1);
              const line = logs.lines[before] as Record<string, unknown>;
              expect(line).toMatchObject({
                level: 50,
                status: raw?.status ?? 500,
                code: 'INTERNAL_SERVER_ERROR',
                handlerFailure: expect.stringContaining('hook is broken'),
              });
              expect(warn.mock.calls.length).toBe(warnings + 1);
              expect(warn.mock.calls[warnings]![1]).toEqual({
                code: 'EXPRESS_API_ERRORS_HANDLER_FAILED',
              });
            },
          ),
          { numRuns: RUNS.unwritable },
        );
      } finally {
        warn.mockRestore();
      }
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});

describe('what Express does before errorHandler runs', () => {
  it.each([undefined, null, false, 0, -0, NaN, '', 0n])(
    'treats a falsy %p, thrown or passed to next(), as no error: notFound() answers 404',
    async (value) => {
      for (const route of ['/throw', '/next']) {
        const id = String(nextId++);
        pending.set(id, value);
        const reply = await request(`${route}/${id}`);
        expectWellFormedProblem(reply, `${route}/${id}`, expectedFor(value));
        expect(JSON.parse(reply.body.toString('utf8')).code).toBe('NOT_FOUND');
      }
    },
  );

  it("treats next('route') as a skip to the next route: notFound() answers 404", async () => {
    const reply = await request('/signal/route');
    expectWellFormedProblem(reply, '/signal/route', expectedFor(undefined));
  });

  it("treats next('router') as leaving the app: Express's own final handler answers 404", async () => {
    const reply = await request('/signal/router');
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
  });
});

// Bugs the properties found once, kept as regression tests.
describe('a `type` naming an Object.prototype member', () => {
  // body-parser types were once looked up in a plain object literal, so
  // "valueOf" found Object.prototype.valueOf: a 500, or "[object Undefined]".
  it.each([
    'valueOf',
    'toString',
    'constructor',
    'hasOwnProperty',
    '__proto__',
    'toLocaleString',
    'isPrototypeOf',
  ])('keeps the status and message of a 400 whose type is %p', async (type) => {
    const error = Object.assign(new Error('bad request'), { status: 400, expose: true, type });
    const { path, reply } = await throwThrough(error);
    expectWellFormedProblem(reply, path, {
      status: 400,
      detail: 'bad request',
      headers: new Map(),
    });
  });
});

describe("the handler's own headers beside case-variants in err.headers", () => {
  // The handler once added X-Request-Id and X-Status-Sub-Code to a copy of
  // err.headers by exact key, so another case of the name in err.headers won.
  it('sends the request id of the body in X-Request-Id', async () => {
    const error = createError(400, 'bad request', {
      headers: { 'X-Request-Id': 'a', 'x-request-id': 'b' },
    });
    const { path, reply } = await throwThrough(error);
    expectWellFormedProblem(reply, path, { status: 400, headers: new Map() });
  });

  it('sends the sub-code of the body in X-Status-Sub-Code', async () => {
    const error = new errorClasses[404]('no such user', {
      subCode: '404.1',
      headers: { 'X-Status-Sub-Code': 'a', 'x-status-sub-code': 'b' },
    });
    const { reply } = await throwThrough(error);
    const problem = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
    expect(problem.subCode).toBe('404.1');
    expect(reply.headers['x-status-sub-code']).toBe('404.1');
  });
});

describe('framing headers carried by a foreign error', () => {
  // A foreign error's valid-looking headers were once applied as they are:
  // - `Transfer-Encoding: chunked` beside Content-Length: the client rejects
  //   the response (HPE_INVALID_CONTENT_LENGTH);
  // - `Trailer` without chunked encoding: Node refuses to write, and the
  //   last resort failed the same way, so the socket was destroyed;
  // - `Content-Encoding: gzip`: a plain JSON body labelled gzip.
  it.each([
    ['Transfer-Encoding', 'chunked'],
    ['Trailer', 'Expires'],
    ['Content-Encoding', 'gzip'],
  ])('ignores %s: %s from err.headers', async (name, value) => {
    const error = Object.assign(new Error('bad request'), {
      status: 400,
      expose: true,
      headers: { [name]: value },
    });
    const { path, reply } = await throwThrough(error);
    expectWellFormedProblem(reply, path, { status: 400, headers: new Map() });
  });

  it('still answers after those failures', async () => {
    await expectServerAlive();
  });
});
