import { Deadlines, type Pending } from '../../src/stores/deadlines.js';
import { collectGarbage } from '../helpers/heap.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Deadlines', () => {
  // Fake time, read by each Deadlines through Date.now(): real waits stretch on a loaded machine.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('expires every call not settled within the timeout, each once', () => {
    const deadlines = new Deadlines(20, () => Date.now());
    const expired: number[] = [];
    const calls = [0, 1, 2, 3].map((i) => deadlines.track({}, () => expired.push(i)));
    expect(calls[1]!.settle()).toBeDefined();
    jest.advanceTimersByTime(60);
    expect(expired).toEqual([0, 2, 3]);
    expect(calls.every((call) => call.done)).toBe(true);
  });

  it('refuses to settle a call that already timed out', () => {
    const deadlines = new Deadlines(10, () => Date.now());
    const call = deadlines.track({}, () => undefined);
    expect(call.done).toBe(false);
    jest.advanceTimersByTime(30);
    expect(call.done).toBe(true);
    expect(call.settle()).toBeUndefined();
  });

  it('settles a call once', () => {
    const deadlines = new Deadlines(10);
    const call = deadlines.track({}, () => undefined);
    expect(call.settle()).toBeDefined();
    expect(call.settle()).toBeUndefined();
    expect(call.done).toBe(true);
  });

  it('expires later calls at their own deadline, not the first one’s', () => {
    const deadlines = new Deadlines(30, () => Date.now());
    const expired: string[] = [];
    deadlines.track({}, () => expired.push('early'));
    jest.advanceTimersByTime(20);
    deadlines.track({}, () => expired.push('late'));
    jest.advanceTimersByTime(20);
    expect(expired).toEqual(['early']);
    jest.advanceTimersByTime(30);
    expect(expired).toEqual(['early', 'late']);
  });

  it('keeps no timer once nothing is pending, and never holds the process open', () => {
    const deadlines = new Deadlines(10, () => Date.now());
    const call = deadlines.track({}, () => undefined);
    call.settle();
    jest.advanceTimersByTime(30);
    // A new call after the queue emptied is timed out again.
    let expired = false;
    deadlines.track({}, () => {
      expired = true;
    });
    jest.advanceTimersByTime(30);
    expect(expired).toBe(true);
  });

  it('holds only the calls in flight once the calls before them answered', () => {
    const deadlines = new Deadlines(60_000);
    for (let i = 0; i < 10_000; i++) deadlines.track({}, () => undefined).settle();
    const inFlight = [0, 1, 2].map(() => deadlines.track({}, () => undefined));
    expect(deadlines.size).toBe(3);
    inFlight[0]!.settle();
    deadlines.track({}, () => undefined).settle();
    expect(deadlines.size).toBe(3);
    for (const call of inFlight) call.settle();
  });

  it('keeps calls that answered behind one still waiting until that one ends', () => {
    const deadlines = new Deadlines(20, () => Date.now());
    const expired: string[] = [];
    deadlines.track({}, () => expired.push('slow'));
    deadlines.track({}, () => expired.push('answered')).settle();
    deadlines.track({}, () => expired.push('waiting'));
    expect(deadlines.size).toBe(3);
    jest.advanceTimersByTime(60);
    expect(expired).toEqual(['slow', 'waiting']);
    expect(deadlines.size).toBe(0);
  });

  it('times out a call tracked from inside an expiry callback', () => {
    const deadlines = new Deadlines(20, () => Date.now());
    const expired: string[] = [];
    deadlines.track({}, () => {
      expired.push('first');
      deadlines.track({}, () => expired.push('tracked on expiry'));
    });
    jest.advanceTimersByTime(30);
    expect(expired).toEqual(['first']);
    jest.advanceTimersByTime(40);
    expect(expired).toEqual(['first', 'tracked on expiry']);
  });

  it('keeps timing out calls after an expiry callback throws', () => {
    jest.useFakeTimers();
    try {
      let clock = 0;
      const deadlines = new Deadlines(20, () => clock);
      const expired: string[] = [];
      deadlines.track({}, () => {
        throw new Error('a logger that throws');
      });
      deadlines.track({}, () => expired.push('queued behind it'));
      clock = 25;
      expect(() => jest.advanceTimersByTime(25)).toThrow('a logger that throws');
      clock = 30;
      jest.advanceTimersByTime(5);
      expect(expired).toEqual(['queued behind it']);
      deadlines.track({}, () => expired.push('tracked afterwards'));
      clock = 55;
      jest.advanceTimersByTime(25);
      expect(expired).toEqual(['queued behind it', 'tracked afterwards']);
      expect(deadlines.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets go of a settled call’s context before the deadline comes', async () => {
    jest.useRealTimers();
    const deadlines = new Deadlines(60_000);
    const { call, held } = trackRequest(deadlines);
    expect(call.settle()).toEqual({ body: 'a request waiting for the store' });
    // WeakRef targets stay alive until the current job ends.
    await wait(0);
    collectGarbage();
    expect(held.deref()).toBeUndefined();
  });

  it('lets go of a timed-out call’s context, however long its answer takes', async () => {
    jest.useRealTimers();
    const deadlines = new Deadlines(1);
    const { call, held } = trackRequest(deadlines);
    await wait(20);
    expect(call.done).toBe(true);
    collectGarbage();
    expect(held.deref()).toBeUndefined();
    // The call itself is still reachable, as a hung store's callbacks keep it.
    expect(call.settle()).toBeUndefined();
  });

  it('keeps an unsettled call’s context until it settles', async () => {
    jest.useRealTimers();
    const deadlines = new Deadlines(60_000);
    const { call, held } = trackRequest(deadlines);
    await wait(0);
    collectGarbage();
    expect(held.deref()).toEqual({ body: 'a request waiting for the store' });
    call.settle();
  });
});

/** Tracks a call whose context alone holds a request-like object. */
function trackRequest(deadlines: Deadlines): {
  call: Pending<{ body: string }>;
  held: WeakRef<object>;
} {
  const request = { body: 'a request waiting for the store' };
  return { call: deadlines.track(request, () => undefined), held: new WeakRef(request) };
}
