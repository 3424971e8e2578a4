import { describeValue } from '../options/describe-value.js';

/**
 * Where `operationLock()` keeps its locks and records. Every store passes the
 * same contract suite (test/operation-lock/lock-store.contract.ts) and the
 * property test that drives the memory and Redis stores side by side.
 *
 * A key holds nothing, a running lock (an owner's token, the request's
 * fingerprint, a lease), or a done record (the fingerprint and the stored
 * response, until it expires). Times are whole milliseconds of the store's
 * clock. Methods may answer synchronously (the memory store does) or with a
 * promise; a store that cannot answer throws or rejects, and the middleware
 * applies its `failOpen` policy.
 */
export interface OperationLockStore {
  /**
   * Atomically: if `key` holds nothing (or only an expired lease or record),
   * takes the lock for `token` with a lease of `leaseMs`; else reports what
   * holds it, changing nothing.
   */
  acquire(
    key: string,
    token: string,
    fingerprint: string,
    leaseMs: number,
  ): LockAcquisition | Promise<LockAcquisition>;
  /**
   * If `token` still holds the lock (its lease has not run out), replaces
   * the lock with a done record of `response` kept `replayMs`, and answers
   * true; else changes nothing and answers false, unless the record is
   * `token`'s own: asked again by the token that completed it (its first
   * answer was lost with a connection), it answers true. `operationLock`
   * asks again after a failure, and a false would read as a lost lease.
   */
  complete(
    key: string,
    token: string,
    response: string,
    replayMs: number,
  ): boolean | Promise<boolean>;
  /** If `token` still holds the lock, removes it and answers true; else changes nothing, false. */
  release(key: string, token: string): boolean | Promise<boolean>;
  /** If `token` still holds the lock, extends its lease to `leaseMs` from now and answers true; else false. */
  renew(key: string, token: string, leaseMs: number): boolean | Promise<boolean>;
  /**
   * Optional: resolves when `key` may have changed (completed, released) or
   * after `ms`, whichever is first; `signal` cancels the wait. A store
   * without it is polled, and so is a wait whose notice rejects; one that
   * has not answered `storeTimeoutMs` after `ms` is no longer waited for.
   */
  waitForChange?(key: string, ms: number, signal: AbortSignal): Promise<void>;
  /** Releases timers the store opened itself; never the caller's connections. */
  shutdown?(): void | Promise<void>;
  /**
   * Optional: the policy under which the store's backend may delete keys
   * before they expire to free memory (Redis's `maxmemory-policy` when it
   * is not `noeviction`), or undefined when it may not or cannot tell.
   * Asked once, after the store's first answer to an acquire, without
   * waiting for it; an answer warns `OPERATION_LOCK_STORE_EVICTION`, a
   * rejection is ignored.
   */
  evictionPolicy?(): Promise<string | undefined>;
}

/** What `acquire` found. */
export type LockAcquisition =
  | { readonly state: 'acquired' }
  | {
      /** Another request holds the lock. */
      readonly state: 'running';
      readonly fingerprint: string;
      /** How long its lease still runs. */
      readonly leaseMs: number;
    }
  | {
      /** A request with this key completed; its response is stored. */
      readonly state: 'done';
      readonly fingerprint: string;
      readonly response: string;
    };

/**
 * The longest lock key the stores keep as it is (see `storedKey`), in UTF-16
 * code units; a longer one is kept as its digest. Longer than a rate-limit
 * key's bound: a lock key is a client, a route and an idempotency key
 * (`16:::ffff:127.0.0.1` `12:POST /orders` and a UUID are 70), and a digest
 * made on each of a request's two store calls would cost more than the
 * bytes it saves beside a record.
 */
export const MAX_LOCK_KEY_LENGTH = 256;

/** The stores' methods, for the check of a `store` option. */
export const LOCK_STORE_METHODS = ['acquire', 'complete', 'release', 'renew'] as const;

/** An `acquire` answer in the shape the middleware relies on; anything else is a store failure. */
export function checkAcquisition(found: LockAcquisition): LockAcquisition {
  // Destructuring undefined or null would throw its own TypeError, which says nothing of the store.
  const fields: Record<string, unknown> = typeof found === 'object' && found !== null ? found : {};
  const { state } = fields;
  if (state === 'acquired') return found;
  const { fingerprint, leaseMs, response } = fields;
  if (
    typeof fingerprint === 'string' &&
    ((state === 'running' && typeof leaseMs === 'number' && leaseMs >= 0) ||
      (state === 'done' && typeof response === 'string'))
  ) {
    return found;
  }
  throw new TypeError(`The store answered acquire() with ${describeValue(found)}`);
}
