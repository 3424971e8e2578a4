import type { Deadlines } from '../stores/deadlines.js';
import type { StoreHealth } from '../stores/store-health.js';
import type { Attempt } from './attempt.js';
import type { InFlight } from './in-flight.js';
import type { LockContext } from './lock-context.js';
import { storeTimeout } from './lock-errors.js';
import { isThenable, type LockAcquisition, type OperationLockStore } from './lock-store.js';
import { tellLeaseLost } from './outcomes.js';
import type { LockWarningCode, LockWarnings } from './warnings.js';

/**
 * Lets go of locks: a request's, once its response ended unrecorded or its
 * handler failed, and one the store granted after its request gave up. A
 * store that fails to release leaves the lease to expire by itself. One per
 * middleware.
 */
export class Releases {
  readonly #store: OperationLockStore;
  readonly #storeTimeoutMs: number;
  readonly #deadlines: Deadlines;
  readonly #storeHealth: StoreHealth<LockWarningCode>;
  readonly #warnings: LockWarnings;
  readonly #inFlight: InFlight;

  constructor({ config, deadlines, storeHealth, warnings, inFlight }: LockContext) {
    this.#store = config.store;
    this.#storeTimeoutMs = config.storeTimeoutMs;
    this.#deadlines = deadlines;
    this.#storeHealth = storeHealth;
    this.#warnings = warnings;
    this.#inFlight = inFlight;
  }

  /** Releases the request's lock, and settles the request. */
  release(attempt: Attempt): void {
    const { operation, token } = attempt;
    try {
      this.#settle(this.#store.release(operation.key, token), attempt);
    } catch (error) {
      this.#storeHealth.failed(error);
      this.#inFlight.settled(attempt);
    }
  }

  /**
   * A lock taken after the request gave up on the store (503, or run
   * unlocked with `failOpen`) has nobody to renew or release it: it is
   * released at once, or it would refuse the key's retries until its lease
   * ran out.
   */
  releaseLate(found: LockAcquisition, key: string, token: string): void {
    if ((found as { state?: unknown } | undefined)?.state !== 'acquired') return;
    // Nothing ran under this lock: a lease that ran out meanwhile is no loss, and the
    // answer is not waited for.
    try {
      const released = this.#store.release(key, token);
      if (isThenable(released)) {
        this.#inFlight.enter();
        released.then(
          () => this.#inFlight.leave(),
          (error: unknown) => {
            this.#storeHealth.failed(error);
            this.#inFlight.leave();
          },
        );
      }
    } catch (error) {
      this.#storeHealth.failed(error);
    }
  }

  /**
   * Nobody waits for the release's answer: the deadline lets go of the
   * request when the store hangs (an answer after it is not read), and
   * counts the call as failed, as every store call that times out is.
   */
  #settle(answer: boolean | PromiseLike<boolean>, attempt: Attempt): void {
    if (!isThenable(answer)) {
      this.#lostUnless(answer, attempt);
      return this.#inFlight.settled(attempt);
    }
    const pending = this.#deadlines.track(attempt, this.#settleTimedOut);
    answer.then(
      (held) => {
        const waiting = pending.settle();
        if (waiting === undefined) return;
        this.#lostUnless(held, waiting);
        this.#inFlight.settled(waiting);
      },
      (error: unknown) => {
        // After its deadline, the call was counted failed already (`#settleTimedOut`).
        const waiting = pending.settle();
        if (waiting === undefined) return;
        this.#storeHealth.failed(error);
        this.#inFlight.settled(waiting);
      },
    );
  }

  /** A release that timed out is a failed store call: it starts or counts in an outage. */
  readonly #settleTimedOut = (attempt: Attempt): void => {
    this.#storeHealth.failed(storeTimeout(this.#storeTimeoutMs));
    this.#inFlight.settled(attempt);
  };

  #lostUnless(held: unknown, attempt: Attempt): void {
    this.#storeHealth.answered();
    if (held !== true) tellLeaseLost(attempt, this.#warnings);
  }
}
