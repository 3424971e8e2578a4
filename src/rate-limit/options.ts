import type { Request, Response } from 'express';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { getDefaultLogger, type Logger } from '../logging/logger.js';
import { formatPolicyName, formatRateLimitPolicy, isPolicyName } from '../headers/rate-limit.js';
import { MemoryStore } from '../stores/memory-store.js';
import type {
  BlockPolicy,
  PolicyWindow,
  RateLimitPolicy,
  RateLimitStore,
} from '../stores/store.js';
import { ALGORITHMS, type Algorithm } from '../stores/algorithms.js';
import type { RateLimitInfo } from './rate-limit-info.js';
import { describeValue } from '../options/describe-value.js';
import { optionError, type OptionErrorCode } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import {
  checkNestedObject,
  checkOptionsObject,
  parseBoolean,
  parseDuration,
  parseFunction,
  parseLogger,
  parseWholeNumber,
} from '../options/parse.js';
import { MAX_TIMER_MS } from '../time/timers.js';

/** One window: `limit` requests per `windowMs`, optionally named for `RateLimit-Policy`. */
export interface WindowOptions {
  limit: number;
  windowMs: number;
  /** The policy name in the IETF fields. Defaults to e.g. `15-in-1s`. */
  name?: string | undefined;
}

/** One window (`limit` per `windowMs`) or several (`windows`): one of the two is required. */
export type RateLimitOptions = RateLimitSharedOptions &
  (
    | {
        /**
         * Requests allowed per `windowMs`: a one-window policy. Or a function
         * of the request that answers it (or a promise of it), for a limit per
         * plan: a whole number from 1 to 1,000,000,000; anything else fails the
         * request (500). Derive it from who the client is, not from what it sends.
         */
        limit: number | ((req: Request) => number | PromiseLike<number>);
        /** The window of `limit`, in milliseconds. */
        windowMs: number;
        windows?: undefined;
      }
    | {
        /** Several windows decided together, e.g. 15 per second and 1,000 per hour. */
        windows: readonly WindowOptions[];
        limit?: undefined;
        windowMs?: undefined;
      }
  );

/** The options of `rateLimit()` other than its windows. */
export interface RateLimitSharedOptions {
  /** Defaults to `gcra`: exact, no burst at window edges. */
  algorithm?: Algorithm | undefined;
  /** Prefix of the default window names in the IETF fields. */
  name?: string | undefined;
  /**
   * The client's key, or a promise of it. Defaults to its IP as Express
   * reports it (`req.ip`), IPv6 grouped by `ipv6Subnet`. A key that is not a
   * string, or a function that throws or rejects, fails the request (500).
   */
  key?: ((req: Request) => string | PromiseLike<string>) | undefined;
  /** The prefix length IPv6 addresses are grouped by in the default key. Defaults to 56; `false` keeps whole addresses. */
  ipv6Subnet?: number | false | undefined;
  /**
   * How much a request costs, or a promise of it: a whole number. Defaults
   * to 1. A request costing more than remains is refused and spends nothing;
   * one costing more than a whole limit gets 413.1.
   */
  cost?: ((req: Request) => number | PromiseLike<number>) | undefined;
  /** Requests that are not limited at all: `true` (or a promise of it) skips. Defaults to none. */
  skip?: ((req: Request) => boolean | PromiseLike<boolean>) | undefined;
  /**
   * The `detail` of a 429: a string, or a function of the request and its
   * `RateLimitInfo`. Defaults to e.g. `Rate limit of 15 requests per 1 s exceeded.`
   */
  detail?: string | ((req: Request, info: RateLimitInfo) => string) | undefined;
  /** Where the decision is put on the request. Defaults to `rateLimit` (`req.rateLimit`). */
  requestPropertyName?: string | undefined;
  /**
   * Count only some requests, decided by the response its handler ended:
   * `'failures'` (status 400 and above, for login brute-force protection),
   * `'successes'` (below 400), or a predicate, sync or async, whose `false`
   * gives the request back. A request the client cut off before its handler
   * ended the response counts, except under `'successes'`. Defaults to
   * counting every request.
   */
  countOnly?:
    | 'failures'
    | 'successes'
    | ((req: Request, res: Response) => boolean | PromiseLike<boolean>)
    | undefined;
  /** Deny a key for a while (403.30) once it was refused `after` times within `withinMs`. Defaults to never. */
  block?: BlockPolicy | undefined;
  /** Where counts live. Defaults to a new `MemoryStore`; use `RedisStore` for several instances. */
  store?: RateLimitStore | undefined;
  /** When the store fails: `true` lets the request through and warns; `false` answers 503. Defaults to `true`. */
  failOpen?: boolean | undefined;
  /** How long to wait for the store before treating it as failed. Defaults to 500 ms. */
  storeTimeoutMs?: number | undefined;
  /**
   * Refuse a client the store refused until its wait ends, here, without
   * asking the store again (see the README). `{ maxKeys }` bounds the
   * clients kept (10,000 by default). Defaults to on, and to off for a store
   * that says `inProcess` (as `MemoryStore` does), which has no round trip to save.
   */
  denyCache?: boolean | { maxKeys?: number | undefined } | undefined;
  /** Send `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (seconds). Defaults to `true`. */
  legacyHeaders?: boolean | undefined;
  /** Send the IETF `RateLimit` and `RateLimit-Policy` fields (`'draft-10'`). Defaults to `false`. */
  standardHeaders?: 'draft-10' | false | undefined;
  /** Where warnings go. Defaults to a pino logger to stdout; `false` silences them. */
  logger?: Logger | false | undefined;
}

/** Which requests count: asked of a finished response; a cut-off one counts unless `cutOffCounts` is false. */
export interface CountOnly {
  readonly counts: (req: Request, res: Response) => boolean | PromiseLike<boolean>;
  readonly cutOffCounts: boolean;
}

export interface RateLimitConfiguration {
  readonly policy: RateLimitPolicy;
  /** The `limit` function, when the limit comes per request; the policy's one window then has none of its own. */
  readonly limitOf: ((req: Request) => number | PromiseLike<number>) | undefined;
  /** The `name` option, for the names of windows whose limit comes per request. */
  readonly namePrefix: string | undefined;
  readonly store: RateLimitStore;
  readonly key: RateLimitOptions['key'];
  readonly ipv6Subnet: number | false;
  readonly cost: RateLimitOptions['cost'];
  readonly skip: RateLimitOptions['skip'];
  readonly detail: RateLimitOptions['detail'];
  readonly requestPropertyName: string;
  readonly countOnly: CountOnly | undefined;
  readonly failOpen: boolean;
  readonly storeTimeoutMs: number;
  /** The most clients the deny cache keeps; 0 when there is none. */
  readonly denyCacheKeys: number;
  readonly legacyHeaders: boolean;
  readonly standardHeaders: boolean;
  /** The window with the smallest limit: a request costing more can never pass. */
  readonly tightest: PolicyWindow;
  /** The `RateLimit-Policy` value, and each window's quoted name, built once. */
  readonly policyField: string;
  readonly quotedNames: readonly string[];
  readonly logger: () => Logger | false;
}

/**
 * The largest limit (and block `after`): counts are doubles, exact to the
 * stores' tolerance of a millionth of a request up to about a billion, and
 * well inside RFC 8941's 15-digit integers for `RateLimit-Policy`'s `q`.
 */
export const MAX_LIMIT = 1_000_000_000;
/** A Lua function may hold at most 200 locals; the Redis script keeps a few per window. */
export const MAX_WINDOWS = 10;

const FACTORY = 'rateLimit()';
const fail = (code: OptionErrorCode, message: string) => optionError(FACTORY, code, message);

/** Every option of `rateLimit()`. */
const RATE_LIMIT_OPTION_NAMES = optionNames<RateLimitOptions>()([
  'limit',
  'windowMs',
  'windows',
  'algorithm',
  'name',
  'key',
  'ipv6Subnet',
  'cost',
  'skip',
  'detail',
  'requestPropertyName',
  'countOnly',
  'block',
  'store',
  'failOpen',
  'storeTimeoutMs',
  'denyCache',
  'legacyHeaders',
  'standardHeaders',
  'logger',
]);

const BLOCK_OPTION_NAMES = optionNames<BlockPolicy>()(['after', 'withinMs', 'durationMs']);
const WINDOW_OPTION_NAMES = optionNames<WindowOptions>()(['limit', 'windowMs', 'name']);

/** What express-rate-limit's option names are here, for those who bring their options along. */
const FROM_EXPRESS_RATE_LIMIT: Readonly<Record<string, string>> = {
  max: "use `limit` (express-rate-limit's `max`)",
  keyGenerator: "use `key` (express-rate-limit's `keyGenerator`), which may also be async",
  message: 'use `detail`, the text of the 429 problem',
  handler: '`errorHandler()` answers the 429 like any error; `detail` sets its text',
  statusCode: 'a refusal is always 429 (403.30 when `block`ed), answered by `errorHandler()`',
  skipSuccessfulRequests: "use `countOnly: 'failures'`",
  skipFailedRequests: "use `countOnly: 'successes'`",
  requestWasSuccessful: 'use `countOnly: (req, res) => boolean` (true counts the request)',
  passOnStoreError: 'use `failOpen`',
  headers: 'use `legacyHeaders`',
  draft_polli_ratelimit_headers: "use `standardHeaders: 'draft-10'`",
  identifier: 'use `name`, the policy name in the IETF fields',
  validate: 'options are always checked, and there is nothing to turn off',
  onLimitReached: 'handle the 429 in an error middleware mounted before `errorHandler()`',
};

export function parseRateLimitOptions(options: RateLimitOptions): RateLimitConfiguration {
  checkOptionsObject(FACTORY, options, '{ limit: 15, windowMs: 1000 }');
  checkOptionNames(FACTORY, options, RATE_LIMIT_OPTION_NAMES, {
    migrations: FROM_EXPRESS_RATE_LIMIT,
  });
  if (typeof options.block === 'object' && options.block !== null) {
    checkOptionNames(FACTORY, options.block, BLOCK_OPTION_NAMES, { path: 'block.' });
  }
  const algorithm = options.algorithm ?? 'gcra';
  if (!ALGORITHMS.includes(algorithm)) {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`algorithm\` must be one of ${ALGORITHMS.join(', ')}, got ${describeValue(algorithm)}`,
    );
  }
  const limitOf = typeof options.limit === 'function' ? options.limit : undefined;
  const windows = parseWindows(options, limitOf !== undefined);
  const block = parseBlock(options.block);
  const store = options.store ?? new MemoryStore();
  for (const method of ['init', 'consume', 'refund', 'reset'] as const) {
    if (typeof store?.[method] !== 'function') {
      throw fail(
        'ERR_EAE_OPTION_TYPE',
        `\`store\` must implement the RateLimitStore interface; it has no \`${method}()\``,
      );
    }
  }
  if (limitOf !== undefined && store.perRequestLimits !== true) {
    throw fail(
      'ERR_EAE_OPTION_CONFLICT',
      '`limit` as a function needs a store that takes a limit with each call (`perRequestLimits`), as MemoryStore and RedisStore do; this `store` does not',
    );
  }
  // Its warnings call `warn()`, and `info()` when the store answers again.
  const logger = parseLogger(FACTORY, options.logger, ['warn', 'info']);
  return {
    policy: Object.freeze({
      algorithm,
      windows,
      block,
      limits: limitOf === undefined ? ('fixed' as const) : ('per-request' as const),
    }),
    limitOf,
    namePrefix: options.name,
    store,
    key: parseFunction(FACTORY, 'key', options.key),
    ipv6Subnet: parseSubnet(options.ipv6Subnet),
    cost: parseFunction(FACTORY, 'cost', options.cost),
    skip: parseFunction(FACTORY, 'skip', options.skip),
    detail: parseDetail(options.detail),
    requestPropertyName: parsePropertyName(options.requestPropertyName),
    countOnly: parseCountOnly(options.countOnly),
    failOpen: parseBoolean(FACTORY, 'failOpen', options.failOpen, true),
    storeTimeoutMs: parseDuration(
      FACTORY,
      'storeTimeoutMs',
      options.storeTimeoutMs ?? 500,
      MAX_TIMER_MS,
    ),
    denyCacheKeys: parseDenyCache(options.denyCache, store),
    legacyHeaders: parseBoolean(FACTORY, 'legacyHeaders', options.legacyHeaders, true),
    standardHeaders: parseStandardHeaders(options.standardHeaders),
    tightest: windows.reduce((tightest, window) =>
      window.limit < tightest.limit ? window : tightest,
    ),
    policyField: formatRateLimitPolicy(windows),
    quotedNames: windows.map((window) => formatPolicyName(window.name)),
    logger: () => (logger === undefined ? getDefaultLogger() : logger),
  };
}

/**
 * The windows of the policy. With a `limit` function, the one window gets
 * `MAX_LIMIT` as its limit: only its duration and name are read, the limit
 * comes per request.
 */
function parseWindows(options: RateLimitOptions, perRequest: boolean): readonly PolicyWindow[] {
  const hasShorthand = options.limit !== undefined || options.windowMs !== undefined;
  if (hasShorthand && options.windows !== undefined) {
    throw fail(
      'ERR_EAE_OPTION_CONFLICT',
      'give either `limit` and `windowMs`, or `windows`, not both',
    );
  }
  const given: readonly WindowOptions[] = options.windows ?? [
    {
      limit: perRequest ? MAX_LIMIT : (options.limit as number),
      windowMs: options.windowMs as number,
    },
  ];
  if (!Array.isArray(given) || given.length === 0) {
    throw fail('ERR_EAE_OPTION_TYPE', '`windows` must be a non-empty array of { limit, windowMs }');
  }
  if (given.length > MAX_WINDOWS) {
    throw fail(
      'ERR_EAE_OPTION_RANGE',
      `\`windows\` may hold at most ${MAX_WINDOWS} windows, got ${given.length}`,
    );
  }
  parsePolicyName(options.name, 'name');
  // Array.from visits holes, which map() would skip and leave in the policy.
  const named = Array.from(given, (window, index) => {
    const where = options.windows ? `windows[${index}].` : '';
    checkNestedObject(
      FACTORY,
      `windows[${index}]`,
      window,
      'an object such as { limit: 100, windowMs: 60_000 }',
    );
    if (options.windows) checkOptionNames(FACTORY, window, WINDOW_OPTION_NAMES, { path: where });
    const limit = parseCount(window.limit, `${where}limit`);
    const windowMs = parseDuration(FACTORY, `${where}windowMs`, window.windowMs);
    parsePolicyName(window.name, `${where}name`);
    const name = window.name ?? windowName(options.name, limit, windowMs, given.length);
    return Object.freeze({ limit, windowMs, name });
  });
  const names = new Set(named.map((window) => window.name));
  if (names.size !== named.length) {
    throw fail('ERR_EAE_OPTION_CONFLICT', 'each window needs its own `name`');
  }
  return Object.freeze(named);
}

/** A policy `name` goes into the IETF fields as an RFC 8941 String: printable ASCII. */
function parsePolicyName(value: unknown, path: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !isPolicyName(value)) {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`${path}\` must be a string of printable ASCII (it is sent in the RateLimit fields), got ${describeValue(value)}`,
    );
  }
}

/** The name of a window in the IETF fields, e.g. `15-in-1s`, or `api-15-in-1s` with the `name` prefix. */
export function windowName(
  prefix: string | undefined,
  limit: number,
  windowMs: number,
  count: number,
): string {
  const base = `${limit}-in-${formatDuration(windowMs)}`;
  if (prefix === undefined) return base;
  return count === 1 ? prefix : `${prefix}-${base}`;
}

/** `1000` → `1s`, `3600000` → `1h`; other values in the largest exact unit. */
function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const DENY_CACHE_KEYS = 10_000;
const DENY_CACHE_OPTION_NAMES = optionNames<{ maxKeys?: number }>()(['maxKeys']);

/** How many clients the deny cache keeps: 0 for none. */
function parseDenyCache(value: RateLimitOptions['denyCache'], store: RateLimitStore): number {
  // A property, not `instanceof MemoryStore`: an app that loads both builds (ESM and
  // CommonJS) has two MemoryStore classes, and a store of one is no instance of the other.
  if (value === undefined) return store.inProcess === true ? 0 : DENY_CACHE_KEYS;
  if (typeof value === 'boolean') return value ? DENY_CACHE_KEYS : 0;
  checkNestedObject(FACTORY, 'denyCache', value, 'a boolean or { maxKeys }');
  checkOptionNames(FACTORY, value, DENY_CACHE_OPTION_NAMES, { path: 'denyCache.' });
  return parseWholeNumber(FACTORY, 'denyCache.maxKeys', value.maxKeys ?? DENY_CACHE_KEYS, {
    min: 1,
    max: 10_000_000,
  });
}

function parseBlock(block: BlockPolicy | undefined): BlockPolicy | undefined {
  if (block === undefined) return undefined;
  checkNestedObject(FACTORY, 'block', block, 'an object { after, withinMs, durationMs }');
  return Object.freeze({
    after: parseCount(block.after, 'block.after'),
    withinMs: parseDuration(FACTORY, 'block.withinMs', block.withinMs),
    durationMs: parseDuration(FACTORY, 'block.durationMs', block.durationMs),
  });
}

function parseCount(value: unknown, option: string): number {
  return parseWholeNumber(FACTORY, option, value, { min: 1, max: MAX_LIMIT });
}

function parseDetail(value: RateLimitOptions['detail']): RateLimitOptions['detail'] {
  if (value === undefined || typeof value === 'function') return value;
  if (typeof value !== 'string' || value === '') {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`detail\` must be a non-empty string or a function returning one, got ${describeValue(value)}`,
    );
  }
  return value;
}

const PROPERTY_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * What a request already has, or gets from Express or a well-known
 * middleware: writing the decision there would break the request (`ip`,
 * `url`) or hide what another middleware put (`body`, `user`).
 */
const EXPRESS_REQUEST_PROPERTIES = [
  // Express's request (4 and 5): methods and getters, and what its router assigns.
  ...['header', 'get', 'accepts', 'acceptsEncodings', 'acceptsCharsets', 'acceptsLanguages'],
  ...['range', 'param', 'is', 'protocol', 'secure', 'ip', 'ips', 'subdomains', 'path', 'host'],
  ...['hostname', 'fresh', 'stale', 'xhr', 'query', 'app', 'res', 'next', 'params', 'body'],
  ...['route', 'baseUrl', 'originalUrl', '_parsedUrl', '_parsedOriginalUrl'],
  // cookie-parser, express-session, passport, pino-http.
  ...['cookies', 'signedCookies', 'secret', 'session', 'sessionID', 'user', 'log', 'id'],
];

/** Whether a request already has `name`: Node's own, as a request made now shows, or Express's. */
function isRequestProperty(name: string): boolean {
  return name in new IncomingMessage(new Socket()) || EXPRESS_REQUEST_PROPERTIES.includes(name);
}

function parsePropertyName(value: string | undefined): string {
  if (value === undefined) return 'rateLimit';
  if (typeof value !== 'string' || !PROPERTY_NAME.test(value) || value in Object.prototype) {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`requestPropertyName\` must be an identifier such as 'rateLimit', got ${describeValue(value)}`,
    );
  }
  if (isRequestProperty(value)) {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`requestPropertyName\` ${describeValue(value)} is a property the request already has: choose another name, such as 'rateLimit'`,
    );
  }
  return value;
}

function parseSubnet(value: number | false | undefined): number | false {
  if (value === undefined) return 56;
  if (value === false) return false;
  if (!Number.isInteger(value) || value < 1 || value > 128) {
    throw fail(
      typeof value === 'number' ? 'ERR_EAE_OPTION_RANGE' : 'ERR_EAE_OPTION_TYPE',
      `\`ipv6Subnet\` must be a prefix length from 1 to 128, or false, got ${describeValue(value)}`,
    );
  }
  return value;
}

function parseCountOnly(value: RateLimitOptions['countOnly']): CountOnly | undefined {
  if (value === undefined) return undefined;
  if (value === 'failures')
    return { counts: (_req, res) => res.statusCode >= 400, cutOffCounts: true };
  // express-rate-limit's skipFailedRequests: a request cut off is no success, and is given back.
  if (value === 'successes')
    return { counts: (_req, res) => res.statusCode < 400, cutOffCounts: false };
  if (typeof value === 'function') return { counts: value, cutOffCounts: true };
  throw fail(
    'ERR_EAE_OPTION_TYPE',
    `\`countOnly\` must be 'failures', 'successes' or a function, got ${describeValue(value)}`,
  );
}

function parseStandardHeaders(value: RateLimitOptions['standardHeaders']): boolean {
  if (value === undefined || value === false) return false;
  if (value === 'draft-10') return true;
  throw fail(
    'ERR_EAE_OPTION_TYPE',
    `\`standardHeaders\` must be 'draft-10' or false, got ${describeValue(value)}${
      (value as unknown) === true || String(value).startsWith('draft-')
        ? " (express-rate-limit's drafts 6 to 8 are superseded by draft 10: use 'draft-10')"
        : ''
    }`,
  );
}
