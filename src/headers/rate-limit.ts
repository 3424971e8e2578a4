import type { ServerResponse } from 'node:http';
import { describeValue } from '../options/describe-value.js';

// The shapes below are what the fields show of a store's policy and decision (`PolicyWindow`,
// `RateLimitDecision` in stores/store.ts), declared here so that headers/, which errors/ and
// everything above build on, does not depend on the stores.

/** One item of `RateLimit-Policy`: a window of a policy, with its name. */
export interface RateLimitPolicyItem {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** What the rate-limit fields show of a decision. */
export interface RateLimitOutcome {
  readonly allowed: boolean;
  readonly remaining: number;
  readonly resetMs: number;
  readonly retryAfterMs: number;
}

/** Whole seconds, rounded up, and at least 1: a client told 0 would retry while still limited. */
export function toRetrySeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

// RFC 8941 §3.3.3 sf-string: printable ASCII, with `"` and `\` escaped.
const SF_STRING = /^[\x20-\x7e]*$/;

/** Whether `name` can be sent as an RFC 8941 String. */
export function isPolicyName(name: string): boolean {
  return SF_STRING.test(name);
}

/** Serializes a policy name as an RFC 8941 String. */
export function formatPolicyName(name: string): string {
  if (!isPolicyName(name)) {
    throw new TypeError(
      `A rate-limit policy \`name\` must be printable ASCII, got ${describeValue(name)}`,
    );
  }
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-10 §4): one item
 * per window, `"name";q=<quota>;w=<window in seconds>`. Built once per limiter.
 */
export function formatRateLimitPolicy(windows: readonly RateLimitPolicyItem[]): string {
  return windows
    .map(
      ({ name, limit, windowMs }) =>
        `${formatPolicyName(name)};q=${limit};w=${Math.ceil(windowMs / 1000)}`,
    )
    .join(', ');
}

/** `RateLimit` (draft-10 §3): the reported window's `"name";r=<remaining>;t=<seconds to reset>`. */
export function formatRateLimit(
  quotedName: string,
  remaining: number,
  resetSeconds: number,
): string {
  return `${quotedName};r=${remaining};t=${resetSeconds}`;
}

/** Adds an item to a list-valued field, so that stacked limiters each show (RFC 9110 §5.3). */
export function appendListField(res: ServerResponse, name: string, value: string): void {
  const previous = res.getHeader(name);
  res.setHeader(name, previous === undefined ? value : `${String(previous)}, ${value}`);
}

export interface XRateLimitValues {
  limit: number;
  remaining: number;
  /** Seconds until the reported window resets (a delay, not an epoch: immune to clock skew). */
  resetSeconds: number;
}

/**
 * The numbers every rate-limit header shows for a decision: the reported
 * window's limit, what remains, and the seconds until the quota is whole
 * again (allowed) or until the request would pass (refused, as `Retry-After`).
 */
export function rateLimitValues(
  decision: RateLimitOutcome,
  window: { readonly limit: number },
): XRateLimitValues {
  return {
    limit: window.limit,
    remaining: decision.remaining,
    resetSeconds: decision.allowed
      ? Math.ceil(decision.resetMs / 1000)
      : toRetrySeconds(decision.retryAfterMs),
  };
}

/**
 * The `X-Rate-Limit-*` fields. With stacked limiters, the one with the
 * fewest remaining requests wins, so clients see the limit they will hit first.
 */
export function setXRateLimitHeaders(res: ServerResponse, values: XRateLimitValues): void {
  const shown = res.getHeader('X-Rate-Limit-Remaining');
  if (shown !== undefined && Number(shown) <= values.remaining) return;
  res.setHeader('X-Rate-Limit-Limit', String(values.limit));
  res.setHeader('X-Rate-Limit-Remaining', String(values.remaining));
  res.setHeader('X-Rate-Limit-Reset', String(values.resetSeconds));
}

/** The same fields as an object, for the error that a refused request becomes. */
export function xRateLimitHeaders(values: XRateLimitValues): Record<string, string> {
  return {
    'X-Rate-Limit-Limit': String(values.limit),
    'X-Rate-Limit-Remaining': String(values.remaining),
    'X-Rate-Limit-Reset': String(values.resetSeconds),
  };
}
