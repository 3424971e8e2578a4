import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import type { OperationLockStore } from '../../src/index.js';
import type { Attempt } from '../../src/operation-lock/attempt.js';
import { parseOperationLockOptions } from '../../src/operation-lock/options.js';
import {
  abortOnClose,
  pollDelay,
  waitForChange,
} from '../../src/operation-lock/wait-for-change.js';
import { currentClock } from '../../src/time/clock.js';

/** A store that cannot notify: a duplicate polls it. */
const polled: OperationLockStore = {
  acquire: () => ({ state: 'acquired' }),
  complete: () => true,
  release: () => true,
  renew: () => true,
};

/** What a waiting duplicate's attempt holds for its wait. */
function waiting(): Attempt {
  return {
    operation: { key: 'k', client: '', fingerprint: 'f' },
    abandoned: new AbortController(),
    round: 0,
  } as unknown as Attempt;
}

/** Whether `promise` has resolved after `ms` more of fake time. */
async function resolvedAfter(promise: Promise<void>, ms: number): Promise<boolean> {
  let resolved = false;
  void promise.then(() => (resolved = true));
  await jest.advanceTimersByTimeAsync(ms);
  return resolved;
}

describe('pollDelay', () => {
  it('sleeps 20 ms, then twice as long each round, to 250 ms, never past what is left nor below 1 ms', () => {
    expect([0, 1, 2, 3, 4, 10].map((round) => pollDelay(10_000, round))).toEqual([
      20, 40, 80, 160, 250, 250,
    ]);
    expect(pollDelay(30, 3)).toBe(30);
    expect(pollDelay(0, 0)).toBe(1);
  });
});

describe('waitForChange', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('polls a store that cannot notify, backing off round by round', async () => {
    const attempt = waiting();
    const config = parseOperationLockOptions({ store: polled });
    const clock = currentClock();
    const first = waitForChange(attempt, 10_000, config, clock);
    expect(await resolvedAfter(first, 19)).toBe(false);
    expect(await resolvedAfter(first, 1)).toBe(true);
    expect(attempt.round).toBe(1);
    const second = waitForChange(attempt, 10_000, config, clock);
    expect(await resolvedAfter(second, 39)).toBe(false);
    expect(await resolvedAfter(second, 1)).toBe(true);
    expect(attempt.round).toBe(2);
  });

  it("wakes at the store's notice, asked for the attempt's key and what is left of the wait", async () => {
    let notify!: () => void;
    const waitFor = jest.fn(() => new Promise<void>((resolve) => (notify = resolve)));
    const config = parseOperationLockOptions({ store: { ...polled, waitForChange: waitFor } });
    const woken = waitForChange(waiting(), 5_000, config, currentClock());
    expect(waitFor).toHaveBeenCalledWith('k', 5_000, expect.any(AbortSignal));
    expect(await resolvedAfter(woken, 100)).toBe(false);
    notify();
    expect(await resolvedAfter(woken, 0)).toBe(true);
  });

  it('gives up on a notice that never comes after the wait and storeTimeoutMs', async () => {
    const config = parseOperationLockOptions({
      store: { ...polled, waitForChange: () => new Promise<void>(() => undefined) },
      storeTimeoutMs: 100,
    });
    const woken = waitForChange(waiting(), 50, config, currentClock());
    expect(await resolvedAfter(woken, 149)).toBe(false);
    expect(await resolvedAfter(woken, 1)).toBe(true);
  });

  it('polls a store whose notice throws', async () => {
    const config = parseOperationLockOptions({
      store: {
        ...polled,
        waitForChange: () => {
          throw new Error('no notices here');
        },
      },
    });
    const woken = waitForChange(waiting(), 10_000, config, currentClock());
    expect(await resolvedAfter(woken, 20)).toBe(true);
  });

  it('polls a store whose notice is no promise, though it has a catch() (it never rejects)', async () => {
    const config = parseOperationLockOptions({
      store: {
        ...polled,
        // Not a promise: its `catch` answers nothing a wait could go on.
        waitForChange: () => ({ catch: () => undefined }) as unknown as Promise<void>,
      },
    });
    const woken = waitForChange(waiting(), 10_000, config, currentClock());
    expect(await resolvedAfter(woken, 19)).toBe(false);
    expect(await resolvedAfter(woken, 1)).toBe(true);
  });

  it('wakes at the notice of a promise-like store answer without catch()', async () => {
    let notify: (() => void) | undefined;
    const notice: PromiseLike<void> = {
      then(resolve) {
        notify = () => resolve?.();
        return notice as PromiseLike<never>;
      },
    };
    const config = parseOperationLockOptions({
      store: { ...polled, waitForChange: () => notice as Promise<void> },
    });
    const woken = waitForChange(waiting(), 10_000, config, currentClock());
    // Not polled: still waiting well past the first poll.
    expect(await resolvedAfter(woken, 1000)).toBe(false);
    notify!();
    expect(await resolvedAfter(woken, 0)).toBe(true);
  });

  it.each<[string, () => PromiseLike<void>]>([
    ['rejects', () => Promise.reject(new Error('connection lost'))],
    [
      'has a then() that throws',
      () => ({
        then() {
          throw new Error('connection lost');
        },
      }),
    ],
  ])('polls in place of a notice that %s, backing off round by round', async (_case, notice) => {
    // Ended at once, the wait would have the duplicate ask the store again in a tight loop.
    const attempt = waiting();
    const config = parseOperationLockOptions({
      store: { ...polled, waitForChange: notice as () => Promise<void> },
    });
    const clock = currentClock();
    const first = waitForChange(attempt, 10_000, config, clock);
    expect(await resolvedAfter(first, 19)).toBe(false);
    expect(await resolvedAfter(first, 1)).toBe(true);
    const second = waitForChange(attempt, 10_000, config, clock);
    expect(await resolvedAfter(second, 39)).toBe(false);
    expect(await resolvedAfter(second, 1)).toBe(true);
  });

  it('ends the poll after a rejected notice as the waiting client goes away', async () => {
    const attempt = waiting();
    const config = parseOperationLockOptions({
      store: { ...polled, waitForChange: () => Promise.reject(new Error('aborted')) },
    });
    const woken = waitForChange(attempt, 10_000, config, currentClock());
    expect(await resolvedAfter(woken, 5)).toBe(false);
    attempt.abandoned!.abort();
    expect(await resolvedAfter(woken, 0)).toBe(true);
  });

  it('stops polling as the waiting client goes away', async () => {
    const attempt = waiting();
    const config = parseOperationLockOptions({ store: polled });
    const woken = waitForChange(attempt, 10_000, config, currentClock());
    attempt.abandoned!.abort();
    expect(await resolvedAfter(woken, 0)).toBe(true);
  });
});

describe('abortOnClose', () => {
  it('aborts as the response closes, and stops listening once aborted', () => {
    const res = new EventEmitter() as unknown as Response;
    const closed = abortOnClose(res);
    expect(res.listenerCount('close')).toBe(1);
    res.emit('close');
    expect(closed.signal.aborted).toBe(true);
    expect(res.listenerCount('close')).toBe(0);
    const aborted = abortOnClose(res);
    aborted.abort();
    expect(res.listenerCount('close')).toBe(0);
  });
});
