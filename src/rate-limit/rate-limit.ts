import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  ForbiddenError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../errors/error-classes.js';
import {
  appendListField,
  formatPolicyName,
  formatRateLimit,
  formatRateLimitPolicy,
  rateLimitValues,
  setXRateLimitHeaders,
  toRetrySeconds,
  xRateLimitHeaders,
} from '../headers/rate-limit.js';
import type {
  PolicyWindow,
  RateLimitDecision,
  RateLimitPolicy,
  RateLimitStore,
} from '../stores/store.js';
import type { RateLimitWindow } from '../stores/algorithms.js';
import { describeValue } from '../options/describe-value.js';
import { checkNotCalledAsMiddleware } from '../options/parse.js';
import { addressKey } from '../clients/client-key.js';
import { Deadlines } from '../stores/deadlines.js';
import { STORE_DOWN_RETRY_AFTER_SECONDS, StoreHealth } from '../stores/store-health.js';
import { DenyCache } from './deny-cache.js';
import {
  MAX_LIMIT,
  parseRateLimitOptions,
  windowName,
  type RateLimitConfiguration,
  type RateLimitOptions,
} from './options.js';
import { refusalError } from '../errors/refusal.js';
import {
  installRequestProperty,
  rateLimitInfo,
  setRateLimitInfo,
  type RateLimitInfo,
} from './rate-limit-info.js';
import { Warnings, type WarningCode } from './warnings.js';
import { rateLimitChannel, type RateLimitMessage } from '../observability/channels.js';
import { summarizeError } from '../logging/summarize-error.js';
import { isThenable } from '../util/is-thenable.js';

// Stores already serving a limiter, to warn when one is shared.
const storesInUse = new WeakSet<RateLimitStore>();
/** The key spaces of the stores given to limiters so far (see `RateLimitStore.keySpace`), and every policy each was given. */
const keySpacesInUse = new Map<string, Set<string>>();

/**
 * Whether another limiter already keeps its counts where `store` does under
 * another policy, or in the same store object. Under other windows or
 * another algorithm each would overwrite what the other wrote and neither
 * would limit; one store object takes one policy. Two RedisStores with one
 * key space and one policy share one budget, as the instances of an app do
 * on one Redis, and as an app built again in the process (a test's) does:
 * no warning. Then records it.
 */
function isStoreInUse(store: RateLimitStore, policy: RateLimitPolicy): boolean {
  const { keySpace } = store;
  const inUse = storesInUse.has(store);
  storesInUse.add(store);
  if (typeof keySpace !== 'string') return inUse;
  // What decides the stored state: a window's `name` only labels its headers.
  const signature = JSON.stringify({
    ...policy,
    windows: policy.windows.map(({ limit, windowMs }) => [limit, windowMs]),
  });
  let policies = keySpacesInUse.get(keySpace);
  if (policies === undefined) keySpacesInUse.set(keySpace, (policies = new Set()));
  // Every earlier policy, not the last one only: a limiter under the first still writes there.
  const other = policies.size > (policies.has(signature) ? 1 : 0);
  policies.add(signature);
  return inUse || other;
}

/** The middleware `rateLimit()` returns, with express-rate-limit's `resetKey` and `getKey`. */
export interface RateLimitMiddleware extends RequestHandler {
  /** Forgets everything about a client key: counts and block. */
  resetKey(key: string): Promise<void>;
  /**
   * What the limiter knows of a client key now, spending nothing; undefined
   * for an unknown key. With a `limit` function, pass the limit to read the key under.
   */
  getKey(key: string, limit?: number): Promise<RateLimitInfo | undefined>;
}

/**
 * Limits requests per client. Allowed responses carry `X-Rate-Limit-*`
 * (and, optionally, the IETF `RateLimit` fields); a refused request becomes
 * a `TooManyRequestsError` (429, `Retry-After`) for `errorHandler`, and a
 * blocked client a `ForbiddenError` with sub-code 403.30.
 */
export function rateLimit(options: RateLimitOptions, ...extra: never[]): RateLimitMiddleware {
  checkNotCalledAsMiddleware(
    'rateLimit()',
    [options, ...extra],
    'app.use(rateLimit({ limit: 100, windowMs: 60_000 }))',
  );
  const config = parseRateLimitOptions(options);
  const warnings = new Warnings(config.logger);
  if (createdInRequest()) warnings.warnOnce('RATE_LIMIT_CREATED_IN_HANDLER');
  if (isStoreInUse(config.store, config.policy)) warnings.warnOnce('RATE_LIMIT_STORE_SHARED');
  config.store.init(config.policy);
  const limiter = new Limiter(config, warnings);
  const middleware: RequestHandler = function rateLimitMiddleware(req, res, next) {
    limiter.handle(req, res, next);
  };
  return Object.assign(middleware, {
    resetKey: (key: string) => limiter.resetKey(key),
    getKey: (key: string, limit?: number) => limiter.getKey(key, limit),
  });
}

/** What a request is charged, under which key, and its limit when the limit comes per request. */
interface Charge {
  readonly key: string;
  readonly cost: number;
  readonly limit: number | undefined;
}

/** A request waiting for the store's decision. */
interface Waiting {
  readonly charge: Charge;
  readonly req: Request;
  readonly res: Response;
  readonly next: NextFunction;
}

/** The window a limit per request makes, and its IETF field values, built once per limit. */
interface LimitWindow {
  readonly window: PolicyWindow;
  readonly policyField: string;
  readonly quotedName: string;
}

/** Distinct limits per request kept with their windows; past this the cache starts again. */
const MAX_LIMIT_WINDOWS = 1000;

class Limiter {
  /** Set once the proxy set-up was judged, sound or not: the check stops costing anything. */
  private proxyChecked = false;
  /** The request prototype `requestPropertyName` was last made an accessor for (see installRequestProperty). */
  private preparedPrototype: unknown = undefined;
  /** So that a hung store cannot hang requests. */
  private readonly deadlines: Deadlines;
  /** With a `limit` function: the window of each limit seen (see `windowOf`). */
  private readonly limitWindows = new Map<number, LimitWindow>();
  /** The store's refusals this instance holds until they end; none for `MemoryStore`. */
  private readonly denyCache: DenyCache | undefined;
  /** The store's outages, told as they start, go on and end, and whether its Redis may evict keys. */
  private readonly storeHealth: StoreHealth<WarningCode>;

  constructor(
    private readonly config: RateLimitConfiguration,
    private readonly warnings: Warnings,
  ) {
    this.deadlines = new Deadlines(config.storeTimeoutMs);
    this.storeHealth = new StoreHealth(
      config.store,
      warnings,
      {
        storeName: 'rate-limit',
        unavailable: 'RATE_LIMIT_STORE_UNAVAILABLE',
        stillUnavailable: 'RATE_LIMIT_STORE_STILL_UNAVAILABLE',
        recovered: 'RATE_LIMIT_STORE_RECOVERED',
        eviction: 'RATE_LIMIT_STORE_EVICTION',
      },
      { failOpen: config.failOpen },
    );
    this.denyCache =
      config.denyCacheKeys === 0
        ? undefined
        : new DenyCache(config.denyCacheKeys, config.policy.block === undefined);
  }

  handle(req: Request, res: Response, next: NextFunction): void {
    let charge: Charge | undefined | PromiseLike<Charge | undefined>;
    try {
      charge = this.chargeOf(req);
    } catch (error) {
      return next(error);
    }
    if (charge === undefined) return next();
    if (!isThenable(charge)) return this.decide(charge, req, res, next);
    charge.then(
      (settled) => {
        // Outside Express's reach: a throw here would be an unhandled rejection.
        try {
          if (settled === undefined) next();
          else this.decide(settled, req, res, next);
        } catch (error) {
          next(error);
        }
      },
      (error: unknown) => next(error),
    );
  }

  /**
   * The key and cost of a request, or undefined when `skip` says so; a
   * promise when one of those functions answered with one. A function
   * that throws, rejects or answers with the wrong type fails the request.
   */
  private chargeOf(req: Request): Charge | undefined | PromiseLike<Charge | undefined> {
    const skipped = this.config.skip ? this.config.skip(req) : false;
    if (isThenable(skipped)) {
      return Promise.resolve(skipped).then((settled) =>
        checkSkip(settled) ? undefined : this.keyAndCost(req),
      );
    }
    return checkSkip(skipped) ? undefined : this.keyAndCost(req);
  }

  private keyAndCost(req: Request): Charge | PromiseLike<Charge> {
    const { config } = this;
    const key = config.key ? config.key(req) : this.defaultKey(req);
    const cost = config.cost ? config.cost(req) : 1;
    const limit = config.limitOf ? config.limitOf(req) : undefined;
    if (isThenable(key) || isThenable(cost) || isThenable(limit)) {
      return Promise.all([key, cost, limit]).then(([settledKey, settledCost, settledLimit]) => ({
        key: checkKey(settledKey),
        cost: checkCost(settledCost),
        limit: settledLimit === undefined ? undefined : checkLimit(settledLimit),
      }));
    }
    return {
      key: checkKey(key),
      cost: checkCost(cost),
      limit: limit === undefined ? undefined : checkLimit(limit),
    };
  }

  /** The window a request is decided in: its own limit's, or the policy's tightest. */
  private decide(charge: Charge, req: Request, res: Response, next: NextFunction): void {
    const { config } = this;
    const { key, cost, limit } = charge;
    const tightest = limit === undefined ? config.tightest : this.windowOf(limit).window;
    if (cost > tightest.limit) {
      if (rateLimitChannel.hasSubscribers) {
        publishDecision('never-allowed', charge, tightest, tightest.limit, false, req);
      }
      return next(refusalError(() => neverAllowed(cost, tightest), { key }));
    }
    const denied = this.denyCache?.refusalFor(key, cost, limit);
    if (denied !== undefined) return this.apply(denied, charge, req, res, next, false);
    let decision: RateLimitDecision | PromiseLike<RateLimitDecision>;
    let later: boolean;
    try {
      decision = config.store.consume(key, cost, limit);
      // Any thenable counts, not only native promises (stores may use another library). Told
      // inside the try: reading a promise-like answer's `then` may throw (a getter), and that
      // is the store's failure too.
      later = isThenable(decision);
    } catch (error) {
      return this.storeFailed(error, next);
    }
    if (later) {
      this.awaitDecision(decision as PromiseLike<RateLimitDecision>, { charge, req, res, next });
    } else {
      this.apply(decision as RateLimitDecision, charge, req, res, next, true);
    }
  }

  /**
   * Waits for the store's decision, at most `storeTimeoutMs`. The callbacks
   * reach the request only through `pending`, which lets go of it at the
   * deadline: a store that never answers must not keep every request it
   * timed out on (with its body) alive.
   */
  private awaitDecision(decision: PromiseLike<RateLimitDecision>, waiting: Waiting): void {
    const pending = this.deadlines.track(waiting, this.storeTimedOut);
    // Through a native promise (a store's own is passed as it is): a thenable's `then` may
    // throw, before or after it calls back, and that is the store's failure (or, after an
    // answer, nothing), never a throw into Express beside the answer.
    Promise.resolve(decision).then(
      (settled) => {
        const answered = pending.settle();
        if (answered === undefined) return;
        const { charge, req, res, next } = answered;
        // Outside Express's reach: a throw here would be an unhandled rejection.
        try {
          this.apply(settled, charge, req, res, next, true);
        } catch (error) {
          next(error);
        }
      },
      (error: unknown) => {
        const answered = pending.settle();
        if (answered !== undefined) this.storeFailed(error, answered.next);
      },
    );
  }

  private readonly storeTimedOut = ({ next }: Waiting): void =>
    this.storeFailed(
      new Error(`The store did not answer within ${this.config.storeTimeoutMs} ms`),
      next,
    );

  /**
   * The window of a limit that came with a request, and its field values,
   * made once per distinct limit: a limit function answers a few (one per
   * plan), and the cache starts again past `MAX_LIMIT_WINDOWS` if not.
   */
  private windowOf(limit: number): LimitWindow {
    let made = this.limitWindows.get(limit);
    if (made === undefined) {
      const { windowMs } = this.config.policy.windows[0]!;
      const window: PolicyWindow = Object.freeze({
        limit,
        windowMs,
        // The `name` option if given, else one that names the limit, e.g. 100-in-1min.
        name: windowName(this.config.namePrefix, limit, windowMs, 1),
      });
      made = {
        window,
        policyField: formatRateLimitPolicy([window]),
        quotedName: formatPolicyName(window.name),
      };
      if (this.limitWindows.size >= MAX_LIMIT_WINDOWS) this.limitWindows.clear();
      this.limitWindows.set(limit, made);
    }
    return made;
  }

  resetKey(key: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const normalized = this.normalized(key);
      this.denyCache?.forget(normalized);
      resolve(this.config.store.reset(normalized));
    });
  }

  async getKey(key: string, limit?: number): Promise<RateLimitInfo | undefined> {
    const { store, policy, limitOf } = this.config;
    if (typeof store.get !== 'function') {
      throw new TypeError('getKey() needs a store with a `get()` method; this store has none');
    }
    if (limitOf !== undefined && limit === undefined) {
      throw new TypeError(
        "getKey(key, limit): this limiter's `limit` is a function of the request, so say which limit to read the key under",
      );
    }
    const checkedLimit = limitOf === undefined ? undefined : checkLimit(limit);
    const normalized = this.normalized(key);
    const decision = await store.get(normalized, checkedLimit);
    if (decision === undefined) return undefined;
    if (!isDecision(decision, policy.windows.length)) {
      throw new TypeError(
        `The store answered get() with an invalid decision: ${describeValue(decision)}`,
      );
    }
    const window =
      checkedLimit === undefined
        ? policy.windows[decision.window]!
        : this.windowOf(checkedLimit).window;
    return rateLimitInfo(decision, window, normalized);
  }

  /** A key as the limiter would charge it: the default key groups IPv6 addresses by `ipv6Subnet`. */
  private normalized(key: string): string {
    checkKey(key);
    return this.config.key ? key : addressKey(key, this.config.ipv6Subnet);
  }

  private defaultKey(req: Request): string {
    const trustProxy: unknown = req.app.get('trust proxy');
    if (!this.proxyChecked) this.checkProxySetup(trustProxy, req);
    // With `trust proxy` off, Express's `req.ip` is the socket's address: read it
    // directly rather than through the getter, which parses X-Forwarded-For to drop it.
    const address = trustProxy ? req.ip : req.socket.remoteAddress;
    return addressKey(address ?? '', this.config.ipv6Subnet);
  }

  /** The default key trusts `req.ip`, so a proxy set-up that makes it wrong deserves a warning. */
  private checkProxySetup(trustProxy: unknown, req: Request): void {
    if (trustProxy === true) {
      this.warnings.warnOnce('RATE_LIMIT_TRUST_PROXY_TRUE');
      this.proxyChecked = true;
    } else if (trustProxy) {
      this.proxyChecked = true;
    } else if (req.headers['x-forwarded-for'] !== undefined) {
      this.warnings.warnOnce('RATE_LIMIT_FORWARDED_WITHOUT_TRUST_PROXY');
      this.proxyChecked = true;
    }
  }

  /** Answers a decision; `fromStore` when the store made it now, not the deny cache. */
  private apply(
    decision: RateLimitDecision,
    charge: Charge,
    req: Request,
    res: Response,
    next: NextFunction,
    fromStore: boolean,
  ): void {
    const { config } = this;
    const { key, limit } = charge;
    if (!isDecision(decision, config.policy.windows.length)) {
      this.storeFailed(
        new TypeError(`The store answered with an invalid decision: ${describeValue(decision)}`),
        next,
      );
      return;
    }
    if (fromStore) {
      this.storeHealth.answered();
      if (!decision.allowed) this.denyCache?.remember(key, charge.cost, limit, decision);
    }
    const perLimit = limit === undefined ? undefined : this.windowOf(limit);
    const window = perLimit?.window ?? config.policy.windows[decision.window]!;
    if (rateLimitChannel.hasSubscribers) {
      const outcome = decision.blockedMs > 0 ? 'blocked' : decision.allowed ? 'allowed' : 'refused';
      publishDecision(outcome, charge, window, decision.remaining, !fromStore, req);
    }
    const info = rateLimitInfo(decision, window, key);
    const appRequest: unknown = Object.getPrototypeOf(req);
    if (appRequest !== this.preparedPrototype) {
      installRequestProperty(req, config.requestPropertyName);
      this.preparedPrototype = appRequest;
    }
    setRateLimitInfo(req, config.requestPropertyName, info);
    const blocked = decision.blockedMs > 0;
    // A blocked client has no request left until the block ends, whatever its windows say.
    const values = blocked
      ? { limit: window.limit, remaining: 0, resetSeconds: toRetrySeconds(decision.blockedMs) }
      : rateLimitValues(decision, window);
    const { resetSeconds } = values;
    if (config.legacyHeaders) setXRateLimitHeaders(res, values);
    if (config.standardHeaders) {
      appendListField(res, 'RateLimit-Policy', perLimit?.policyField ?? config.policyField);
      appendListField(
        res,
        'RateLimit',
        formatRateLimit(
          perLimit?.quotedName ?? config.quotedNames[decision.window]!,
          values.remaining,
          resetSeconds,
        ),
      );
    }
    if (blocked) {
      // RFC 9110 §10.2.3: whole seconds; never 0 while the block lasts.
      next(
        refusalError(
          () =>
            new ForbiddenError('Too many refused requests: access is denied for a while.', {
              subCode: '403.30',
              retryAfter: resetSeconds,
              headers: config.legacyHeaders ? xRateLimitHeaders(values) : undefined,
            }),
          { key },
        ),
      );
      return;
    }
    if (!decision.allowed) {
      const detail = this.refusalDetail(req, info, window);
      next(
        refusalError(
          () =>
            new TooManyRequestsError(detail, {
              retryAfter: resetSeconds,
              headers: config.legacyHeaders ? xRateLimitHeaders(values) : undefined,
            }),
          { key },
        ),
      );
      return;
    }
    if (config.countOnly) this.refundUncounted(charge, decision.chargedAt, req, res);
    next();
  }

  private refusalDetail(req: Request, info: RateLimitInfo, window: RateLimitWindow): string {
    const { detail } = this.config;
    if (detail === undefined) return `Rate limit of ${describeWindow(window)} exceeded.`;
    if (typeof detail === 'string') return detail;
    const text = detail(req, info);
    if (typeof text !== 'string') {
      throw new TypeError(`rateLimit \`detail\` must return a string, got ${describeValue(text)}`);
    }
    return text;
  }

  /**
   * With `countOnly`, gives the cost back once the response shows it should
   * not have counted. Decided once the response is closed: one its handler
   * had ended (`res.end()`: its status is its answer, whether or not the
   * client read it all) is asked of `counts`, whose `false` alone gives the
   * cost back (a throw or an answer that is no boolean counts, and is told);
   * one the client cut off before counts, unless `cutOffCounts` is false.
   * The client may have left while the store decided: the response is then
   * closed already.
   */
  private refundUncounted(
    charge: Charge,
    chargedAt: number | undefined,
    req: Request,
    res: Response,
  ): void {
    const decide = () => this.countOrRefund(charge, chargedAt, req, res);
    if (res.closed) decide();
    else res.once('close', decide);
  }

  private countOrRefund(
    charge: Charge,
    chargedAt: number | undefined,
    req: Request,
    res: Response,
  ): void {
    const { counts, cutOffCounts } = this.config.countOnly!;
    // Cut off, its status is whatever the handler had set so far (200 by default): not an answer.
    if (!res.writableEnded) return this.refundUnless(cutOffCounts, charge, chargedAt);
    let answer: unknown;
    let later: boolean;
    try {
      answer = counts(req, res);
      // Inside the try: reading a promise-like answer's `then` may throw (a getter), which
      // here would throw out of the response's `close` listener and end the process.
      later = isThenable(answer);
    } catch (error) {
      return this.countOnlyFailed({ err: summarizeError(error, false) });
    }
    if (!later) return this.refundUnless(answer, charge, chargedAt);
    // Through a native promise: a thenable's `then` may throw or call back twice.
    Promise.resolve(answer).then(
      (settled) => this.refundUnless(settled, charge, chargedAt),
      (error: unknown) => this.countOnlyFailed({ err: summarizeError(error, false) }),
    );
  }

  private refundUnless(
    counts: unknown,
    { key, cost, limit }: Charge,
    chargedAt: number | undefined,
  ): void {
    if (counts === true) return;
    if (counts !== false) return this.countOnlyFailed({ answer: describeValue(counts) });
    try {
      const refunded = this.config.store.refund(key, cost, limit, chargedAt);
      if (isThenable(refunded)) refunded.then(undefined, () => undefined);
    } catch {
      // A failed refund leaves the request counted: the safe side.
    }
  }

  private countOnlyFailed(details: Record<string, unknown>): void {
    this.warnings.warnOnce('RATE_LIMIT_COUNT_ONLY_FAILED', details);
  }

  /** A store error is never a limit decision: let the request through (`failOpen`) or answer 503. */
  private storeFailed(error: unknown, next: NextFunction): void {
    this.storeHealth.failed(error);
    if (this.config.failOpen) {
      next();
      return;
    }
    next(
      new ServiceUnavailableError('Rate limiting is unavailable; try again shortly.', {
        retryAfter: STORE_DOWN_RETRY_AFTER_SECONDS,
        expose: true,
      }),
    );
  }
}

/** Tells the rate-limit channel's subscribers about a decision. */
function publishDecision(
  outcome: RateLimitMessage['outcome'],
  { key, cost }: Charge,
  window: PolicyWindow,
  remaining: number,
  fromDenyCache: boolean,
  req: Request,
): void {
  const message: RateLimitMessage = {
    outcome,
    key,
    cost,
    policy: window.name,
    limit: window.limit,
    windowMs: window.windowMs,
    remaining,
    fromDenyCache,
    req,
  };
  rateLimitChannel.publish(message);
}

function checkSkip(skipped: unknown): boolean {
  if (typeof skipped !== 'boolean') {
    throw new TypeError(`rateLimit \`skip\` must return a boolean, got ${describeValue(skipped)}`);
  }
  return skipped;
}

function checkKey(key: unknown): string {
  if (typeof key !== 'string') {
    throw new TypeError(`rateLimit \`key\` must return a string, got ${describeValue(key)}`);
  }
  return key;
}

/** A limit from the `limit` function: a whole number in the range a fixed limit has. */
function checkLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new TypeError(
      `rateLimit \`limit\` must return a whole number from 1 to 1,000,000,000, got ${describeValue(limit)}`,
    );
  }
  return limit;
}

/** Whole requests only: RateLimit's `r` and X-Rate-Limit-Remaining are integers. */
function checkCost(cost: unknown): number {
  if (typeof cost !== 'number' || !Number.isSafeInteger(cost) || cost < 0) {
    throw new TypeError(
      `rateLimit \`cost\` must return a whole number >= 0, got ${describeValue(cost)}`,
    );
  }
  return cost;
}

/** `15 requests per 1 s`: a window as a refusal's detail names it. */
function describeWindow({ limit, windowMs }: RateLimitWindow): string {
  return `${limit} requests per ${windowMs / 1000} s`;
}

/**
 * A request that costs more than a whole window's limit can never pass, so
 * it is not a 429 (a client would retry it after `Retry-After`, forever): it
 * is a 413 without `Retry-After`, whose absence says that waiting will not
 * help (RFC 9110 §15.5.14), and it reaches no store.
 */
function neverAllowed(cost: number, window: RateLimitWindow): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `This request costs ${cost}, more than the whole rate limit of ${describeWindow(window)}: it can never be allowed. Split it into smaller requests.`,
    { subCode: '413.1' },
  );
}

/** Whether a store's answer has the shape the limiter relies on; anything else is a store failure. */
function isDecision(value: unknown, windows: number): value is RateLimitDecision {
  if (typeof value !== 'object' || value === null) return false;
  const { allowed, window, remaining, resetMs, retryAfterMs, blockedMs } = value as Record<
    string,
    unknown
  >;
  return (
    typeof allowed === 'boolean' &&
    Number.isInteger(window) &&
    (window as number) >= 0 &&
    (window as number) < windows &&
    isDuration(remaining) &&
    isDuration(resetMs) &&
    isDuration(retryAfterMs) &&
    isDuration(blockedMs)
  );
}

function isDuration(value: unknown): boolean {
  return typeof value === 'number' && value >= 0 && value !== Infinity;
}

// Express 4's layer.js (under express, or an alias such as express4) or the router package's
// (Express 5) on the stack means we are inside a request.
const REQUEST_FRAME = /[\\/](?:express[^\\/]*[\\/]lib[\\/]router|router[\\/]lib)[\\/]layer\.js/;

function createdInRequest(): boolean {
  return REQUEST_FRAME.test(new Error().stack ?? '');
}
