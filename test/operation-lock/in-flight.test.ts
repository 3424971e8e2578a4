import { InFlight } from '../../src/operation-lock/in-flight.js';

/** Whether `promise` has resolved once the microtasks queued now have run. */
async function resolvedYet(promise: Promise<void>): Promise<boolean> {
  let resolved = false;
  void promise.then(() => (resolved = true));
  await new Promise((next) => setImmediate(next));
  return resolved;
}

describe('InFlight', () => {
  it('is idle at once when nothing is in flight', async () => {
    expect(await resolvedYet(new InFlight().onIdle())).toBe(true);
  });

  it('is idle once the last in flight leaves, for every caller alike', async () => {
    const inFlight = new InFlight();
    inFlight.enter();
    inFlight.enter();
    const first = inFlight.onIdle();
    expect(inFlight.onIdle()).toBe(first);
    inFlight.leave();
    expect(await resolvedYet(first)).toBe(false);
    inFlight.leave();
    expect(await resolvedYet(first)).toBe(true);
  });

  it('counts what enters after onIdle() was called, as p-queue does', async () => {
    const inFlight = new InFlight();
    inFlight.enter();
    const idle = inFlight.onIdle();
    inFlight.enter();
    inFlight.leave();
    expect(await resolvedYet(idle)).toBe(false);
    inFlight.leave();
    expect(await resolvedYet(idle)).toBe(true);
  });

  it('lets a request leave once, however many of its ends settle it', async () => {
    const inFlight = new InFlight();
    const request = { settled: false };
    inFlight.enter();
    inFlight.enter();
    inFlight.settled(request);
    inFlight.settled(request);
    expect(request.settled).toBe(true);
    expect(await resolvedYet(inFlight.onIdle())).toBe(false);
  });

  it('hands out a new promise for the next busy spell', async () => {
    const inFlight = new InFlight();
    inFlight.enter();
    const first = inFlight.onIdle();
    inFlight.leave();
    inFlight.enter();
    const second = inFlight.onIdle();
    expect(second).not.toBe(first);
    expect(await resolvedYet(second)).toBe(false);
  });
});
