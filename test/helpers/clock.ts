/** A clock for stores and limiters that only moves when told to. */
export function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/**
 * Moves `performance.now()` on by hand, on top of the real clock, for code
 * that reads it (a store outage's quiet time): `advance(ms)` rather than
 * sleeping. Timers still run on the real clock. `restore()` ends it.
 */
export function shiftPerformanceNow(): { advance: (ms: number) => void; restore: () => void } {
  const real = performance.now.bind(performance);
  let offset = 0;
  const spy = jest.spyOn(performance, 'now').mockImplementation(() => real() + offset);
  return {
    advance: (ms: number) => {
      offset += ms;
    },
    restore: () => spy.mockRestore(),
  };
}

/**
 * Stops `performance.now()` at `start` and moves it only when told to
 * (`advance(ms)`), for tests of what reads it; timers still run on the
 * real clock, so nothing may wait for a store deadline meanwhile (see
 * `shiftPerformanceNow`). `restore()` ends it.
 */
export function freezePerformanceNow(start = 1_000_000): {
  advance: (ms: number) => void;
  restore: () => void;
} {
  let now = start;
  const spy = jest.spyOn(performance, 'now').mockImplementation(() => now);
  return {
    advance: (ms: number) => {
      now += ms;
    },
    restore: () => spy.mockRestore(),
  };
}
