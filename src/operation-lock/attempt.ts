import type { NextFunction, Request, Response } from 'express';
import type { ResponseRecorder } from './recorded-response.js';
import type { Operation } from './request-operation.js';

/**
 * One request's way to the lock: its token, how long it may wait, and its
 * place in Express. The one object a request makes for the lock: every step
 * reads and writes it, and `OperationLock.handle` makes it with all its
 * fields, so that every attempt has one shape.
 */
export interface Attempt {
  readonly operation: Operation;
  readonly token: string;
  /** Until when (on the lock's clock) a duplicate waits; 0 without `waitMs`. */
  readonly waitUntil: number;
  /** How many times it has waited, for the polling backoff. */
  round: number;
  /** Aborted when the client goes away while the request waits. */
  abandoned: AbortController | undefined;
  /** When it took the lock (on the lock's clock), for the renewals. */
  since: number;
  /** When it last asked the store for the lock (on the lock's clock). */
  askedAt: number;
  /**
   * By when its lease has run out at the latest (on the lock's clock): the
   * last grant or renewal, from when it was asked, plus `lockTtlMs`.
   */
  leaseUntil: number;
  /** How many times the store failed to record its response. */
  recordFailures: number;
  /** What its response counts in `RecordRetries` while it waits for a retry; undefined when it does not. */
  recordBytes: number | undefined;
  /** When its client went away before its response ended (on the lock's clock); 0 until then. */
  closedAt: number;
  /** Whether its lease was found lost and told of (once), or needs no telling: nothing ran under it. */
  lost: boolean;
  /** Whether a renewal is on its way to the store: a store that hangs gets no second one meanwhile. */
  renewing: boolean;
  /** What its response sends, once it runs under the lock. */
  recorder: ResponseRecorder | undefined;
  /** Whether it no longer counts for `onIdle()` (see `InFlight.settled`). */
  settled: boolean;
  readonly req: Request;
  readonly res: Response;
  readonly next: NextFunction;
}
