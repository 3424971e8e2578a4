/** The longest delay `setTimeout` keeps (2^31-1 ms, about 24.8 days): a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A delay the library computed, as a timer keeps it: at most
 * `MAX_TIMER_MS`. Each option is bounded by it, but a sum of two (a wait
 * plus `storeTimeoutMs`) is not, and Node fires a longer timer after 1 ms,
 * with a `TimeoutOverflowWarning`.
 */
export function timerDelay(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}
