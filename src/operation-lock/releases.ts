import type { Attempt } from './attempt.js';
import type { LockContext } from './lock-context.js';
import { storeTimeout } from './lock-errors.js';
import { isThenable } from '../util/is-thenable.js';
import type { LockAcquisition } from './lock-store.js';
import { tellLeaseLost } from './outcomes.js';

/**
 * Lets go of locks: a request's, once its response ended unrecorded or its
 * handler failed, and one the store granted after its request gave up. A
 * store that fails to release leaves the lease to expire by itself. One per
 * middleware.
 */
export class Releases {
  readonly #lock: LockContext;

  constructor(lock: LockContext) {
    this.#lock = lock;
  }

  /** Releases the request's lock, and settles the request. */
  release(attempt: Attempt): void {
    const { operation, token } = attempt;
    try {
      this.#settle(this.#lock.config.store.release(operation.key, token), attempt);
    } catch (error) {
      this.#lock.storeHealth.failed(error);
      this.#lock.inFlight.settled(attempt);
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
      const released = this.#lock.config.store.release(key, token);
      if (isThenable(released)) {
        this.#lock.inFlight.enter();
        // Through a native promise: a promise-like answer's `then` may throw, and the count
        // entered above must be left all the same.
        Promise.resolve(released).then(
          () => this.#lock.inFlight.leave(),
          (error: unknown) => {
            this.#lock.storeHealth.failed(error);
            this.#lock.inFlight.leave();
          },
        );
      }
    } catch (error) {
      this.#lock.storeHealth.failed(error);
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
      return this.#lock.inFlight.settled(attempt);
    }
    const pending = this.#lock.deadlines.track(attempt, this.#settleTimedOut);
    // Through a native promise: a promise-like answer's `then` may throw, and that is a failed
    // release, counted once, not once more as a timeout at the deadline tracked above.
    Promise.resolve(answer).then(
      (held) => {
        const waiting = pending.settle();
        if (waiting === undefined) return;
        this.#lostUnless(held, waiting);
        this.#lock.inFlight.settled(waiting);
      },
      (error: unknown) => {
        // After its deadline, the call was counted failed already (`#settleTimedOut`).
        const waiting = pending.settle();
        if (waiting === undefined) return;
        this.#lock.storeHealth.failed(error);
        this.#lock.inFlight.settled(waiting);
      },
    );
  }

  /** A release that timed out is a failed store call: it starts or counts in an outage. */
  readonly #settleTimedOut = (attempt: Attempt): void => {
    this.#lock.storeHealth.failed(storeTimeout(this.#lock.config.storeTimeoutMs));
    this.#lock.inFlight.settled(attempt);
  };

  #lostUnless(held: unknown, attempt: Attempt): void {
    this.#lock.storeHealth.answered();
    if (held !== true) tellLeaseLost(attempt, this.#lock.warnings);
  }
}
