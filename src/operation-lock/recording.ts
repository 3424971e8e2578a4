import type { Attempt } from './attempt.js';
import type { LockContext } from './lock-context.js';
import { storeTimeout } from './lock-errors.js';
import { isThenable } from '../util/is-thenable.js';
import { tellLeaseLost } from './outcomes.js';
import { RecordRetries, recordRetryDelay } from './record-retries.js';

/**
 * Records responses for replay in the store (its `complete`), and asks it
 * again when it fails to, within the request's lease (see `#failed`). The
 * request settles once its record is answered or given up on. One per
 * middleware.
 */
export class Recording {
  /** The responses waiting for the store to record them (see `#failed`). */
  readonly #retries = new RecordRetries();

  readonly #lock: LockContext;

  constructor(lock: LockContext) {
    this.#lock = lock;
  }

  /**
   * Records the response for replay. A store that fails to is asked again
   * (see `#failed`); one that does not answer within `storeTimeoutMs` is
   * not: its call may still land, and a second would then be refused.
   */
  record(attempt: Attempt, response: string): void {
    const { store, replayTtlMs } = this.#lock.config;
    const { operation, token } = attempt;
    let answer: boolean | PromiseLike<boolean>;
    let later: boolean;
    try {
      answer = store.complete(operation.key, token, response, replayTtlMs);
      // Inside the try: reading a promise-like answer's `then` may throw (a getter).
      later = isThenable(answer);
    } catch (error) {
      return this.#failed(error, attempt, response);
    }
    if (!later) return this.#recorded(answer, attempt);
    const pending = this.#lock.deadlines.track(attempt, this.#timedOut);
    // Through a native promise (a store's own is passed as it is): a promise-like answer's
    // `then` may throw, and that is a failed record, asked again, not a throw out of the
    // response's end or out of a retry's timer.
    Promise.resolve(answer).then(
      (held) => {
        const waiting = pending.settle();
        if (waiting !== undefined) this.#recorded(held, waiting);
      },
      (error: unknown) => {
        // After its deadline, the call was counted failed already (`#timedOut`).
        const waiting = pending.settle();
        if (waiting !== undefined) this.#failed(error, waiting, response);
      },
    );
  }

  /** The store answered: recorded, or refused because the lease was lost. */
  #recorded(held: unknown, attempt: Attempt): void {
    this.#stopRetrying(attempt);
    this.#lock.storeHealth.answered();
    if (held !== true) tellLeaseLost(attempt, this.#lock.warnings);
    this.#lock.inFlight.settled(attempt);
  }

  /**
   * The store failed to record the response (under `maxmemory`, Redis
   * refuses the write; a connection drops): the client has its response,
   * and without a record its retry would find the key running until the
   * lease ran out, then run the operation again. So it is asked again, with
   * backoff, while the request's lease lasts: its token still holds the
   * lock, and `complete` is compare-and-set on it, so a retry can never
   * overwrite a later owner's lock or record. At most `MAX_RECORDS_WAITING`
   * responses and `MAX_RECORD_BYTES_WAITING` wait at once.
   */
  #failed(error: unknown, attempt: Attempt, response: string): void {
    this.#lock.storeHealth.failed(error);
    attempt.recordFailures += 1;
    const wait = recordRetryDelay(attempt.recordFailures);
    if (attempt.recordBytes === undefined) {
      const bytes = RecordRetries.bytesOf(response, attempt.req);
      if (!this.#retries.admit(bytes)) return this.#notRecorded(error, attempt);
      attempt.recordBytes = bytes;
    }
    if (this.#lock.clock.now() + wait >= attempt.leaseUntil)
      return this.#notRecorded(error, attempt);
    this.#lock.clock.setTimeout(() => this.record(attempt, response), wait).unref();
  }

  /**
   * Gives up on recording, and says so: a retry after the lease runs the
   * operation again. The key is left to its lease, not released. A release
   * would let a retry run the operation again at once, where the lease
   * keeps it at 409.1 for the rest of the lease; a complete that timed out
   * may yet land meanwhile, and a retry then gets the replay; and releasing
   * is one more call to a store that is failing. Given up at the lease's
   * end, nothing is left to release anyway.
   */
  #notRecorded(error: unknown, attempt: Attempt): void {
    this.#stopRetrying(attempt);
    this.#lock.warnings.recordFailed(error);
    this.#lock.inFlight.settled(attempt);
  }

  /** Not asked again (it may still land), but a store call that timed out, as any other. */
  readonly #timedOut = (attempt: Attempt): void => {
    this.#stopRetrying(attempt);
    this.#lock.storeHealth.failed(storeTimeout(this.#lock.config.storeTimeoutMs));
    this.#lock.inFlight.settled(attempt);
  };

  #stopRetrying(attempt: Attempt): void {
    if (attempt.recordBytes === undefined) return;
    this.#retries.leave(attempt.recordBytes);
    attempt.recordBytes = undefined;
  }
}
