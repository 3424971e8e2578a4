import { wasCutShort } from '../responses/cut-short.js';
import { timerDelay } from '../time/timers.js';
import type { Attempt } from './attempt.js';
import { defer, type Deferred } from './deferred.js';
import type { LockContext } from './lock-context.js';
import { storeTimeout } from './lock-errors.js';
import { isThenable } from '../util/is-thenable.js';
import { tellLeaseLost } from './outcomes.js';
import type { ResponseRecorder } from './recorded-response.js';

/**
 * How many leases a request whose client went away is still renewed for:
 * its handler may well be running (nothing stops it), and a lock let go
 * under it would let the client's retry run beside it; but a handler that
 * never ends its response must not hold its key, or its place in memory,
 * for ever.
 */
const LEASES_AFTER_CLOSE = 10;

/**
 * Renews the leases of running requests: one unref'd timer for them all,
 * ticking every third of a lease, rather than a timer per request. A lock
 * taken just after a tick is renewed at the second tick at the latest,
 * within two thirds of its lease; every third after that. A renewal also
 * finds the requests to let go of: a lease found lost, a client gone for
 * `LEASES_AFTER_CLOSE` leases, a handler that failed after its client left.
 * One per middleware.
 */
export class Renewals {
  readonly #holds = new Set<Attempt>();
  #timer: NodeJS.Timeout | undefined;
  readonly #everyMs: number;
  readonly #lock: LockContext;
  /** Lets go of a request whose handler failed after sending its headers (see `#renew`). */
  readonly #endCutShort: (hold: Attempt, recorder: ResponseRecorder) => void;

  constructor(lock: LockContext, endCutShort: (hold: Attempt, recorder: ResponseRecorder) => void) {
    this.#everyMs = Math.max(1, Math.floor(lock.config.lockTtlMs / 3));
    this.#lock = lock;
    this.#endCutShort = endCutShort;
  }

  add(hold: Attempt): void {
    this.#holds.add(hold);
    if (this.#timer === undefined) {
      this.#timer = this.#lock.clock.setInterval(() => this.#tick(), timerDelay(this.#everyMs));
      this.#timer.unref();
    }
  }

  delete(hold: Attempt): void {
    this.#holds.delete(hold);
  }

  #tick(): void {
    if (this.#holds.size === 0) {
      this.#lock.clock.clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const due = this.#lock.clock.now() - this.#everyMs / 2;
    for (const hold of this.#holds) if (hold.since <= due) this.#renew(hold);
  }

  /** Extends the lease of one running request; a lease found lost is no longer renewed. */
  #renew(hold: Attempt): void {
    const { store, lockTtlMs } = this.#lock.config;
    if (hold.closedAt !== 0 && hold.recorder !== undefined && wasCutShort(hold.res)) {
      return this.#endCutShort(hold, hold.recorder);
    }
    if (
      hold.closedAt !== 0 &&
      this.#lock.clock.now() - hold.closedAt >= LEASES_AFTER_CLOSE * lockTtlMs
    ) {
      this.delete(hold); // its lease now runs out, and the key is free
      return this.#lock.inFlight.settled(hold);
    }
    if (hold.renewing) return;
    hold.renewing = true;
    const askedAt = this.#lock.clock.now();
    this.#call(() => store.renew(hold.operation.key, hold.token, lockTtlMs)).then(
      (held) => {
        hold.renewing = false;
        this.#lock.storeHealth.answered();
        if (held === true) {
          hold.leaseUntil = askedAt + lockTtlMs;
          return;
        }
        this.delete(hold);
        tellLeaseLost(hold, this.#lock.warnings);
        // Not its lock any more: what its handler sends is not recorded, and nothing is to release.
        this.#lock.inFlight.settled(hold);
      },
      (error: unknown) => {
        hold.renewing = false;
        this.#lock.storeHealth.failed(error);
      },
    );
  }

  readonly #callTimedOut = ({ reject }: Deferred<unknown>): void =>
    reject(storeTimeout(this.#lock.config.storeTimeoutMs));

  /** Calls the store; an answer later than `storeTimeoutMs` is a failure (and is then ignored). */
  #call<T>(invoke: () => T | PromiseLike<T>): Promise<T> {
    let answer: T | PromiseLike<T>;
    try {
      answer = invoke();
      // Inside the try: reading a promise-like answer's `then` may throw (a getter).
      if (!isThenable(answer)) return Promise.resolve(answer);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // The callbacks reach the caller only through `pending`, let go of at the deadline: a
    // store that never answers must not keep the request that waited for it.
    const deferred = defer<T>();
    const pending = this.#lock.deadlines.track(deferred as Deferred<unknown>, this.#callTimedOut);
    // Through a native promise (a store's own is passed as it is): a promise-like answer's
    // `then` may throw, and that is a failed renewal, not a throw out of the renewal timer.
    Promise.resolve(answer).then(
      (value) => pending.settle()?.resolve(value),
      (error: unknown) => pending.settle()?.reject(error as Error),
    );
    return deferred.promise;
  }
}
