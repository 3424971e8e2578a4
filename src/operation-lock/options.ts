import type { Request, Response } from 'express';
import { getDefaultLogger, type Logger } from '../logging/logger.js';
import { parseFieldName } from '../headers/field-name.js';
import { isToken } from '../headers/field-value.js';
import { formatLink } from '../headers/link.js';
import { formatRetryAfter } from '../headers/retry-after.js';
import { describeValue } from '../options/describe-value.js';
import { optionError, type OptionErrorCode } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import {
  checkOptionsObject,
  parseBoolean,
  parseDuration,
  parseFunction,
  parseLogger,
  parseWholeNumber,
  parseWith,
} from '../options/parse.js';
import { MAX_TIMER_MS } from '../time/timers.js';
import { LOCK_STORE_METHODS, type OperationLockStore } from './lock-store.js';
import { MemoryLockStore } from './memory-lock-store.js';
import { DEFAULT_REPLAY_HEADERS, NEVER_REPLAYED } from './recorded-response.js';

/** The options of `operationLock()`. All are optional. */
export interface OperationLockOptions {
  /** The request header that carries the key. Defaults to `Idempotency-Key`. */
  header?: string | undefined;
  /**
   * The operation's key, derived from anything (a user id and a body field,
   * a webhook's event id), or `undefined` for a request that has none.
   * Defaults to the `header`, parsed as an RFC 8941 string (a malformed one
   * is a 400.11). The lock key always adds `client` and the route to it.
   */
  key?: ((req: Request) => string | undefined) | undefined;
  /**
   * Who sends the request, so that the identical keys of two clients it tells apart never meet.
   * Defaults to the client key of `rateLimit()`: `req.ip` (the socket's
   * address when `trust proxy` is off), IPv6 grouped by /56, so that clients
   * behind one address (a NAT, a proxy) share their keys, and one's recorded
   * response may be replayed to another: with authenticated users, return
   * the user's id, as a string. Return `''` to share keys between clients.
   */
  client?: ((req: Request) => string) | undefined;
  /**
   * The payload fingerprint: a request that reuses a key with another
   * fingerprint gets 422.10. Defaults to a SHA-256 of the body with its
   * object keys sorted (mount a body parser before) and of the files multer
   * put in `req.file` or `req.files` (their field, name, type and size, and
   * the bytes of those in memory); the method and the route are part of
   * the lock key already.
   */
  fingerprint?: ((req: Request) => string) | undefined;
  /**
   * Whether a request without a key is refused (400.10). Defaults to
   * `false`: it runs unlocked. Requests with a safe method (GET, HEAD,
   * OPTIONS, QUERY…) are never refused, nor locked.
   */
  required?: boolean | undefined;
  /** Documentation of the key, sent as `Link: <…>; rel="describedby"` with a 400.10. Defaults to none. */
  docsUrl?: string | undefined;
  /**
   * Whether a completed request's response is recorded and sent again
   * (`Idempotent-Replayed: true`) to a retry with the same key. Defaults to
   * `false`: the lock only keeps duplicates from running at the same time.
   */
  replay?: boolean | undefined;
  /**
   * Which responses are recorded for replay: by default those below 500
   * but 408, 425, 429 and any 4xx with `Retry-After` (these are usually
   * transient, so their key is released and a retry runs again); `'all'`
   * records every response, as Stripe does; a function decides per response.
   */
  record?: 'all' | ((req: Request, res: Response) => boolean) | undefined;
  /**
   * The response headers a replay repeats (case-insensitive). Defaults to
   * `Content-Type`, `Content-Language`, `Content-Location`, `Location`,
   * `ETag`, `Last-Modified`, `Link`, `Retry-After`, `X-Status-Sub-Code` and
   * `X-Global-Identifier`. `Set-Cookie` and the hop-by-hop fields are refused.
   */
  replayHeaders?: readonly string[] | undefined;
  /** The largest body recorded for replay, in bytes; a larger one runs normally, unrecorded. Defaults to 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** The lease of a running request, renewed while it runs. Defaults to 30,000 ms. */
  lockTtlMs?: number | undefined;
  /** How long a completed request's record is kept for replay and fingerprint checks. Defaults to 24 hours. */
  replayTtlMs?: number | undefined;
  /** The `Retry-After` of a 409.1, in seconds. Defaults to 1. */
  retryAfter?: number | undefined;
  /**
   * How long a duplicate waits for the request in progress to finish, then
   * gets its replayed response (or runs, if the first released its key);
   * past it, 409.1. Defaults to 0: answer 409.1 at once.
   */
  waitMs?: number | undefined;
  /** Where locks and records live. Defaults to a new `MemoryLockStore`; use `RedisLockStore` for several instances. */
  store?: OperationLockStore | undefined;
  /**
   * When the store fails: `true` runs the request without the lock and warns
   * once per outage; `false` answers 503 with `Retry-After`. Defaults to
   * `false`: a lock that fails open can run a payment twice.
   */
  failOpen?: boolean | undefined;
  /** How long to wait for the store before treating it as failed. Defaults to 500 ms. */
  storeTimeoutMs?: number | undefined;
  /** Where warnings go. Defaults to a pino logger to stdout; `false` silences them. */
  logger?: Logger | false | undefined;
}

export interface OperationLockConfiguration {
  /** The header's name in lower case, as Node keys `req.headers`. */
  readonly header: string;
  /** The header's name as the option wrote it (`Idempotency-Key` by default), for messages. */
  readonly headerTitle: string;
  readonly key: ((req: Request) => string | undefined) | undefined;
  readonly client: ((req: Request) => string) | undefined;
  readonly fingerprint: ((req: Request) => string) | undefined;
  readonly required: boolean;
  /** The `Link` field of a 400.10, built once. */
  readonly docsLink: string | undefined;
  readonly replay: boolean;
  readonly record: (req: Request, res: Response) => boolean;
  /** Lower-case name → the name a replay writes (as given, e.g. `ETag`). */
  readonly replayHeaders: ReadonlyMap<string, string>;
  readonly maxBodyBytes: number;
  readonly lockTtlMs: number;
  readonly replayTtlMs: number;
  readonly retryAfter: number;
  readonly waitMs: number;
  readonly store: OperationLockStore;
  readonly failOpen: boolean;
  readonly storeTimeoutMs: number;
  readonly logger: () => Logger | false;
}

const FACTORY = 'operationLock()';
const fail = (code: OptionErrorCode, message: string) => optionError(FACTORY, code, message);

const OPTION_NAMES = optionNames<OperationLockOptions>()([
  'header',
  'key',
  'client',
  'fingerprint',
  'required',
  'docsUrl',
  'replay',
  'record',
  'replayHeaders',
  'maxBodyBytes',
  'lockTtlMs',
  'replayTtlMs',
  'retryAfter',
  'waitMs',
  'store',
  'failOpen',
  'storeTimeoutMs',
  'logger',
]);

/** What express-idempotency and @node-idempotency call options here. */
const MIGRATIONS: Readonly<Record<string, string>> = {
  // express-idempotency
  idempotencyKeyHeader: "use `header` (express-idempotency's `idempotencyKeyHeader`)",
  dataAdapter: 'use `store`: a `MemoryLockStore` or a `RedisLockStore`',
  responseValidator: 'use `record`, which decides which responses are recorded for replay',
  intentValidator:
    'use `fingerprint`: a request that reuses a key with another payload gets 422.10',
  // @node-idempotency
  idempotencyKey: "use `header` (@node-idempotency's `idempotencyKey`)",
  keyMaxLength:
    'keys are at most 255 characters (the draft Idempotency-Key header); derive shorter ones with `key`',
  cacheKeyPrefix: "use the store's `prefix`: `new RedisLockStore({ client, prefix })`",
  cacheTTLMS:
    'use `replayTtlMs` for how long a record is kept, and `lockTtlMs` for the lease of a running request',
  enforceIdempotency: 'use `required`',
  inProgressStrategy: 'use `waitMs` (0, the default, answers 409.1 at once)',
  skipRequest:
    'mount `operationLock()` only on the routes it protects, or return `undefined` from `key`',
};

export function parseOperationLockOptions(
  options: OperationLockOptions = {},
): OperationLockConfiguration {
  checkOptionsObject(FACTORY, options, '{ replay: true }');
  checkOptionNames(FACTORY, options, OPTION_NAMES, { migrations: MIGRATIONS });
  const store = options.store ?? new MemoryLockStore();
  for (const method of LOCK_STORE_METHODS) {
    if (typeof (store as unknown as Record<string, unknown> | null)?.[method] !== 'function') {
      throw fail(
        'ERR_EAE_OPTION_TYPE',
        `\`store\` must implement the OperationLockStore interface; it has no \`${method}()\``,
      );
    }
  }
  const header = parseFieldName(FACTORY, 'header', options.header, {
    fallback: 'Idempotency-Key',
  });
  // Its warnings call `warn()`, and `info()` when the store answers again.
  const logger = parseLogger(FACTORY, options.logger, ['warn', 'info']);
  const lockTtlMs = parseDuration(FACTORY, 'lockTtlMs', options.lockTtlMs ?? 30_000, MAX_TIMER_MS);
  return {
    header: header.toLowerCase(),
    headerTitle: header,
    key: parseFunction(FACTORY, 'key', options.key),
    client: parseFunction(FACTORY, 'client', options.client),
    fingerprint: parseFunction(FACTORY, 'fingerprint', options.fingerprint),
    required: parseBoolean(FACTORY, 'required', options.required, false),
    docsLink:
      options.docsUrl === undefined
        ? undefined
        : parseWith(FACTORY, () =>
            formatLink([{ href: options.docsUrl!, rel: 'describedby' }], '`docsUrl`'),
          ),
    replay: parseBoolean(FACTORY, 'replay', options.replay, false),
    record: parseRecord(options.record),
    replayHeaders: parseReplayHeaders(options.replayHeaders),
    maxBodyBytes: parseWholeNumber(FACTORY, 'maxBodyBytes', options.maxBodyBytes ?? 1024 * 1024, {
      min: 0,
      max: 512 * 1024 * 1024,
      unit: 'bytes',
    }),
    lockTtlMs,
    replayTtlMs: parseDuration(FACTORY, 'replayTtlMs', options.replayTtlMs ?? 86_400_000),
    retryAfter: parseRetryAfter(options.retryAfter),
    waitMs: parseWholeNumber(FACTORY, 'waitMs', options.waitMs ?? 0, {
      min: 0,
      max: MAX_TIMER_MS,
      unit: 'milliseconds',
    }),
    store,
    failOpen: parseBoolean(FACTORY, 'failOpen', options.failOpen, false),
    storeTimeoutMs: parseDuration(
      FACTORY,
      'storeTimeoutMs',
      options.storeTimeoutMs ?? 500,
      MAX_TIMER_MS,
    ),
    logger: () => (logger === undefined ? getDefaultLogger() : logger),
  };
}

/**
 * 4xx statuses that say "not now" rather than "not so": Request Timeout
 * (RFC 9110 §15.5.9), Too Early (RFC 8470 §5.2), Too Many Requests
 * (RFC 6585 §4). A retry may well succeed, so they are not the operation's
 * outcome to replay.
 */
const TRANSIENT_CLIENT_ERRORS: ReadonlySet<number> = new Set([408, 425, 429]);

/**
 * The default of `record`: a response that is the operation's outcome.
 * Not a 5xx (usually transient), nor a transient 4xx, nor a 4xx that says
 * when to try again (`Retry-After`: a rate limiter's 429, a 403.30 block, a
 * 409.1), which a replay would repeat long after that time.
 */
function isOutcome(_req: Request, res: Response): boolean {
  const status = res.statusCode;
  if (status < 400) return true;
  return status < 500 && !TRANSIENT_CLIENT_ERRORS.has(status) && !res.hasHeader('Retry-After');
}

function parseRecord(
  value: OperationLockOptions['record'],
): (req: Request, res: Response) => boolean {
  if (value === undefined) return isOutcome;
  if (value === 'all') return () => true;
  if (typeof value === 'function') return value;
  throw fail(
    'ERR_EAE_OPTION_TYPE',
    `\`record\` must be 'all' or a function of (req, res) returning a boolean, got ${describeValue(value)}`,
  );
}

function parseReplayHeaders(value: readonly string[] | undefined): ReadonlyMap<string, string> {
  const given = value ?? DEFAULT_REPLAY_HEADERS;
  if (!Array.isArray(given) || given.some((name) => typeof name !== 'string' || !isToken(name))) {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`replayHeaders\` must be an array of header names, got ${describeValue(value)}`,
    );
  }
  const names = new Map(given.map((name: string) => [name.toLowerCase(), name] as const));
  const refused = [...names.keys()].find((name) => NEVER_REPLAYED.includes(name));
  if (refused !== undefined) {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`replayHeaders\` must not list \`${refused}\`: a replay never repeats ${NEVER_REPLAYED.map((n) => `\`${n}\``).join(', ')}`,
    );
  }
  return names;
}

function parseRetryAfter(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number') {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`retryAfter\` must be a number of seconds, got ${describeValue(value)}`,
    );
  }
  parseWith(FACTORY, () => formatRetryAfter(value));
  return value;
}
