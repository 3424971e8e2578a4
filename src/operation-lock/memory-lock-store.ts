import { storedKey } from '../clients/stored-key.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { checkOptionsObject, parseFunction, parseWholeNumber } from '../options/parse.js';
import { currentClock } from '../time/clock.js';
import { timerDelay } from '../time/timers.js';
import {
  MAX_LOCK_KEY_LENGTH,
  type LockAcquisition,
  type OperationLockStore,
} from './lock-store.js';

export interface MemoryLockStoreOptions {
  /** The most keys kept, locks and records together. Defaults to 100,000. */
  maxEntries?: number | undefined;
  /**
   * The most bytes of stored responses (and their keys and fingerprints)
   * kept; beyond it the oldest records are forgotten. Defaults to 64 MiB.
   */
  maxBytes?: number | undefined;
  /**
   * A monotonic clock in milliseconds. Defaults to `performance.now`, as it
   * stood when the store was made (see README, Fake timers in your tests);
   * tests pass their own.
   */
  now?: (() => number) | undefined;
}

interface Lock {
  token: string;
  fingerprint: string;
  /** When the lease runs out. */
  until: number;
  /** How long the lease was given: never more is left (see `bounded`). */
  ms: number;
}

interface Done {
  /** The token that completed it: its `complete` asked again answers true (see `complete`). */
  token: string;
  fingerprint: string;
  response: string;
  until: number;
  /** How long the record is kept: never more is left (see `bounded`). */
  ms: number;
  bytes: number;
}

const FACTORY = 'new MemoryLockStore()';
const OPTION_NAMES = optionNames<MemoryLockStoreOptions>()(['maxEntries', 'maxBytes', 'now']);
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BUDGET = 10_000;
/** What a record costs beyond its strings: the Map entry and the object, roughly. */
const RECORD_OVERHEAD_BYTES = 120;
const ACQUIRED: LockAcquisition = Object.freeze({ state: 'acquired' });

/**
 * The default store: locks and records in this process's memory, for one
 * app instance (use `RedisLockStore` for several). Bounded by entries and by
 * bytes: the oldest records are forgotten first; running locks never are,
 * so a store full of them refuses new ones (a store failure, which
 * `failOpen` decides). Expiry is read on access and swept by one unref'd
 * timer, not a timer per key; waiters are woken when a key completes or is
 * released.
 */
export class MemoryLockStore implements OperationLockStore {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #timers = currentClock();
  readonly #now: () => number;
  /** Map order is lease order: a renewal moves a lock to the end. */
  readonly #locks = new Map<string, Lock>();
  /** Map order is completion order, so the oldest record is forgotten first. */
  readonly #done = new Map<string, Done>();
  readonly #waiters = new Map<string, Set<() => void>>();
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryLockStoreOptions = {}) {
    checkOptionsObject(FACTORY, options, '{ maxEntries: 10_000 }');
    checkOptionNames(FACTORY, options, OPTION_NAMES);
    this.#maxEntries = parseWholeNumber(FACTORY, 'maxEntries', options.maxEntries ?? 100_000, {
      min: 1,
    });
    this.#maxBytes = parseWholeNumber(FACTORY, 'maxBytes', options.maxBytes ?? 64 * 1024 * 1024, {
      min: 1,
      unit: 'bytes',
    });
    this.#now = parseFunction(FACTORY, 'now', options.now) ?? this.#timers.now;
  }

  /** How many keys are held, locks and records. */
  get size(): number {
    return this.#locks.size + this.#done.size;
  }

  /** Bytes held by records, as counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes;
  }

  acquire(key: string, token: string, fingerprint: string, leaseMs: number): LockAcquisition {
    const stored = storedKey(key, MAX_LOCK_KEY_LENGTH);
    const now = this.#clock();
    const lock = this.#locks.get(stored);
    if (lock !== undefined) {
      bounded(lock, now);
      if (lock.until > now) {
        return { state: 'running', fingerprint: lock.fingerprint, leaseMs: lock.until - now };
      }
      this.#locks.delete(stored);
    }
    const done = this.#done.get(stored);
    if (done !== undefined) {
      bounded(done, now);
      if (done.until > now) {
        return { state: 'done', fingerprint: done.fingerprint, response: done.response };
      }
      this.#forget(stored, done);
    }
    this.#makeRoom(0, now);
    this.#locks.set(stored, { token, fingerprint, until: now + leaseMs, ms: leaseMs });
    this.#arm();
    return ACQUIRED;
  }

  complete(key: string, token: string, response: string, replayMs: number): boolean {
    const stored = storedKey(key, MAX_LOCK_KEY_LENGTH);
    const now = this.#clock();
    const lock = this.#held(stored, token, now);
    if (lock === undefined) return this.#done.get(stored)?.token === token;
    this.#locks.delete(stored);
    const bytes =
      2 * (stored.length + token.length + lock.fingerprint.length + response.length) +
      RECORD_OVERHEAD_BYTES;
    if (bytes <= this.#maxBytes) {
      this.#makeRoom(bytes, now);
      this.#done.set(stored, {
        token,
        fingerprint: lock.fingerprint,
        response,
        until: now + replayMs,
        ms: replayMs,
        bytes,
      });
      this.#bytes += bytes;
    }
    // A record larger than the whole budget is not kept: the key is free, as after a release.
    this.#wake(stored);
    return true;
  }

  release(key: string, token: string): boolean {
    const stored = storedKey(key, MAX_LOCK_KEY_LENGTH);
    if (this.#held(stored, token, this.#clock()) === undefined) return false;
    this.#locks.delete(stored);
    this.#wake(stored);
    return true;
  }

  renew(key: string, token: string, leaseMs: number): boolean {
    const stored = storedKey(key, MAX_LOCK_KEY_LENGTH);
    const now = this.#clock();
    const lock = this.#held(stored, token, now);
    if (lock === undefined) return false;
    lock.until = now + leaseMs;
    lock.ms = leaseMs;
    this.#locks.delete(stored);
    this.#locks.set(stored, lock);
    return true;
  }

  waitForChange(key: string, ms: number, signal: AbortSignal): Promise<void> {
    const stored = storedKey(key, MAX_LOCK_KEY_LENGTH);
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      let waiters = this.#waiters.get(stored);
      if (waiters === undefined) this.#waiters.set(stored, (waiters = new Set()));
      const done = () => {
        this.#timers.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        const set = this.#waiters.get(stored);
        set?.delete(done);
        if (set?.size === 0) this.#waiters.delete(stored);
        resolve();
      };
      const timer = this.#timers.setTimeout(done, timerDelay(ms));
      signal.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });
  }

  shutdown(): void {
    this.#timers.clearInterval(this.#timer);
    this.#timer = undefined;
    for (const waiters of this.#waiters.values()) for (const wake of [...waiters]) wake();
  }

  /** Whole milliseconds, as the Redis store counts them, so that both decide alike. */
  #clock(): number {
    return Math.floor(this.#now());
  }

  #held(stored: string, token: string, now: number): Lock | undefined {
    const lock = this.#locks.get(stored);
    return lock !== undefined && lock.token === token && lock.until > now ? lock : undefined;
  }

  #wake(stored: string): void {
    const waiters = this.#waiters.get(stored);
    if (waiters !== undefined) for (const wake of [...waiters]) wake();
  }

  #forget(stored: string, done: Done): void {
    this.#done.delete(stored);
    this.#bytes -= done.bytes;
  }

  /** Makes room for one more key and `bytes` more: expired entries first, then the oldest records. */
  #makeRoom(bytes: number, now: number): void {
    if (this.size < this.#maxEntries && this.#bytes + bytes <= this.#maxBytes) return;
    this.#sweep(now);
    for (const [stored, done] of this.#done) {
      if (this.size < this.#maxEntries && this.#bytes + bytes <= this.#maxBytes) return;
      this.#forget(stored, done);
    }
    if (this.size >= this.#maxEntries) {
      throw new Error(
        `MemoryLockStore is full: ${this.#maxEntries} requests hold locks (see \`maxEntries\`)`,
      );
    }
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#timers.setInterval(() => this.#sweep(this.#clock()), SWEEP_INTERVAL_MS);
    this.#timer.unref();
  }

  /**
   * Forgets expired entries, up to a budget per sweep. Leases of one
   * middleware are in expiry order; records of stores shared by middlewares
   * with other lifetimes may not be, so the walk goes on past live ones.
   */
  #sweep(now: number): void {
    let budget = SWEEP_BUDGET;
    for (const [stored, lock] of this.#locks) {
      if (budget-- <= 0) return;
      if (lock.until <= now) this.#locks.delete(stored);
    }
    for (const [stored, done] of this.#done) {
      if (budget-- <= 0) return;
      if (done.until <= now) this.#forget(stored, done);
    }
    if (this.size === 0 && this.#timer !== undefined) {
      this.#timers.clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

/**
 * More left of a lease or record than it was given means the clock stepped
 * back (a `now` that is a wall clock, as Redis's `TIME` is): it then ends one
 * length from now, as the Redis store's acquire decides, so that a dead
 * owner holds its key one lease of the new clock, not the step on top.
 */
function bounded(entry: { until: number; ms: number }, now: number): void {
  if (entry.until - now > entry.ms) entry.until = now + entry.ms;
}
