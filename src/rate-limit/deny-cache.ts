import type { RateLimitDecision } from '../stores/store.js';
import { storedKey } from '../clients/stored-key.js';
import { currentClock } from '../time/clock.js';

/**
 * Refusals a remote store made, kept by this instance until they end, so
 * that a client refused until time t is refused here until t without a
 * round trip (rate-limiter-flexible's `inMemoryBlockOnConsumed`, Envoy's
 * local over-limit cache).
 *
 * It never lets more through than the store would: a refusal ends when the
 * store said the request would fit, and spending by other instances can
 * only move that later, never earlier. It may refuse longer than the store
 * would in two cases: a refund (`countOnly`) on another instance, and a
 * `resetKey()` on another instance (this instance's own clear its entry).
 * A refusal is cached only for requests costing at least as much, under the
 * same limit; a 429 is cached only when the policy has no `block`, so that
 * every refusal a block counts still reaches the store, and a block
 * (403.30) is cached until it ends, whatever the policy.
 *
 * Clients are kept by the form a store keeps them in (`storedKey`): a key
 * from client input must not be kept at any length here either.
 */
export class DenyCache {
  readonly #entries = new Map<string, Denial>();
  readonly #clock = currentClock();
  readonly #maxKeys: number;
  readonly #cachesRefusals: boolean;

  /** `cachesRefusals`: whether 429s are cached too (only without a block policy). */
  constructor(maxKeys: number, cachesRefusals: boolean) {
    this.#maxKeys = maxKeys;
    this.#cachesRefusals = cachesRefusals;
  }

  /**
   * The store's refusal of `key` as it stands now, if this instance holds
   * one that applies to a request of `cost` under `limit`: the decision
   * with its waits counted down. Undefined otherwise (and an ended one is
   * forgotten).
   */
  refusalFor(
    clientKey: string,
    cost: number,
    limit: number | undefined,
  ): RateLimitDecision | undefined {
    const key = storedKey(clientKey);
    const denial = this.#entries.get(key);
    if (denial === undefined) return undefined;
    const leftMs = denial.until - this.#clock.now();
    if (leftMs <= 0) {
      this.#entries.delete(key);
      return undefined;
    }
    const { decision } = denial;
    if (decision.blockedMs > 0) return { ...decision, blockedMs: Math.ceil(leftMs) };
    if (cost < denial.cost || cost === 0 || limit !== denial.limit) return undefined;
    const waitMs = Math.ceil(leftMs);
    return { ...decision, resetMs: waitMs, retryAfterMs: waitMs };
  }

  /** Keeps a refusal the store made for a request of `cost` under `limit`, until it ends. */
  remember(
    clientKey: string,
    cost: number,
    limit: number | undefined,
    decision: RateLimitDecision,
  ) {
    const blocked = decision.blockedMs > 0;
    if (!blocked && (!this.#cachesRefusals || cost === 0)) return;
    const waitMs = blocked ? decision.blockedMs : decision.retryAfterMs;
    if (!(waitMs > 0)) return;
    const key = storedKey(clientKey);
    if (this.#entries.size >= this.#maxKeys && !this.#entries.has(key)) {
      // The oldest entry goes: Map order is insertion order.
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, { until: this.#clock.now() + waitMs, cost, limit, decision });
  }

  /** Forgets `key`, as `resetKey()` does in the store. */
  forget(clientKey: string): void {
    this.#entries.delete(storedKey(clientKey));
  }

  get size(): number {
    return this.#entries.size;
  }
}

interface Denial {
  /** When the refusal ends, on this process's monotonic clock. */
  readonly until: number;
  readonly cost: number;
  readonly limit: number | undefined;
  readonly decision: RateLimitDecision;
}
