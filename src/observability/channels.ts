import { channel } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../errors/api-error.js';

/**
 * The `diagnostics_channel` channels the library publishes on, as Node's
 * HTTP server, undici and pino do: subscribe to count or trace decisions
 * (see the README's Prometheus recipe). A message is built only when a
 * channel has subscribers, so that nobody listening costs nothing.
 */
export const CHANNEL_NAMES = Object.freeze({
  error: 'express-api-errors:error',
  rateLimit: 'express-api-errors:rate-limit',
  store: 'express-api-errors:store',
  loadShedding: 'express-api-errors:load-shedding',
  operationLock: 'express-api-errors:operation-lock',
} as const);

/** Published by `errorHandler` for each error it answers, before it answers. */
export interface ErrorMessage {
  /** What was thrown, as the handler received it. */
  readonly thrown: unknown;
  /** The `ApiError` it became. */
  readonly error: ApiError;
  readonly status: number;
  /** The catalog name sent as `code`, e.g. `TOKEN_EXPIRED`. */
  readonly code: string;
  readonly subCode: string | undefined;
  /** A deliberate refusal (429, 403.30, maintenance or load-shedding 503), not a fault. */
  readonly refusal: boolean;
  /** The client had gone before the answer could be written: `status` is the one meant, not sent. */
  readonly clientGone: boolean;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** Published by `rateLimit` for each decision the store (or the key's cost) made. */
export interface RateLimitMessage {
  readonly outcome: 'allowed' | 'refused' | 'blocked' | 'never-allowed';
  readonly key: string;
  readonly cost: number;
  /** The reported window: its name in `RateLimit-Policy`, limit and length. */
  readonly policy: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Requests left in that window. */
  readonly remaining: number;
  /** Whether the deny cache refused the request without asking the store (see `denyCache`). */
  readonly fromDenyCache: boolean;
  readonly req: IncomingMessage;
}

/**
 * Published by `rateLimit` when its store fails (once per outage) and when
 * the outage ends: the store answers, and no call to it has failed for 30 s
 * (a store that fails some calls and answers others is still in the outage).
 */
export interface StoreMessage {
  readonly state: 'unavailable' | 'recovered';
  /** The store's class name, e.g. `RedisStore`. */
  readonly store: string;
  /** What failed, when unavailable: the outage's first failed call. */
  readonly error?: unknown;
  /** When recovered: the calls that failed or timed out during the outage. */
  readonly failedCalls?: number;
  /** When recovered: from the outage's first failed call to its last, in milliseconds. */
  readonly outageMs?: number;
  /** Whether requests go through meanwhile (`failOpen`). */
  readonly failOpen: boolean;
}

/** Published by `loadShedding` when the process becomes overloaded and when it recovers. */
export interface LoadSheddingMessage {
  readonly overloaded: boolean;
  /** The event-loop delay measured over the last sample interval. */
  readonly eventLoopDelayMs: number;
  /** The heap in use, when `maxHeapUsedBytes` is set. */
  readonly heapUsedBytes: number | undefined;
  /** Set when `close()` ended an overload: nothing was measured (the two above are 0 and undefined). */
  readonly closed?: true;
}

/** Published by `operationLock` for each outcome of a request that carries a key. */
export interface OperationLockMessage {
  /**
   * `acquired`: it runs; `conflict`: a duplicate is in progress (409.1);
   * `replayed`: the stored response is sent; `mismatch`: the key was used
   * for another payload (422.10); `expired`: a request lost its lease,
   * found when renewing or ending it (told once per request).
   */
  readonly outcome: 'acquired' | 'conflict' | 'replayed' | 'mismatch' | 'expired';
  /** The lock key: the client, the route and the idempotency key, combined. */
  readonly key: string;
  /** The client it is scoped to. */
  readonly client: string;
  readonly req: IncomingMessage;
}

export const errorChannel = channel(CHANNEL_NAMES.error);
export const rateLimitChannel = channel(CHANNEL_NAMES.rateLimit);
export const storeChannel = channel(CHANNEL_NAMES.store);
export const loadSheddingChannel = channel(CHANNEL_NAMES.loadShedding);
export const operationLockChannel = channel(CHANNEL_NAMES.operationLock);
