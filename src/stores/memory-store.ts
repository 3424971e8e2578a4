import { storedKey } from '../clients/stored-key.js';
import { currentClock } from '../time/clock.js';
import {
  EVALUATE,
  STATE_SIZE,
  STATE_TIME,
  refundWindow,
  wholeMs,
  type WindowVerdict,
} from './algorithms.js';
import type { PolicyWindow, RateLimitDecision, RateLimitPolicy, RateLimitStore } from './store.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { checkOptionsObject, parseFunction, parseWholeNumber } from '../options/parse.js';

export interface MemoryStoreOptions {
  /**
   * The most keys kept. Beyond it the least recently used key is forgotten,
   * so a flood of new keys cannot grow memory without bound. Defaults to 1,000,000.
   */
  maxKeys?: number | undefined;
  /**
   * A clock in milliseconds. Defaults to `performance.now`, as it stood when
   * the store was made (see README, Fake timers in your tests), which is
   * monotonic; tests pass their own, which may step back as Redis's `TIME`
   * does (each key then keeps its own clock, as in RedisStore).
   */
  now?: (() => number) | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Block {
  /** Refusals counted since `since`. */
  refusals: number;
  since: number;
  /** The block lasts until then; 0 while not blocked. */
  until: number;
}

/** A typed array holds at most 2^32 numbers: ten sliding windows a key reach it a little above this. */
const MAX_KEYS = 100_000_000;
const SWEEP_INTERVAL_MS = 60_000;
const FACTORY = 'new MemoryStore()';
const OPTION_NAMES = optionNames<MemoryStoreOptions>()(['maxKeys', 'now']);
const SWEEP_BUDGET = 50_000;
const INITIAL_SLOTS = 1024;

/**
 * The default store: counts in this process's memory. Each key costs one
 * `Map` entry and a few numbers in a typed array; there is no timer per key.
 * It uses a monotonic clock, so wall-clock jumps neither free nor lock clients.
 * For several app instances, use `RedisStore`.
 */
export class MemoryStore implements RateLimitStore {
  readonly #maxKeys: number;
  readonly #clock = currentClock();
  readonly #now: () => number;
  /** key → slot. Map order is recency: the first key is the least recently used. */
  readonly #slots = new Map<string, number>();
  /** The most recently used key: already last in `#slots`, so it need not be moved. */
  #lastKey: string | undefined;
  readonly #freeSlots: number[] = [];
  readonly #blocks = new Map<string, Block>();
  /**
   * The clock is the default, monotonic one: no stored time ever lies ahead
   * of it, so each key's clock is the store's, and a request skips
   * `#keyTime` (its lookups and its loop over the windows).
   */
  readonly #steady: boolean;
  /**
   * Each key's clock offset, for the keys whose clock has one: a `now` that
   * steps back (see `#keyTime`). Always empty when `#steady`.
   */
  readonly #offsets = new Map<string, number>();
  #policy: RateLimitPolicy | undefined;
  #stride = 0;
  #capacity = 0;
  #state = new Float64Array(0);
  #next = new Float64Array(0);
  #verdict: WindowVerdict = {
    allowed: true,
    remaining: 0,
    resetMs: 0,
    retryAfterMs: 0,
    empty: true,
  };
  #timer: NodeJS.Timeout | undefined;
  /** Whether the last `#decide` found every window as good as none. */
  #empty = true;
  /** The one window of a policy whose limit comes with each call, that limit set per call. */
  #perRequestWindow: { limit: number; windowMs: number } | undefined;

  /** This store takes a limit with each call (a `limit` function). */
  readonly perRequestLimits = true;
  /** Answers from this process's memory: no deny cache in front of it by default. */
  readonly inProcess = true;

  constructor(options: MemoryStoreOptions = {}) {
    checkOptionsObject(FACTORY, options, '{ maxKeys: 100_000 }');
    checkOptionNames(FACTORY, options, OPTION_NAMES);
    this.#maxKeys = parseWholeNumber(FACTORY, 'maxKeys', options.maxKeys ?? 1_000_000, {
      min: 1,
      max: MAX_KEYS,
    });
    const now = parseFunction(FACTORY, 'now', options.now);
    this.#steady = now === undefined;
    this.#now = now ?? this.#clock.now;
  }

  init(policy: RateLimitPolicy): void {
    this.#policy = policy;
    this.#perRequestWindow =
      policy.limits === 'per-request' ? { ...checkOneWindow(policy) } : undefined;
    this.#stride = STATE_SIZE[policy.algorithm] * policy.windows.length;
    this.#grow(Math.min(INITIAL_SLOTS, this.#maxKeys));
    this.#next = new Float64Array(this.#stride);
  }

  consume(clientKey: string, cost: number, limit?: number): RateLimitDecision {
    this.#usable();
    this.#setLimit(limit);
    // Armed by the first key, disarmed by the sweep that forgets the last (see `#sweep`).
    if (this.#timer === undefined) this.#arm();
    const key = storedKey(clientKey);
    const block = this.#blocks.get(key);
    const now = this.#steady ? this.#now() : this.#consumeTime(key, block);
    if (block !== undefined && block.until > now) return blocked(wholeMs(block.until - now));
    const base = this.#slotFor(key) * this.#stride;
    const decision = this.#decide(base, cost, now);
    if (decision.allowed) {
      this.#state.set(this.#next, base);
      decision.chargedAt = now;
    } else {
      decision.blockedMs = this.#countRefusal(key, block, now);
    }
    return decision;
  }

  /** The decision a request of cost 0 would get now, spending nothing; undefined for an unknown key. */
  get(clientKey: string, limit?: number): RateLimitDecision | undefined {
    this.#usable();
    this.#setLimit(limit);
    const key = storedKey(clientKey);
    const block = this.#blocks.get(key);
    const slot = this.#slots.get(key);
    // A peek reads the key's clock and writes nothing, not even a grown offset.
    const now = this.#steady ? this.#now() : this.#keyTime(key, slot, block, false);
    if (block !== undefined && block.until > now) {
      // As `boundBlock` would set it.
      return blocked(wholeMs(Math.min(block.until - now, this.#policy!.block!.durationMs)));
    }
    if (slot === undefined) return undefined;
    const decision = this.#decide(slot * this.#stride, 0, now);
    // A key whose every window is as good as none is unknown, as if the sweep had forgotten it.
    return this.#empty ? undefined : decision;
  }

  /**
   * The key's clock: the store's plus the offset the key keeps. When the
   * key's state holds a time ahead of it (a window's start, GCRA's reckoning
   * time, the first of its counted refusals), the clock
   * stepped back, and the offset grows so that the key's clock stands there
   * (kept if `keep`, by a call that writes): it never runs faster than
   * real time, and never stands still for the step, so that waits are the
   * policy's own. The default clock is monotonic, so this is for a `now`
   * that is not; RedisStore decides alike on Redis's wall clock (see
   * `KEY_CLOCK` in redis-script.ts).
   */
  #keyTime(key: string, slot: number | undefined, block: Block | undefined, keep: boolean): number {
    const policy = this.#policy!;
    const now = this.#now();
    let anchor = -Infinity;
    if (slot !== undefined) {
      const base = slot * this.#stride;
      const size = STATE_SIZE[policy.algorithm];
      for (let i = STATE_TIME[policy.algorithm]; i < this.#stride; i += size) {
        anchor = Math.max(anchor, this.#state[base + i]!);
      }
    }
    // A block's end is none (see `boundBlock`).
    if (block !== undefined && block.refusals > 0) anchor = Math.max(anchor, block.since);
    const offset = this.#offsets.get(key) ?? 0;
    if (anchor <= now + offset) return now + offset;
    const grown = anchor - now;
    if (keep) this.#offsets.set(key, grown);
    return now + grown;
  }

  /**
   * The key's clock for a consume, which writes its grown offset, refusals
   * included, as RedisStore does, and bounds its block (see `boundBlock`).
   */
  #consumeTime(key: string, block: Block | undefined): number {
    const now = this.#keyTime(key, this.#slots.get(key), block, true);
    if (block !== undefined) boundBlock(block, now, this.#policy!.block!.durationMs);
    return now;
  }

  /**
   * Evaluates every window of the key whose state starts at `base`, writing
   * the state it would have into `#next` (committed by the caller), and
   * reports one window: the one closest to exhaustion, or the one that refuses longest.
   */
  #decide(base: number, cost: number, now: number): Mutable<RateLimitDecision> {
    const policy = this.#policy!;
    const size = STATE_SIZE[policy.algorithm];
    const evaluate = EVALUATE[policy.algorithm];
    const state = this.#state;
    const next = this.#next;
    const verdict = this.#verdict;

    let allowed = true;
    let window = 0;
    let remaining = Infinity;
    let resetMs = 0;
    let retryAfterMs = 0;
    let empty = true;
    for (let index = 0; index < policy.windows.length; index++) {
      const offset = index * size;
      const limits = this.#perRequestWindow ?? policy.windows[index]!;
      evaluate(state, base + offset, next, offset, limits, cost, now, verdict);
      empty &&= verdict.empty;
      if (!verdict.allowed) {
        // Refused: report the window that refuses longest.
        if (allowed || verdict.retryAfterMs > retryAfterMs) {
          window = index;
          remaining = verdict.remaining;
          resetMs = verdict.resetMs;
          retryAfterMs = verdict.retryAfterMs;
        }
        allowed = false;
      } else if (
        allowed &&
        (verdict.remaining < remaining ||
          (verdict.remaining === remaining && verdict.resetMs > resetMs))
      ) {
        // Allowed so far: report the window closest to exhaustion.
        window = index;
        remaining = verdict.remaining;
        resetMs = verdict.resetMs;
      }
    }
    this.#empty = empty;
    return {
      allowed,
      window,
      remaining,
      // A refusal's waits are at least a millisecond: it says when to come back, never "now".
      resetMs: allowed ? wholeMs(resetMs) : Math.max(1, wholeMs(resetMs)),
      retryAfterMs: allowed ? 0 : Math.max(1, wholeMs(retryAfterMs)),
      blockedMs: 0,
      // Set by `consume` when it charges: in the literal, so that every decision has one shape.
      chargedAt: undefined as number | undefined,
    };
  }

  refund(key: string, cost: number, limit?: number, chargedAt?: number): void {
    const policy = this.#usable();
    this.#setLimit(limit);
    const stored = storedKey(key);
    const slot = this.#slots.get(stored);
    if (slot === undefined) return;
    const now = this.#steady
      ? this.#now()
      : this.#keyTime(stored, slot, this.#blocks.get(stored), true);
    const base = slot * this.#stride;
    const size = STATE_SIZE[policy.algorithm];
    policy.windows.forEach((window, index) =>
      refundWindow(
        policy.algorithm,
        this.#state,
        base + index * size,
        this.#perRequestWindow ?? window,
        cost,
        now,
        chargedAt,
      ),
    );
  }

  /** With a policy whose limit comes per call, sets it; a call without one is a caller's bug. */
  #setLimit(limit: number | undefined): void {
    const window = this.#perRequestWindow;
    if (window === undefined) return;
    if (limit === undefined) {
      throw new TypeError('MemoryStore: this policy takes a limit with each call, and none came');
    }
    window.limit = limit;
  }

  reset(clientKey: string): void {
    const key = storedKey(clientKey);
    const slot = this.#slots.get(key);
    if (slot !== undefined) this.#release(key, slot);
    this.#blocks.delete(key);
    this.#offsets.delete(key);
  }

  shutdown(): void {
    this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#slots.clear();
    this.#lastKey = undefined;
    this.#freeSlots.length = 0;
    // A store used again after shutdown must not hand old counts to new keys.
    this.#state.fill(0);
    this.#blocks.clear();
    this.#offsets.clear();
  }

  /** How many keys the store holds now. */
  get size(): number {
    return this.#slots.size;
  }

  #usable(): RateLimitPolicy {
    if (this.#policy === undefined) {
      throw new Error('MemoryStore has no policy: pass it to rateLimit({ store }) before use');
    }
    return this.#policy;
  }

  /** The slot of `key`, made the most recently used; a new key may evict the least recently used. */
  #slotFor(key: string): number {
    let slot = this.#slots.get(key);
    if (slot !== undefined) {
      if (key !== this.#lastKey) {
        this.#slots.delete(key);
        this.#slots.set(key, slot);
        this.#lastKey = key;
      }
      return slot;
    }
    if (this.#slots.size >= this.#maxKeys) {
      const [oldestKey, oldestSlot] = this.#slots.entries().next().value as [string, number];
      this.#release(oldestKey, oldestSlot);
    }
    slot = this.#freeSlots.pop();
    if (slot === undefined) {
      if (this.#slots.size >= this.#capacity)
        this.#grow(Math.min(this.#capacity * 2, this.#maxKeys));
      slot = this.#slots.size;
    }
    this.#slots.set(key, slot);
    this.#lastKey = key;
    return slot;
  }

  #release(key: string, slot: number): void {
    this.#slots.delete(key);
    // The key's clock goes with the last of its state, as a Redis key's does.
    if (this.#offsets.size > 0 && !this.#blocks.has(key)) this.#offsets.delete(key);
    if (key === this.#lastKey) this.#lastKey = undefined;
    this.#state.fill(0, slot * this.#stride, (slot + 1) * this.#stride);
    this.#freeSlots.push(slot);
  }

  #grow(capacity: number): void {
    if (capacity <= this.#capacity) return;
    const state = new Float64Array(capacity * this.#stride);
    state.set(this.#state);
    this.#state = state;
    this.#capacity = capacity;
  }

  /** Counts a refusal toward a block; returns how long the key is now blocked (0 if not). */
  #countRefusal(key: string, block: Block | undefined, now: number): number {
    const policy = this.#policy!.block;
    if (policy === undefined) return 0;
    if (block === undefined || now - block.since > policy.withinMs) {
      if (block === undefined && this.#blocks.size >= this.#maxKeys) {
        this.#forgetBlock(this.#blocks.keys().next().value as string);
      }
      block = { refusals: 0, since: now, until: 0 };
      this.#blocks.set(key, block);
    }
    block.refusals += 1;
    if (block.refusals < policy.after) return 0;
    block.until = now + policy.durationMs;
    block.refusals = 0;
    block.since = block.until;
    return policy.durationMs;
  }

  #arm(): void {
    this.#timer = this.#clock.setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS);
    this.#timer.unref();
  }

  /**
   * Forgets keys whose every window is whole again, least recently used
   * first, a bounded number per pass. Once the last key is forgotten, the
   * memory a flood grew is given back, and once no block is left either,
   * the timer goes: its callback holds the store, which would otherwise
   * outlive a limiter the app dropped (an app made again, a test).
   */
  #sweep(): void {
    const policy = this.#policy;
    if (policy === undefined) return;
    const storeNow = this.#now();
    const keyNow = (key: string) =>
      this.#offsets.size === 0 ? storeNow : storeNow + (this.#offsets.get(key) ?? 0);
    let budget = SWEEP_BUDGET;
    for (const [key, slot] of this.#slots) {
      if (budget-- === 0 || !this.#isIdle(slot, keyNow(key), policy)) break;
      this.#release(key, slot);
    }
    for (const [key, block] of this.#blocks) {
      const now = keyNow(key);
      if (block.until <= now && now - block.since > policy.block!.withinMs) this.#forgetBlock(key);
    }
    if (this.#slots.size === 0) this.#shrink();
    if (this.#slots.size === 0 && this.#blocks.size === 0) {
      this.#clock.clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /**
   * Back to the first capacity, with no free slot: an empty store keeps
   * neither the state array nor the list of free slots that its largest
   * number of keys grew (1,000,000 keys of two GCRA windows: 32 MB and 8 MB).
   * Released slots were zeroed, so nothing is lost.
   */
  #shrink(): void {
    this.#freeSlots.length = 0;
    const initial = Math.min(INITIAL_SLOTS, this.#maxKeys);
    if (this.#capacity <= initial) return;
    this.#state = new Float64Array(initial * this.#stride);
    this.#capacity = initial;
  }

  #forgetBlock(key: string): void {
    this.#blocks.delete(key);
    if (this.#offsets.size > 0 && !this.#slots.has(key)) this.#offsets.delete(key);
  }

  #isIdle(slot: number, now: number, policy: RateLimitPolicy): boolean {
    const size = STATE_SIZE[policy.algorithm];
    const base = slot * this.#stride;
    return policy.windows.every(({ windowMs }, index) => {
      const first = this.#state[base + index * size]!;
      // gcra: the debt is paid back.
      if (policy.algorithm === 'gcra') {
        return first <= Math.max(0, now - this.#state[base + index * size + 1]!);
      }
      // fixed: the window has ended; sliding: neither the current nor the previous window counts.
      return now - first >= (policy.algorithm === 'fixed-window' ? windowMs : 2 * windowMs);
    });
  }
}

/** The one window of a policy whose limit comes per call: such a policy has exactly one. */
export function checkOneWindow(policy: RateLimitPolicy): PolicyWindow {
  if (policy.windows.length !== 1) {
    throw new TypeError(
      `A policy with a limit per request has one window, not ${policy.windows.length}`,
    );
  }
  return policy.windows[0]!;
}

/**
 * A block with more left than the policy's duration (the clock stepped back,
 * or the duration was shortened since) begins again now, for that duration,
 * as RedisStore decides (see `BLOCK_BOUND` in redis-script.ts): its start,
 * its end less the duration, is no time that came, so it sets no key's clock.
 */
function boundBlock(block: Block, now: number, durationMs: number): void {
  if (block.until - now <= durationMs) return;
  block.refusals = 0;
  block.until = now + durationMs;
  block.since = block.until;
}

function blocked(blockedMs: number): RateLimitDecision {
  return { allowed: false, window: 0, remaining: 0, resetMs: 0, retryAfterMs: 0, blockedMs };
}
