import type { Clock } from './clock.js';

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

/**
 * Resolves once `promise` has settled, or after `ms` on `clock`, whichever
 * is first. The timer is cleared as the promise settles, so that it does
 * not hold what waits on it for the rest of `ms`, and never keeps the
 * process alive.
 */
export function settledOrAfter(
  promise: PromiseLike<unknown>,
  ms: number,
  clock: Clock,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(resolve, timerDelay(ms));
    timer.unref();
    const done = () => {
      clock.clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}
