import { OUTAGE_QUIET_MS, OUTAGE_REMINDER_MS, StoreOutage } from '../../src/stores/outage.js';
import { freezePerformanceNow } from '../helpers/clock.js';

describe('StoreOutage', () => {
  let clock: ReturnType<typeof freezePerformanceNow>;
  beforeEach(() => {
    clock = freezePerformanceNow();
  });
  afterEach(() => clock.restore());

  it('starts an outage at a failed call, and counts the failures after it in the same outage', () => {
    const outage = new StoreOutage();
    expect(outage.on).toBe(false);
    expect(outage.failed()).toBe(true);
    expect(outage.on).toBe(true);
    expect(outage.failed()).toBe(false);
    expect(outage.failed()).toBe(false);
  });

  it('does not end an outage while the store fails every other call, for as long as that lasts', () => {
    const outage = new StoreOutage();
    expect(outage.failed()).toBe(true);
    // Two minutes of a store over maxmemory: a read answers, a write fails, every 100 ms.
    for (let i = 0; i < 1200; i++) {
      clock.advance(50);
      expect(outage.answered()).toBeUndefined();
      clock.advance(50);
      expect(outage.failed()).toBe(false);
    }
    expect(outage.on).toBe(true);
  });

  it('ends an outage at the first answer once no call has failed for OUTAGE_QUIET_MS, with its failures and length', () => {
    const outage = new StoreOutage();
    outage.failed();
    clock.advance(1000);
    outage.answered();
    outage.failed();
    clock.advance(1000);
    outage.failed(); // the last failure, 2 s after the first
    clock.advance(OUTAGE_QUIET_MS - 1);
    expect(outage.answered()).toBeUndefined();
    clock.advance(1);
    expect(outage.answered()).toEqual({ failedCalls: 3, outageMs: 2000 });
    expect(outage.on).toBe(false);
    expect(outage.answered()).toBeUndefined();
    // The next failure starts the next outage, counted from one.
    expect(outage.failed()).toBe(true);
    clock.advance(OUTAGE_QUIET_MS);
    expect(outage.answered()).toEqual({ failedCalls: 1, outageMs: 0 });
  });

  it('ends no outage without an answer, however long the store is quiet', () => {
    const outage = new StoreOutage();
    outage.failed();
    clock.advance(10 * OUTAGE_QUIET_MS);
    expect(outage.on).toBe(true);
  });

  it('reminds of an outage that goes on at most once every OUTAGE_REMINDER_MS, at a failed call, with its failures and length so far', () => {
    const outage = new StoreOutage();
    expect(outage.failed()).toBe(true);
    // A store that never recovers (an ACL that forbids the scripts): a failure every second.
    const reminders = [];
    for (let second = 1; second <= (2 * OUTAGE_REMINDER_MS) / 1000 + 30; second++) {
      clock.advance(1000);
      expect(outage.failed()).toBe(false);
      const reminder = outage.reminder();
      if (reminder !== undefined) reminders.push({ second, ...reminder });
    }
    expect(reminders).toEqual([
      { second: 300, failedCalls: 301, outageMs: 300_000 },
      { second: 600, failedCalls: 601, outageMs: 600_000 },
    ]);
  });

  it('reminds of nothing when no outage is on, or once it ended', () => {
    const outage = new StoreOutage();
    expect(outage.reminder()).toBeUndefined();
    outage.failed();
    clock.advance(OUTAGE_REMINDER_MS + OUTAGE_QUIET_MS);
    expect(outage.answered()).toEqual({ failedCalls: 1, outageMs: 0 });
    expect(outage.reminder()).toBeUndefined();
  });
});
