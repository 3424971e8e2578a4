import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkNotCalledAsMiddleware } from '../options/parse.js';
import { wasCutShort } from '../responses/cut-short.js';
import { Deadlines } from '../stores/deadlines.js';
import { StoreHealth } from '../stores/store-health.js';
import { currentClock } from '../time/clock.js';
import type { Attempt } from './attempt.js';
import { InFlight } from './in-flight.js';
import type { LockContext } from './lock-context.js';
import { inProgress, keyReused, storeTimeout, storeUnavailable } from './lock-errors.js';
import { isThenable } from '../util/is-thenable.js';
import { checkAcquisition, type LockAcquisition } from './lock-store.js';
import {
  parseOperationLockOptions,
  type OperationLockConfiguration,
  type OperationLockOptions,
} from './options.js';
import { publishOutcome } from './outcomes.js';
import { replay, ResponseRecorder } from './recorded-response.js';
import { Releases } from './releases.js';
import { requestOperation, type Operation } from './request-operation.js';
import { Recording } from './recording.js';
import { Renewals } from './renewals.js';
import { abortOnClose, waitForChange } from './wait-for-change.js';
import { LockWarnings, type LockWarningCode } from './warnings.js';

/**
 * The methods defined as safe: GET, HEAD, OPTIONS and TRACE (RFC 9110
 * §9.2.1), PROPFIND (RFC 4918 §9.1), REPORT (RFC 3253 §3.6), SEARCH
 * (RFC 5323 §2) and QUERY (draft-ietf-httpbis-safe-method-w-body). A
 * request with one changes nothing, so there is no operation to run twice,
 * and replaying its response would serve data as it was. The lock passes
 * them by, key or not: the draft's key is for non-idempotent methods such as
 * POST and PATCH.
 */
const SAFE_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'REPORT',
  'SEARCH',
  'QUERY',
]);

/**
 * Keeps duplicate requests from running at the same time, and with `replay`
 * answers a retry with the response its first attempt got
 * (draft-ietf-httpapi-idempotency-key-header). A request carries its key in
 * `Idempotency-Key`; while one with the same key (from the same client, on
 * the same route) runs, another gets 409.1 with `Retry-After`; a key reused
 * with another payload gets 422.10; a malformed key 400.11, and a missing
 * one 400.10 when `required`. Requests with a safe method (GET, HEAD,
 * QUERY…) pass unlocked. Every refusal is an error for `errorHandler`.
 */
export function operationLock(
  options: OperationLockOptions = {},
  ...extra: never[]
): OperationLockMiddleware {
  checkNotCalledAsMiddleware('operationLock()', [options, ...extra], 'app.use(operationLock())');
  const lock = new OperationLock(parseOperationLockOptions(options));
  const middleware: RequestHandler = function operationLockMiddleware(req, res, next) {
    lock.handle(req, res, next);
  };
  return Object.assign(middleware, { onIdle: () => lock.onIdle() });
}

/** The middleware `operationLock()` returns, and the promise a shutdown awaits before closing its store. */
export type OperationLockMiddleware = RequestHandler & {
  /**
   * Resolves once no request this middleware took a key for is in flight:
   * each has been answered without the lock (409.1, 422.10, a replay, a
   * 503), or ran and had its response recorded or its lock released, or
   * was given up by the middleware's own rules (a lease found lost, a
   * record given up on, a store call past `storeTimeoutMs`, a handler still
   * running `LEASES_AFTER_CLOSE` leases after its client left). Record
   * retries and the release of a lock granted after its request gave up
   * are waited for too. At once when nothing is in flight. Like p-queue's
   * `onIdle()`, it counts requests that arrive after the call as well, and
   * resolves the first time none is left: a server closed first (as
   * `server.close()` does) lets no more in. It never rejects; a handler that
   * never ends, or a store that never answers, keeps it pending, so a
   * shutdown bounds the wait by its own timeout, then closes the store's
   * client: a lock taken then is left to its lease.
   */
  onIdle(): Promise<void>;
};

class OperationLock {
  readonly #config: OperationLockConfiguration;
  /** The clock of the requests' times, and of its timers (see `currentClock`). */
  readonly #clock = currentClock();
  readonly #warnings: LockWarnings;
  readonly #deadlines: Deadlines;
  readonly #renewals: Renewals;
  readonly #releases: Releases;
  readonly #recording: Recording;
  /** The store's outages, told as they start, go on and end, and whether its Redis may evict keys. */
  readonly #storeHealth: StoreHealth<LockWarningCode>;
  /** Tokens are this middleware's random id and a counter: unique, and cheaper than a UUID each. */
  readonly #tokenPrefix = randomUUID();
  #tokens = 0;
  /** The requests and store calls `onIdle()` waits for. */
  readonly #inFlight = new InFlight();

  constructor(config: OperationLockConfiguration) {
    this.#config = config;
    this.#warnings = new LockWarnings(config.logger);
    // No `failOpen` given, so nothing is published: the store channel tells `rateLimit()`'s
    // outages only (README, Observability); the lock's are logged.
    this.#storeHealth = new StoreHealth(config.store, this.#warnings, {
      storeName: 'operation-lock',
      unavailable: 'OPERATION_LOCK_STORE_UNAVAILABLE',
      stillUnavailable: 'OPERATION_LOCK_STORE_STILL_UNAVAILABLE',
      recovered: 'OPERATION_LOCK_STORE_RECOVERED',
      eviction: 'OPERATION_LOCK_STORE_EVICTION',
    });
    this.#deadlines = new Deadlines(config.storeTimeoutMs);
    const context: LockContext = {
      config,
      clock: this.#clock,
      deadlines: this.#deadlines,
      storeHealth: this.#storeHealth,
      warnings: this.#warnings,
      inFlight: this.#inFlight,
    };
    this.#releases = new Releases(context);
    this.#recording = new Recording(context);
    this.#renewals = new Renewals(context, (hold, recorder) => this.#endCutShort(hold, recorder));
  }

  handle(req: Request, res: Response, next: NextFunction): void {
    if (SAFE_METHODS.has(req.method)) return next();
    let operation: Operation | undefined;
    try {
      operation = requestOperation(req, this.#config);
    } catch (error) {
      return next(error);
    }
    if (operation === undefined) return next();
    const attempt: Attempt = {
      operation,
      token: this.#token(),
      waitUntil: this.#config.waitMs === 0 ? 0 : this.#clock.now() + this.#config.waitMs,
      round: 0,
      abandoned: undefined,
      since: 0,
      askedAt: 0,
      leaseUntil: 0,
      recordFailures: 0,
      recordBytes: undefined,
      closedAt: 0,
      recorder: undefined,
      settled: false,
      lost: false,
      renewing: false,
      req,
      res,
      next,
    };
    this.#inFlight.enter();
    this.#acquire(attempt);
  }

  onIdle(): Promise<void> {
    return this.#inFlight.onIdle();
  }

  #token(): string {
    this.#tokens = (this.#tokens + 1) % Number.MAX_SAFE_INTEGER;
    return `${this.#tokenPrefix}.${this.#tokens.toString(36)}`;
  }

  /**
   * Asks the store for the lock. A store that answers synchronously (the
   * memory store) is answered in the same tick, without a promise; a
   * promise is bounded by `storeTimeoutMs`.
   */
  #acquire(attempt: Attempt): void {
    const { store, lockTtlMs } = this.#config;
    const { operation } = attempt;
    let answer: LockAcquisition | PromiseLike<LockAcquisition>;
    let later: boolean;
    attempt.askedAt = this.#clock.now();
    try {
      answer = store.acquire(operation.key, attempt.token, operation.fingerprint, lockTtlMs);
      // Inside the try: reading a promise-like answer's `then` may throw (a getter), and that
      // is the store's failure too.
      later = isThenable(answer);
    } catch (error) {
      return this.#acquireFailed(error, attempt);
    }
    if (!later) return this.#decide(answer as LockAcquisition, attempt);
    this.#awaitAcquisition(answer as PromiseLike<LockAcquisition>, attempt);
  }

  /**
   * Waits for the store's answer, at most `storeTimeoutMs`. The callbacks
   * reach the request only through `pending`, which lets go of it at the
   * deadline (a store that never answers must not keep every request it
   * timed out on alive); a late lock is let go by its key and token alone.
   */
  #awaitAcquisition(answer: PromiseLike<LockAcquisition>, attempt: Attempt): void {
    const pending = this.#deadlines.track(attempt, this.#acquisitionTimedOut);
    const { key } = attempt.operation;
    const { token } = attempt;
    // Counted until it answers, past its deadline too: a lock it grants late is released then.
    this.#inFlight.enter();
    // Through a native promise (a store's own is passed as it is): a thenable's `then` may
    // throw, and that is the store's failure, not a throw out of this call.
    Promise.resolve(answer).then(
      (found) => {
        const waiting = pending.settle();
        if (waiting === undefined) {
          this.#releases.releaseLate(found, key, token);
          return this.#inFlight.leave();
        }
        // The acquisition stops counting first: the request counts on until it settles, and a
        // throw below (from `next`) cannot leave the count held.
        this.#inFlight.leave();
        try {
          this.#decide(found, waiting);
        } catch (error) {
          this.#thrownOutsideExpress(error, waiting);
        }
      },
      (error: unknown) => {
        const waiting = pending.settle();
        if (waiting !== undefined) this.#acquireFailed(error, waiting);
        this.#inFlight.leave();
      },
    );
  }

  readonly #acquisitionTimedOut = (attempt: Attempt): void =>
    this.#acquireFailed(storeTimeout(this.#config.storeTimeoutMs), attempt);

  /**
   * Runs under the lock, or answers from what holds it: 422.10 for another
   * payload (before anything else, as the draft orders it), the replay of a
   * completed request, or 409.1 for one in progress, after waiting up to
   * `waitMs` for it to end.
   */
  #decide(answer: LockAcquisition, attempt: Attempt): void {
    let found: LockAcquisition;
    try {
      found = checkAcquisition(answer);
    } catch (error) {
      return this.#acquireFailed(error, attempt);
    }
    // The first answer of all is an acquire's: the store is asked about eviction here.
    this.#storeHealth.answered();
    const { operation, next } = attempt;
    if (found.state !== 'running' || found.fingerprint !== operation.fingerprint) {
      attempt.abandoned?.abort();
    }
    if (found.state === 'acquired') {
      publishOutcome('acquired', attempt);
      return this.#run(attempt);
    }
    if (found.fingerprint !== operation.fingerprint) {
      this.#inFlight.settled(attempt);
      publishOutcome('mismatch', attempt);
      return next(keyReused(this.#config.headerTitle));
    }
    if (found.state === 'done') {
      this.#inFlight.settled(attempt);
      publishOutcome('replayed', attempt);
      return this.#replay(found.response, attempt);
    }
    const left = attempt.waitUntil - this.#clock.now();
    if (left <= 0) {
      this.#inFlight.settled(attempt);
      attempt.abandoned?.abort();
      publishOutcome('conflict', attempt);
      return next(inProgress(this.#config, operation.client));
    }
    // Waking at the end of the lease too: a crashed owner's lock is then free.
    this.#waitThenAcquire(attempt, Math.min(left, found.leaseMs));
  }

  /** Waits up to `ms` for the request this one duplicates to end, then asks for the lock again. */
  #waitThenAcquire(attempt: Attempt, ms: number): void {
    attempt.abandoned ??= abortOnClose(attempt.res);
    waitForChange(attempt, ms, this.#config, this.#clock).then(() => {
      // The client went away while waiting: nobody is left to answer.
      if (attempt.abandoned!.signal.aborted) return this.#inFlight.settled(attempt);
      // A synchronous store is answered here, so `next` runs the handler in this callback.
      try {
        this.#acquire(attempt);
      } catch (error) {
        this.#thrownOutsideExpress(error, attempt);
      }
    });
  }

  /**
   * A throw in a promise callback, out of Express's reach: from `next`, or
   * from what `next` ran when Express does not catch it (middleware that
   * calls the lock itself). Passed on as Express passes a handler's throw,
   * where it would be an unhandled rejection and the request would hang; a
   * request that took the lock settles when its response ends.
   */
  #thrownOutsideExpress(error: unknown, attempt: Attempt): void {
    if (attempt.recorder === undefined) this.#inFlight.settled(attempt);
    attempt.next(error);
  }

  #acquireFailed(error: unknown, attempt: Attempt): void {
    this.#inFlight.settled(attempt);
    attempt.abandoned?.abort();
    this.#storeFailed(error, attempt.next);
  }

  /**
   * Runs the handler under the lock and renews its lease while it runs.
   * When the handler ends the response, records it or releases the key, in
   * that tick. A client that goes away first does not stop the handler, so
   * its lock is kept: a retry gets 409.1 while the handler runs, then the
   * response the handler sends, recorded as usual. The lease is renewed for
   * `LEASES_AFTER_CLOSE` more leases at most, so that a handler that never
   * ends its response (it gave up on the client) frees the key in the end.
   */
  #run(attempt: Attempt): void {
    const { res } = attempt;
    const { replay, maxBodyBytes } = this.#config;
    const recorder = new ResponseRecorder(res, maxBodyBytes, replay, () =>
      this.#end(attempt, recorder),
    );
    attempt.recorder = recorder;
    attempt.since = this.#clock.now();
    attempt.leaseUntil = attempt.askedAt + this.#config.lockTtlMs;
    // A client that left while the lock was being taken closed the response already.
    if (res.destroyed) attempt.closedAt = attempt.since;
    this.#renewals.add(attempt);
    // `on`, not `once`: `close` comes once, and `once` would wrap the listener.
    res.on('close', () => {
      if (recorder.ended || attempt.closedAt !== 0) return;
      if (wasCutShort(res)) return this.#endCutShort(attempt, recorder);
      attempt.closedAt = this.#clock.now();
      recorder.clientLeft(res);
    });
    attempt.next();
  }

  /**
   * The handler failed after sending its headers (see `cutShort`): it is
   * done, so the key is let go now, unrecorded, as for any error it passes
   * on; a later `end` changes nothing. Found at the close, or, when the
   * client had left before, at the next renewal.
   */
  #endCutShort(attempt: Attempt, recorder: ResponseRecorder): void {
    recorder.ended = true;
    this.#renewals.delete(attempt);
    this.#releases.release(attempt);
  }

  /**
   * The handler ended its response: it needs no more renewals, and its
   * response is recorded for replay, when `replay` is on, `record` wants it
   * and it was sent whole; else its key is released.
   */
  #end(attempt: Attempt, recorder: ResponseRecorder): void {
    this.#renewals.delete(attempt);
    const { replay, replayHeaders } = this.#config;
    const { req, res } = attempt;
    try {
      if (replay && this.#records(req, res)) {
        if (recorder.recordable)
          return this.#recording.record(attempt, recorder.serialize(res, replayHeaders));
        this.#warnings.warnOnce('OPERATION_LOCK_NOT_RECORDED', {
          reason: 'streamed-or-too-large',
          status: res.statusCode,
        });
      }
    } catch (error) {
      this.#storeHealth.failed(error);
    }
    this.#releases.release(attempt);
  }

  #records(req: Request, res: Response): boolean {
    try {
      return this.#config.record(req, res) === true;
    } catch {
      return false; // Not recorded: a retry runs again, the safe side for a broken policy.
    }
  }

  #replay(stored: string, { res, next }: Attempt): void {
    try {
      replay(res, stored);
    } catch (error) {
      // A record that cannot be read is the store's failure, not the client's.
      if (!res.headersSent) this.#storeFailed(error, next);
    }
  }

  /** A store error is no decision: run without the lock (`failOpen`) or answer 503. */
  #storeFailed(error: unknown, next: NextFunction): void {
    this.#storeHealth.failed(error);
    if (this.#config.failOpen) return next();
    next(storeUnavailable());
  }
}
