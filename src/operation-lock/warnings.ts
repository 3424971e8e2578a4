import { CodedWarnings } from '../logging/coded-warnings.js';
import type { Logger } from '../logging/logger.js';
import { summarizeError } from '../logging/summarize-error.js';
import { OUTAGE_QUIET_MS, type EndedOutage } from '../stores/outage.js';

/**
 * The coded warnings an `operationLock()` gives: each once, except the
 * store's (once per outage) and a lost lease (at most once a minute).
 */
export const LOCK_WARNINGS = {
  OPERATION_LOCK_STORE_UNAVAILABLE:
    'The operation-lock store failed or timed out. Until it answers again, requests with a key run without the lock (`failOpen: true`) or are answered 503 (`failOpen: false`, the default).',
  OPERATION_LOCK_NOT_RECORDED:
    'A response was not recorded for replay: its body was written in parts (res.write: a stream, res.sendFile, or middleware mounted after operationLock that writes the body itself, such as compression or express-session: mount those before it), or it is larger than `maxBodyBytes`. The request ran normally and its key was released, so a retry runs it again.',
  OPERATION_LOCK_LEASE_LOST:
    'A request ran longer than its lease and lost its lock (the store was unreachable when it renewed, or the lease had expired): a retry may have run it again. Raise `lockTtlMs` or check the store.',
} as const;

export type LockWarningCode = keyof typeof LOCK_WARNINGS;

/**
 * How often a lost lease is logged at most. Each is a request that may have
 * run twice, so one line for the life of the process would hide the next;
 * one per loss would let a slow store flood the log.
 */
export const LEASE_LOST_INTERVAL_MS = 60_000;

/** Emits the coded warnings through the middleware's logger. */
export class LockWarnings extends CodedWarnings<LockWarningCode> {
  /** When the last lease-lost line was written (`performance.now()`); -Infinity before the first. */
  #leaseLostAt = -Infinity;
  /** Leases lost since that line. */
  #leasesLost = 0;
  /** Set while losses wait for the interval to end. */
  #leaseLostTimer: NodeJS.Timeout | undefined;
  constructor(logger: () => Logger | false) {
    super(LOCK_WARNINGS, logger);
  }

  /**
   * A request lost its lease: logged at once, then at most once every
   * `LEASE_LOST_INTERVAL_MS`, each line with `leasesLost`, the losses since
   * the line before (this one included). Losses held back are written when
   * the interval ends, by an unref'd timer, so that none goes untold.
   */
  leaseLost(): void {
    this.#leasesLost++;
    if (this.#leaseLostTimer !== undefined) return; // a line is due already
    const wait = this.#leaseLostAt + LEASE_LOST_INTERVAL_MS - performance.now();
    if (wait <= 0) return this.#writeLeasesLost();
    this.#leaseLostTimer = setTimeout(() => {
      this.#leaseLostTimer = undefined;
      this.#writeLeasesLost();
    }, wait);
    this.#leaseLostTimer.unref();
  }

  #writeLeasesLost(): void {
    this.#leaseLostAt = performance.now();
    const leasesLost = this.#leasesLost;
    this.#leasesLost = 0;
    this.log(
      'warn',
      { code: 'OPERATION_LOCK_LEASE_LOST', leasesLost },
      LOCK_WARNINGS.OPERATION_LOCK_LEASE_LOST,
    );
  }

  /** The store's outage starts (see `StoreOutage`): told once, whatever fails during it. */
  storeUnavailable(error: unknown): void {
    this.log(
      'warn',
      { code: 'OPERATION_LOCK_STORE_UNAVAILABLE', err: summarizeError(error, false) },
      LOCK_WARNINGS.OPERATION_LOCK_STORE_UNAVAILABLE,
    );
  }

  /** The store's outage ended: it answers, and no call to it has failed for `OUTAGE_QUIET_MS`. */
  storeRecovered(ended: EndedOutage): void {
    this.log(
      'info',
      { code: 'OPERATION_LOCK_STORE_RECOVERED', ...ended },
      `The operation-lock store answers again, and no call to it has failed for ${OUTAGE_QUIET_MS / 1000} s: the outage is over (\`failedCalls\` failed during it).`,
    );
  }
}
