/**
 * The clock and the timers a middleware or a store runs on: the global
 * `performance`, `setTimeout`, `setInterval` and `setImmediate` as they
 * stand when it is made, kept for its life (see `currentClock`).
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): NodeJS.Timeout;
  clearTimeout(timer: NodeJS.Timeout | undefined): void;
  setInterval(callback: () => void, ms: number): NodeJS.Timeout;
  clearInterval(timer: NodeJS.Timeout | undefined): void;
  setImmediate(callback: () => void): NodeJS.Immediate;
}

/**
 * The library's one clock: the global `performance` and timers, taken
 * together now. Fake timers (Jest's `useFakeTimers()`, sinon's) replace all
 * of them at once, so that what is made under them runs wholly on the
 * test's time (advancing the timers moves its clock), and what was made
 * before wholly on real time, whatever a later test installs or removes:
 * timers and the clock they are measured with always agree, and state kept
 * across a test (a limiter made at module scope) never meets a clock that
 * jumped (a fake `performance.now()` starts at 0). `node:perf_hooks`'
 * `performance`, which Jest's fake timers leave real, would part from the
 * timers. The `performance` object is kept, not its `now`, so that a spy
 * on `performance.now` (a test's clock) still applies.
 */
export function currentClock(): Clock {
  const { performance, setTimeout, clearTimeout, setInterval, clearInterval, setImmediate } =
    globalThis;
  return {
    now: () => performance.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (timer) => clearTimeout(timer),
    setInterval: (callback, ms) => setInterval(callback, ms),
    clearInterval: (timer) => clearInterval(timer),
    setImmediate: (callback) => setImmediate(callback),
  };
}
