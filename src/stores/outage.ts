import { currentClock } from '../time/clock.js';

/**
 * How long a store must go without a failed call before its next answer
 * ends the outage. A store that fails only some calls (Redis over
 * `maxmemory` refuses the scripts that write and runs those that read; a
 * read-only replica likewise) is not recovered: each of its answers comes
 * between two failures, and ending the outage at an answer made one outage
 * per request, two log lines each. A count of answers in a row would not
 * do either: under load a store that fails half its calls answers ten in a
 * row within milliseconds. A quiet time bounds the lines whatever the
 * request rate: every outage lasts at least this long, so a limiter or a
 * lock tells at most one outage and one recovery per 30 s. Long enough to
 * span the gaps between the failures of a store that fails a share of its
 * calls, short enough that a restarted Redis is told recovered within half
 * a minute.
 */
export const OUTAGE_QUIET_MS = 30_000;

/**
 * How often an outage that goes on is told again, at most: a store that
 * never recovers (an ACL that forbids the scripts, a Redis out of memory)
 * fails more often than every `OUTAGE_QUIET_MS`, so its outage never ends,
 * and one line at its start would be all the log said of it while
 * `failOpen` lets every request through unlimited. One line every five
 * minutes keeps it in view without growing with the request rate.
 */
export const OUTAGE_REMINDER_MS = 300_000;

/** An outage that ended, or goes on, for the line that says so. */
export interface EndedOutage {
  /** The calls that failed or timed out during it, the first included. */
  readonly failedCalls: number;
  /** From its first failed call to its last, in whole milliseconds. */
  readonly outageMs: number;
}

/**
 * Whether a store is in an outage, as `rateLimit()` and `operationLock()`
 * tell it (a log line and a store-channel message as it starts and as it
 * ends, and a log line every `OUTAGE_REMINDER_MS` while it goes on): it
 * starts at a failed call and ends at the first answer that comes
 * `OUTAGE_QUIET_MS` after the last failed call. Reads
 * the clock only during an outage: a healthy store's answers
 * cost a field read.
 */
export class StoreOutage {
  readonly #clock = currentClock();
  /** When the outage began (on `#clock`); undefined while there is none. */
  #since: number | undefined;
  #lastFailureAt = 0;
  #failedCalls = 0;
  /** When the outage was last told: as it began, or at its last reminder. */
  #toldAt = 0;

  /** Whether an outage is on. */
  get on(): boolean {
    return this.#since !== undefined;
  }

  /** A call failed or timed out: whether this starts an outage (tell it); else it is counted in the one on. */
  failed(): boolean {
    const now = this.#clock.now();
    this.#lastFailureAt = now;
    this.#failedCalls += 1;
    if (this.#since !== undefined) return false;
    this.#since = now;
    this.#toldAt = now;
    this.#failedCalls = 1;
    return true;
  }

  /**
   * After a failed call that started no outage: the outage so far, once
   * `OUTAGE_REMINDER_MS` have passed since it was last told (tell it
   * again), else undefined.
   */
  reminder(): EndedOutage | undefined {
    if (this.#since === undefined) return undefined;
    const now = this.#clock.now();
    if (now - this.#toldAt < OUTAGE_REMINDER_MS) return undefined;
    this.#toldAt = now;
    return this.#sofar();
  }

  /** The store answered: the outage this ends (tell it), or undefined (none on, or not quiet long enough). */
  answered(): EndedOutage | undefined {
    if (this.#since === undefined) return undefined;
    if (this.#clock.now() - this.#lastFailureAt < OUTAGE_QUIET_MS) return undefined;
    const ended = this.#sofar();
    this.#since = undefined;
    this.#failedCalls = 0;
    return ended;
  }

  #sofar(): EndedOutage {
    return {
      failedCalls: this.#failedCalls,
      outageMs: Math.round(this.#lastFailureAt - this.#since!),
    };
  }
}
