import type { Deadlines } from '../stores/deadlines.js';
import type { StoreHealth } from '../stores/store-health.js';
import type { Clock } from '../time/clock.js';
import type { InFlight } from './in-flight.js';
import type { OperationLockConfiguration } from './options.js';
import type { LockWarningCode, LockWarnings } from './warnings.js';

/**
 * What the steps of one `operationLock()` share: made once, with the
 * middleware, and kept by each part of it (release, recording, renewals).
 */
export interface LockContext {
  readonly config: OperationLockConfiguration;
  /** The clock of the requests' times, and of the lock's timers (see `currentClock`). */
  readonly clock: Clock;
  /** The store calls' deadlines: `storeTimeoutMs` after each is made. */
  readonly deadlines: Deadlines;
  /** The store's outages, told as they start, go on and end, and whether its Redis may evict keys. */
  readonly storeHealth: StoreHealth<LockWarningCode>;
  readonly warnings: LockWarnings;
  /** The requests and store calls `onIdle()` waits for. */
  readonly inFlight: InFlight;
}
