import { Deadlines } from '../../src/rate-limit/deadlines.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Deadlines', () => {
  it('expires every call not done within the timeout, each once', async () => {
    const deadlines = new Deadlines(20);
    const expired: number[] = [];
    const calls = [0, 1, 2, 3].map((i) => deadlines.track(() => expired.push(i)));
    calls[1]!.done = true;
    await wait(60);
    expect(expired).toEqual([0, 2, 3]);
    expect(calls.every((call) => call.done)).toBe(true);
  });

  it('expires later calls at their own deadline, not the first one’s', async () => {
    const deadlines = new Deadlines(30);
    const expired: string[] = [];
    deadlines.track(() => expired.push('early'));
    await wait(20);
    deadlines.track(() => expired.push('late'));
    await wait(20);
    expect(expired).toEqual(['early']);
    await wait(30);
    expect(expired).toEqual(['early', 'late']);
  });

  it('keeps no timer once nothing is pending, and never holds the process open', async () => {
    const deadlines = new Deadlines(10);
    const call = deadlines.track(() => undefined);
    call.done = true;
    await wait(30);
    // A new call after the queue emptied is timed out again.
    let expired = false;
    deadlines.track(() => {
      expired = true;
    });
    await wait(30);
    expect(expired).toBe(true);
  });
});
