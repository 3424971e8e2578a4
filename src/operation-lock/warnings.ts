import { CodedWarnings } from '../logging/coded-warnings.js';
import type { Logger } from '../logging/logger.js';
import { summarizeError } from '../logging/summarize-error.js';
import { OUTAGE_REMINDER_MS } from '../stores/outage.js';
import { currentClock, type Clock } from '../time/clock.js';

/**
 * The coded warnings an `operationLock()` gives: each once, except the
 * store's (once per outage), and a lost lease and a response the store
 * failed to record (at most once a minute each).
 */
export const LOCK_WARNINGS = {
  OPERATION_LOCK_STORE_UNAVAILABLE:
    'The operation-lock store failed or timed out. Until it answers again, requests with a key run without the lock (`failOpen: true`) or are answered 503 (`failOpen: false`, the default).',
  OPERATION_LOCK_NOT_RECORDED:
    'A response was not recorded for replay: its body was written in parts (res.write: a stream, res.sendFile, or middleware mounted after operationLock that writes the body itself, such as compression or express-session: mount those before it), or it is larger than `maxBodyBytes`. The request ran normally and its key was released, so a retry runs it again.',
  OPERATION_LOCK_LEASE_LOST:
    'A request ran longer than its lease and lost its lock (the store was unreachable when it renewed, or the lease had expired): a retry may have run it again. Raise `lockTtlMs` or check the store.',
  OPERATION_LOCK_STORE_STILL_UNAVAILABLE: `The operation-lock store still fails (\`failedCalls\` since the outage began; \`outageMs\` from its first failed call to its last): requests with a key still run without the lock (\`failOpen: true\`) or are answered 503 (\`failOpen: false\`, the default). Told again every ${OUTAGE_REMINDER_MS / 60_000} minutes while the outage lasts.`,
  OPERATION_LOCK_STORE_EVICTION:
    "The operation-lock store's Redis may evict keys: its `maxmemory-policy` (`maxmemoryPolicy`) is not `noeviction`, so once it reaches `maxmemory` it deletes running locks and recorded responses to make room, without an error: a duplicate runs beside the request it duplicates, and a retry runs again. Set `maxmemory-policy noeviction`, or give the store a Redis of its own that is set so.",
} as const;

export type LockWarningCode = keyof typeof LOCK_WARNINGS;

/** `OPERATION_LOCK_NOT_RECORDED`'s message when the store failed to record the response (`reason: 'store-failed'`). */
const NOT_RECORDED_STORE_FAILED =
  'A response was sent but not recorded for replay: the store failed each time it was asked to record it, until the lease was about to run out (or too many responses waited for the store). Its key stays locked until the lease runs out; a retry after that runs the operation again. Check the store.';

/**
 * How often a lost lease, or a response the store failed to record, is
 * logged at most. Each is a request that may run twice, so one line for
 * the life of the process would hide the next; one per request would let a
 * slow store flood the log.
 */
export const LEASE_LOST_INTERVAL_MS = 60_000;

/**
 * A line about events that each may mean a request ran twice: written at
 * once, then at most once every `LEASE_LOST_INTERVAL_MS`, each line with the
 * count of events since the line before (this one included). Events held
 * back are written when the interval ends, by an unref'd timer, so that
 * none goes untold.
 */
class CountedLine {
  /** When the last line was written (on `clock`); -Infinity before the first. */
  #writtenAt = -Infinity;
  /** Events since that line. */
  #count = 0;
  /** Set while events wait for the interval to end. */
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly write: (count: number) => void,
  ) {}

  add(): void {
    this.#count++;
    if (this.#timer !== undefined) return; // a line is due already
    const wait = this.#writtenAt + LEASE_LOST_INTERVAL_MS - this.clock.now();
    if (wait <= 0) return this.#write();
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#write();
    }, wait);
    this.#timer.unref();
  }

  #write(): void {
    this.#writtenAt = this.clock.now();
    const count = this.#count;
    this.#count = 0;
    this.write(count);
  }
}

/** Emits the coded warnings through the middleware's logger. */
export class LockWarnings extends CodedWarnings<LockWarningCode> {
  readonly #clock = currentClock();
  readonly #leasesLost = new CountedLine(this.#clock, (leasesLost) =>
    this.log(
      'warn',
      { code: 'OPERATION_LOCK_LEASE_LOST', leasesLost },
      LOCK_WARNINGS.OPERATION_LOCK_LEASE_LOST,
    ),
  );
  /** What the last response the store failed to record failed with, for its line. */
  #recordError: unknown;
  readonly #recordsFailed = new CountedLine(this.#clock, (notRecorded) =>
    this.log(
      'warn',
      {
        code: 'OPERATION_LOCK_NOT_RECORDED',
        reason: 'store-failed',
        notRecorded,
        err: summarizeError(this.#recordError, false),
      },
      NOT_RECORDED_STORE_FAILED,
    ),
  );

  constructor(logger: () => Logger | false) {
    super(LOCK_WARNINGS, logger);
  }

  /**
   * A request lost its lease: logged at once, then at most once every
   * `LEASE_LOST_INTERVAL_MS`, each line with `leasesLost`, the losses since
   * the line before (this one included).
   */
  leaseLost(): void {
    this.#leasesLost.add();
  }

  /**
   * The store failed to record a response until its request gave up
   * (`OPERATION_LOCK_NOT_RECORDED` with `reason: 'store-failed'`): logged as
   * a lost lease is, each line with `notRecorded`, the responses since the
   * line before, and the last one's error.
   */
  recordFailed(error: unknown): void {
    this.#recordError = error;
    this.#recordsFailed.add();
  }
}
