import { currentClock } from '../../src/time/clock.js';
import { MAX_TIMER_MS, settledOrAfter, timerDelay } from '../../src/time/timers.js';

describe('timerDelay', () => {
  it('keeps a delay a timer can hold', () => {
    expect([0, 1, 60_000, MAX_TIMER_MS].map(timerDelay)).toEqual([0, 1, 60_000, MAX_TIMER_MS]);
  });

  it('shortens a longer one to MAX_TIMER_MS, 2^31-1 ms', () => {
    expect(MAX_TIMER_MS).toBe(2147483647);
    expect([MAX_TIMER_MS + 1, 2 * MAX_TIMER_MS, Infinity].map(timerDelay)).toEqual([
      MAX_TIMER_MS,
      MAX_TIMER_MS,
      MAX_TIMER_MS,
    ]);
  });
});

describe('settledOrAfter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it.each([
    ['resolves', () => Promise.resolve('answer')],
    ['rejects', () => Promise.reject(new Error('no answer'))],
  ])('resolves as soon as the promise %s, and leaves no timer', async (_case, settle) => {
    await settledOrAfter(settle(), 60_000, currentClock());
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resolves after `ms` when the promise never settles', async () => {
    let resolved = false;
    const waiting = settledOrAfter(new Promise(() => undefined), 100, currentClock()).then(() => {
      resolved = true;
    });
    await jest.advanceTimersByTimeAsync(99);
    expect(resolved).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await waiting;
    expect(resolved).toBe(true);
  });
});
