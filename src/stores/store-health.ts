import type { CodedWarnings } from '../logging/coded-warnings.js';
import { summarizeError } from '../logging/summarize-error.js';
import { storeChannel, type StoreMessage } from '../observability/channels.js';
import { checkEvictionPolicy, type EvictionPolicySource } from './eviction-policy.js';
import { OUTAGE_QUIET_MS, StoreOutage, type EndedOutage } from './outage.js';
import { withRedisErrorHint } from './redis-error-hint.js';

/**
 * How long a client is asked to wait (`Retry-After`) when its request is
 * answered 503 because the store failed (`failOpen: false`), by
 * `rateLimit()` and `operationLock()` alike: each request asks the store
 * again, whatever the outage's lines say, so the wait is short.
 */
export const STORE_DOWN_RETRY_AFTER_SECONDS = 5;

/** The codes a middleware tells its store's health with. */
export interface StoreHealthCodes<Code extends string> {
  /** The store's name in the lines: `rate-limit` says "The rate-limit store answers again…". */
  readonly storeName: string;
  /** At `warn`, with `err` (and `hint`): the outage starts. Its text is the warning's. */
  readonly unavailable: Code;
  /** At `warn`, with `failedCalls`, `outageMs`, `err` (and `hint`): the outage goes on. */
  readonly stillUnavailable: Code;
  /** At `info`, with `failedCalls` and `outageMs`: the outage ended. No warning, so no `Code`. */
  readonly recovered: string;
  /** Once, with `maxmemoryPolicy`: the store's Redis may evict its keys (see `checkEvictionPolicy`). */
  readonly eviction: Code;
}

/**
 * What a middleware tells of its store, as `rateLimit()` and
 * `operationLock()` both do. Its outages (see `StoreOutage`): a line as an
 * outage starts, again every `OUTAGE_REMINDER_MS` while it goes on, and as
 * it ends; and, for a middleware that names the store channel's `failOpen`
 * (only `rateLimit()`'s outages are published), a store-channel message as
 * it starts and ends. And at its first answer, whether its backend may
 * evict its keys, asked once in the background. The middleware tells it of
 * each store call that failed or timed out, and of each answer; a healthy
 * store's answer costs two field reads.
 */
export class StoreHealth<Code extends string> {
  readonly #outage = new StoreOutage();
  readonly #recoveredText: string;
  /** Set once the store was asked whether its backend may evict its keys (at its first answer). */
  #evictionChecked = false;

  constructor(
    private readonly store: EvictionPolicySource,
    private readonly warnings: CodedWarnings<Code>,
    private readonly codes: StoreHealthCodes<Code>,
    /** Given for a middleware whose outages the store channel tells: the `failOpen` its messages carry. */
    private readonly channel?: { readonly failOpen: boolean },
  ) {
    this.#recoveredText = `The ${codes.storeName} store answers again, and no call to it has failed for ${OUTAGE_QUIET_MS / 1000} s: the outage is over (\`failedCalls\` failed during it).`;
  }

  /** A store call failed or timed out: starts an outage (told), or counts in the one on (told again every `OUTAGE_REMINDER_MS`). */
  failed(error: unknown): void {
    if (this.#outage.failed()) {
      if (this.channel !== undefined && storeChannel.hasSubscribers) {
        this.#publish({ state: 'unavailable', error });
      }
      this.warnings.warn(
        this.codes.unavailable,
        withRedisErrorHint(error, { err: summarizeError(error, false) }),
      );
      return;
    }
    const ongoing = this.#outage.reminder();
    if (ongoing === undefined) return;
    this.warnings.warn(
      this.codes.stillUnavailable,
      withRedisErrorHint(error, { ...ongoing, err: summarizeError(error, false) }),
    );
  }

  /**
   * The store answered: ends an outage, and says so, once no call has
   * failed for `OUTAGE_QUIET_MS`; at the first answer, asks the store
   * whether its backend may evict its keys.
   */
  answered(): void {
    if (this.#outage.on) this.#recovering();
    if (!this.#evictionChecked) this.#checkEviction();
  }

  #recovering(): void {
    const ended = this.#outage.answered();
    if (ended === undefined) return;
    if (this.channel !== undefined && storeChannel.hasSubscribers) {
      this.#publish({ state: 'recovered', ...ended });
    }
    this.warnings.log('info', { code: this.codes.recovered, ...ended }, this.#recoveredText);
  }

  /** Asks the store, once and in the background, whether its backend may evict its keys. */
  #checkEviction(): void {
    this.#evictionChecked = true;
    checkEvictionPolicy(this.store, (maxmemoryPolicy) =>
      this.warnings.warnOnce(this.codes.eviction, { maxmemoryPolicy }),
    );
  }

  #publish(
    change: { state: 'unavailable'; error: unknown } | ({ state: 'recovered' } & EndedOutage),
  ): void {
    const message: StoreMessage = {
      ...change,
      store: this.store.constructor?.name ?? 'store',
      failOpen: this.channel!.failOpen,
    };
    storeChannel.publish(message);
  }
}
