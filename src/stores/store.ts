import type { Algorithm, RateLimitWindow } from './algorithms.js';

/** A window of a policy, with the name it has in `RateLimit-Policy`. */
export interface PolicyWindow extends RateLimitWindow {
  readonly name: string;
}

/** Deny a key for a while once it has been over the limit too often (403.30). */
export interface BlockPolicy {
  /** How many refusals make a block. */
  readonly after: number;
  /** Within how long, counted from the first refusal. */
  readonly withinMs: number;
  /** How long the block lasts. */
  readonly durationMs: number;
}

/** What a limiter tells its store once, before the first request. */
export interface RateLimitPolicy {
  readonly algorithm: Algorithm;
  readonly windows: readonly PolicyWindow[];
  readonly block: BlockPolicy | undefined;
  /**
   * `'per-request'`: the policy has one window, whose limit comes with each
   * call (the `limit` argument) instead of from `windows[0].limit`. Only
   * stores that say `perRequestLimits` are given such a policy. Defaults to `'fixed'`.
   */
  readonly limits?: 'fixed' | 'per-request';
}

/** A store's answer for one request. */
export interface RateLimitDecision {
  /** Whether the request may proceed; when true, its cost was spent in every window. */
  readonly allowed: boolean;
  /** The window to report: the one closest to exhaustion, or the one that refused longest. */
  readonly window: number;
  /** Requests left in that window. */
  readonly remaining: number;
  /** Milliseconds until that window's quota is whole again (or, when refused, until the request would pass). */
  readonly resetMs: number;
  /** When refused: milliseconds until the request would pass. 0 when allowed. */
  readonly retryAfterMs: number;
  /** When the key is blocked: milliseconds the block still lasts. 0 otherwise. */
  readonly blockedMs: number;
  /**
   * When allowed: the time of the charge on the store's clock, which
   * `refund` takes back, so that a refund arriving late gives back only
   * what this charge still holds, never what later requests spent.
   * Optional: without it, `refund` gives back `cost` from the key as it is.
   */
  readonly chargedAt?: number;
}

/**
 * Where a limiter keeps its counts. A store serves one limiter: `init`
 * receives its policy once. Methods may answer synchronously (as the memory
 * store does, to spare a promise per request) or with a promise.
 */
export interface RateLimitStore {
  /**
   * Whether the store takes a limit with each call, for a policy whose
   * `limits` is `'per-request'` (a `limit` function). Defaults to `false`.
   */
  readonly perRequestLimits?: boolean;
  /**
   * Whether the store answers from this process's memory, as `MemoryStore`
   * does: a deny cache in front of it would save no round trip, so
   * `rateLimit()` leaves it off unless `denyCache` says otherwise. Defaults
   * to `false`.
   */
  readonly inProcess?: boolean;
  /**
   * Where the store keeps its counts, for a store that other store objects
   * can reach too (a Redis key prefix): two stores with the same `keySpace`
   * mix their counts, as one store given to two limiters does, and
   * `rateLimit()` warns (`RATE_LIMIT_STORE_SHARED`).
   */
  readonly keySpace?: string;
  /** Receives the limiter's policy, once, before any other call. */
  init(policy: RateLimitPolicy): void;
  /**
   * Spends `cost` from every window of `key`, all or nothing. A blocked key
   * is refused without touching its counts; a refusal may start a block.
   * `limit` is given, and replaces the window's, when the policy's limits are per request.
   */
  consume(
    key: string,
    cost: number,
    limit?: number,
  ): RateLimitDecision | Promise<RateLimitDecision>;
  /**
   * The decision a request of cost 0 would get now, spending nothing, or
   * `undefined` for a key the store knows nothing of. Optional: the
   * middleware's `getKey()` needs it.
   */
  get?(
    key: string,
    limit?: number,
  ): RateLimitDecision | undefined | Promise<RateLimitDecision | undefined>;
  /**
   * Gives back what a request spent, when it should not count (see
   * `countOnly`): `chargedAt` is its decision's, when the store gave one.
   */
  refund(key: string, cost: number, limit?: number, chargedAt?: number): void | Promise<void>;
  /** Forgets everything about `key`: counts and block. */
  reset(key: string): void | Promise<void>;
  /** Releases timers and connections the store opened itself. */
  shutdown?(): void | Promise<void>;
  /**
   * Optional: the policy under which the store's backend may delete keys
   * before they expire to free memory (Redis's `maxmemory-policy` when it
   * is not `noeviction`), or undefined when it may not or cannot tell.
   * Asked once, after the store's first decision, without waiting for it;
   * an answer warns `RATE_LIMIT_STORE_EVICTION`, a rejection is ignored.
   */
  evictionPolicy?(): Promise<string | undefined>;
}
