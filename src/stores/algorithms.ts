/**
 * The rate-limit algorithms, as pure functions over a slot of numbers, so
 * that the memory store keeps each key's state in one typed array. The
 * Redis store runs the same arithmetic in Lua (see `redis-script.ts`).
 * All times are milliseconds on the store's clock. They live with the
 * stores, which run them; a limiter only chooses one by name.
 */

/** `gcra` (the default), `sliding-window` or `fixed-window`. */
export type Algorithm = 'gcra' | 'sliding-window' | 'fixed-window';

export const ALGORITHMS: readonly Algorithm[] = ['gcra', 'sliding-window', 'fixed-window'];

/** How many numbers one window of one key needs. */
export const STATE_SIZE: Readonly<Record<Algorithm, number>> = {
  gcra: 2, // debt (milliseconds of the window owed), time it was reckoned at
  'fixed-window': 2, // window start, count
  'sliding-window': 3, // aligned window start, previous count, current count
};

/**
 * Which number of a window's state is a time the clock has passed when it
 * was written (GCRA's reckoning time, a window's start): a stored one ahead
 * of the clock says that the clock stepped back, and the stores then set the
 * key's clock forward to it (see `KEY_CLOCK` in stores/redis-script.ts).
 */
export const STATE_TIME: Readonly<Record<Algorithm, number>> = {
  gcra: 1,
  'fixed-window': 0,
  'sliding-window': 0,
};

/** One window of a policy: `limit` requests per `windowMs`. */
export interface RateLimitWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/** The outcome of one window for one request; reused between calls to avoid allocation. */
export interface WindowVerdict {
  allowed: boolean;
  /** Requests left after this one (or now, when refused). */
  remaining: number;
  /** Until the window's quota is whole again (allowed), or until this request would pass (refused). */
  resetMs: number;
  /** Until this request would pass; 0 when allowed. */
  retryAfterMs: number;
  /** Whether the window's state, before this request, is as good as none: nothing spent. */
  empty: boolean;
}

/**
 * Evaluates one window: reads the state at `offset` in `state`, writes what
 * the state would become if the request is admitted at `nextOffset` of
 * `next`, and fills `verdict`. Nothing is committed here: a request is
 * admitted only if every window allows it.
 */
export type Evaluate = (
  state: Float64Array,
  offset: number,
  next: Float64Array,
  nextOffset: number,
  window: RateLimitWindow,
  cost: number,
  now: number,
  verdict: WindowVerdict,
) => void;

/**
 * Tolerance for floating-point drift: the arrival times add up fractions of
 * a millisecond (1000 / 3 …), and a request due now must not be refused
 * because of the last bit. One microsecond, in milliseconds.
 */
const EPSILON_MS = 1e-3;
/** The same tolerance for counts of requests. */
const EPSILON_COUNT = 1e-6;

/**
 * A duration as stores report it: whole milliseconds, rounded up, with the
 * same one-microsecond tolerance the algorithms allow, so that the float
 * noise of `(t + w) - t` never adds a millisecond (nor, later, a second).
 * The Lua scripts round with the same expression.
 */
export function wholeMs(ms: number): number {
  return Math.max(0, Math.ceil(ms - EPSILON_MS));
}

// A request that can never fit (cost above the limit) waits one window and is refused again.
const neverFits = (verdict: WindowVerdict, windowMs: number, remaining: number): void => {
  verdict.allowed = false;
  verdict.remaining = remaining;
  verdict.retryAfterMs = windowMs;
  verdict.resetMs = windowMs;
};

/**
 * GCRA, the generic cell rate algorithm: each request owes `windowMs / limit`
 * milliseconds of the window, the debt is paid back in real time, and a
 * request is allowed while the debt stays within the window. Exact, with no
 * burst at window edges. Kept as the debt and the time it was reckoned at
 * rather than as GCRA's theoretical arrival time: a debt is a small number,
 * so its rounding does not depend on how large the clock's readings are (an
 * epoch in milliseconds loses a quarter of a microsecond per addition,
 * which made Redis and memory disagree on `remaining`). And the debt drains
 * at the clock's pace whatever the limit, so when a key is idle does not
 * depend on the limit.
 */
const gcra: Evaluate = (
  state,
  offset,
  next,
  nextOffset,
  { limit, windowMs },
  cost,
  now,
  verdict,
) => {
  const at = state[offset + 1]!;
  // The stores' key clock never stands behind the time stored (see `STATE_TIME`), so `gap`
  // is 0 there; kept so that the function stands on its own for any clock.
  const elapsed = now > at ? now - at : 0;
  const gap = at > now ? at - now : 0;
  const debt = Math.max(0, state[offset]! - elapsed);
  const remainingNow = Math.max(
    0,
    Math.floor(((windowMs - debt) * limit) / windowMs + EPSILON_COUNT),
  );
  verdict.empty = debt === 0;
  if (cost > limit) return neverFits(verdict, windowMs, remainingNow);
  const newDebt = debt + (cost * windowMs) / limit;
  const excessMs = newDebt - windowMs;
  // The tolerance never exceeds half a request's share of the window: with a billion requests
  // a second a request is a microsecond of debt, and a fixed microsecond let a whole one
  // through. Half a share still absorbs the drift of a burst of millions of additions.
  if (excessMs > Math.min(EPSILON_MS, (0.5 * windowMs) / limit)) {
    verdict.allowed = false;
    verdict.remaining = remainingNow;
    verdict.retryAfterMs = excessMs + gap;
    verdict.resetMs = excessMs + gap;
    return;
  }
  next[nextOffset] = newDebt;
  next[nextOffset + 1] = now > at ? now : at;
  verdict.allowed = true;
  verdict.remaining = Math.max(
    0,
    Math.floor(((windowMs - newDebt) * limit) / windowMs + EPSILON_COUNT),
  );
  verdict.resetMs = newDebt > 0 ? newDebt + gap : 0;
  verdict.retryAfterMs = 0;
};

/** A counter per key that starts with its first request and resets `windowMs` later. */
const fixedWindow: Evaluate = (
  state,
  offset,
  next,
  nextOffset,
  { limit, windowMs },
  cost,
  now,
  verdict,
) => {
  let start = state[offset]!;
  let count = state[offset + 1]!;
  // Differences of clock readings, never sums: `start + windowMs - now` rounds with the clock's size.
  if (count === 0 || now - start >= windowMs) {
    start = now;
    count = 0;
  }
  const resetMs = windowMs - (now - start);
  verdict.empty = count === 0;
  if (cost > limit) return neverFits(verdict, resetMs, Math.max(0, limit - count));
  if (count + cost > limit) {
    verdict.allowed = false;
    // A limit per request may have fallen below what was spent under a higher one.
    verdict.remaining = Math.max(0, limit - count);
    verdict.retryAfterMs = resetMs;
    verdict.resetMs = resetMs;
    return;
  }
  next[nextOffset] = start;
  next[nextOffset + 1] = count + cost;
  verdict.allowed = true;
  verdict.remaining = limit - count - cost;
  verdict.resetMs = resetMs;
  verdict.retryAfterMs = 0;
};

/**
 * The sliding window counter: windows aligned on multiples of `windowMs`,
 * the previous window's count weighted by how much of it still overlaps the
 * last `windowMs`. Two counters per key; close to a true sliding log.
 */
const slidingWindow: Evaluate = (
  state,
  offset,
  next,
  nextOffset,
  { limit, windowMs },
  cost,
  now,
  verdict,
) => {
  let current = Math.floor(now / windowMs) * windowMs;
  let previousCount = 0;
  let currentCount = 0;
  const stored = state[offset]!;
  // A later window stored: time stands at its start until the clock comes to it (`gap`). The
  // stores' key clock never stands behind it (see `STATE_TIME`); kept for any clock.
  const gap = stored > current ? stored - now : 0;
  if (gap > 0) current = stored;
  if (stored === current) {
    previousCount = state[offset + 1]!;
    currentCount = state[offset + 2]!;
  } else if (stored === current - windowMs) {
    previousCount = state[offset + 2]!;
  }
  const elapsed = gap > 0 ? 0 : now - current;
  const weight = (windowMs - elapsed) / windowMs;
  const used = previousCount * weight + currentCount;
  const remainingNow = Math.max(0, Math.floor(limit - used + EPSILON_COUNT));
  verdict.empty = used === 0;
  if (cost > limit) return neverFits(verdict, windowMs, remainingNow);
  if (used + cost > limit + EPSILON_COUNT) {
    const wait = gap + slidingWait(limit, windowMs, previousCount, currentCount, elapsed, cost);
    verdict.allowed = false;
    verdict.remaining = remainingNow;
    verdict.retryAfterMs = wait;
    verdict.resetMs = wait;
    return;
  }
  next[nextOffset] = current;
  next[nextOffset + 1] = previousCount;
  next[nextOffset + 2] = currentCount + cost;
  verdict.allowed = true;
  verdict.remaining = Math.max(0, Math.floor(limit - used - cost + EPSILON_COUNT));
  // Whole again once neither window counts: at the end of the next window, or of this one if it is empty.
  verdict.resetMs = gap + (currentCount + cost > 0 ? 2 * windowMs : windowMs) - elapsed;
  verdict.retryAfterMs = 0;
};

/** How long until `cost` fits under a sliding window counter. */
function slidingWait(
  limit: number,
  windowMs: number,
  previousCount: number,
  currentCount: number,
  elapsed: number,
  cost: number,
): number {
  const untilRollover = windowMs - elapsed;
  // Within this window, the previous count's weight falls linearly to zero.
  if (previousCount > 0 && currentCount + cost <= limit) {
    const weightNeeded = (limit - currentCount - cost) / previousCount;
    return Math.max(0, untilRollover - weightNeeded * windowMs);
  }
  // After the rollover the current count becomes the previous one and fades the same way.
  if (currentCount === 0) return untilRollover;
  const weightNeeded = (limit - cost) / currentCount;
  return untilRollover + Math.max(0, windowMs - weightNeeded * windowMs);
}

export const EVALUATE: Readonly<Record<Algorithm, Evaluate>> = {
  gcra,
  'fixed-window': fixedWindow,
  'sliding-window': slidingWindow,
};

/**
 * Gives back `cost` to one window, for requests that should not have
 * counted. With `chargedAt` (the time the request was charged), only what
 * that charge still holds: a refund that comes late must not give back
 * what later requests spent.
 */
export function refundWindow(
  algorithm: Algorithm,
  state: Float64Array,
  offset: number,
  { limit, windowMs }: RateLimitWindow,
  cost: number,
  now: number,
  chargedAt?: number,
): void {
  if (algorithm === 'gcra') {
    const at = state[offset + 1]!;
    const elapsed = now > at ? now - at : 0;
    const debt = Math.max(0, state[offset]! - elapsed);
    // The charge's share of the debt, less what the clock has paid back since: the oldest
    // debt is paid first, so the charge holds at least that much of it still.
    const share = (cost * windowMs) / limit;
    const held =
      chargedAt === undefined ? share : Math.max(0, share - Math.max(0, now - chargedAt));
    // Nothing owed or nothing held, nothing to give back: the state is left as it is, the
    // time it was reckoned at too (a key Redis does not hold is no different).
    if (debt === 0 || held === 0) return;
    state[offset] = Math.max(0, debt - held);
    state[offset + 1] = now > at ? now : at;
  } else if (algorithm === 'fixed-window') {
    const start = state[offset]!;
    // Only to the window the charge was counted in: one begun since holds none of it.
    if (now - start < windowMs && (chargedAt === undefined || chargedAt >= start)) {
      state[offset + 1] = Math.max(0, state[offset + 1]! - cost);
    }
  } else {
    const stored = state[offset]!;
    if (chargedAt === undefined) {
      // Counted, as far as is known, in the stored window's count, if that window still counts.
      const current = Math.floor(now / windowMs) * windowMs;
      if (stored >= current || stored === current - windowMs) {
        state[offset + 2] = Math.max(0, state[offset + 2]! - cost);
      }
      return;
    }
    // From the count of the window the charge was counted in: the stored one, or the one before.
    const charged = Math.floor(chargedAt / windowMs) * windowMs;
    if (charged === stored) state[offset + 2] = Math.max(0, state[offset + 2]! - cost);
    else if (charged === stored - windowMs)
      state[offset + 1] = Math.max(0, state[offset + 1]! - cost);
  }
}
