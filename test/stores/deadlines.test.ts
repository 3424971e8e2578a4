import { createServer, connect, type Socket } from 'node:net';
import { Deadlines, type Pending } from '../../src/stores/deadlines.js';
import { blockEventLoop, sleep } from '../helpers/event-loop.js';
import { collectGarbage } from '../helpers/heap.js';

describe('Deadlines', () => {
  // Fake time, read by each Deadlines through Date.now() or a clock of the test's: real waits stretch on a loaded machine.
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

  it('settles a call whose answer came during a stall of the event loop, rather than time it out', async () => {
    jest.useRealTimers();
    const { client, server, close } = await socketPair();
    try {
      const deadlines = new Deadlines(50);
      const expired: string[] = [];
      const call = deadlines.track({ request: 1 }, () => expired.push('timed out'));
      const answered = new Promise<unknown>((resolve) =>
        client.once('data', () => resolve(call.settle())),
      );
      // The answer is in the socket at once; the loop then stalls past the deadline.
      server.write('answer');
      blockEventLoop(200);
      await expect(answered).resolves.toEqual({ request: 1 });
      expect(expired).toEqual([]);
    } finally {
      await close();
    }
  });

  it('gives the calls a stall’s length more, for a client that only sent them as the stall ended', async () => {
    jest.useRealTimers();
    const deadlines = new Deadlines(50);
    const expired: string[] = [];
    const call = deadlines.track({ request: 1 }, () => expired.push('timed out'));
    // A client that writes on the next turn of the loop, and a store that answers 10 ms later.
    const answered = new Promise<unknown>((resolve) =>
      setImmediate(() => setTimeout(() => resolve(call.settle()), 10)),
    );
    blockEventLoop(200);
    await expect(answered).resolves.toEqual({ request: 1 });
    expect(expired).toEqual([]);
  });

  it('settles a call whose answer came during a second stall, once the first one’s extra time ran out', async () => {
    jest.useRealTimers();
    const { client, server, close } = await socketPair();
    try {
      const deadlines = new Deadlines(50);
      const expired: string[] = [];
      const call = deadlines.track({ request: 1 }, () => expired.push('timed out'));
      const answered = new Promise<unknown>((resolve) =>
        client.once('data', () => resolve(call.settle())),
      );
      // Just after the deadline's timer, which the first stall made late, gave the call more
      // time: the answer comes, then a second stall outlasts that time.
      setTimeout(() => {
        setImmediate(() => {
          server.write('answer');
          blockEventLoop(200);
        });
      }, 50);
      blockEventLoop(200);
      await expect(answered).resolves.toEqual({ request: 1 });
      expect(expired).toEqual([]);
    } finally {
      await close();
    }
  });

  it('times out a call its store never answers one timeout after a stall past its deadline, at most', () => {
    let clock = 0;
    const deadlines = new Deadlines(20, () => clock);
    const expired: number[] = [];
    deadlines.track({}, () => expired.push(clock));
    // The timer comes due during a stall of 500 ms: it fires 480 ms late.
    clock = 500;
    jest.advanceTimersByTime(20);
    expect(expired).toEqual([]);
    clock = 520;
    jest.advanceTimersByTime(20);
    expect(expired).toEqual([520]);
  });

  it('times out a call its store never answers after one timeout of extra time at most, however late every timer fires', () => {
    let lagMs = 0;
    const deadlines = new Deadlines(100, () => Date.now() + lagMs);
    let expired = 0;
    deadlines.track({}, () => (expired += 1));
    // A loop that runs every timer 60 ms late: 60 ms more, then 40 (100 in all), then the walk.
    let firings = 0;
    while (expired === 0 && firings < 10) {
      lagMs += 60;
      jest.advanceTimersToNextTimer();
      firings += 1;
    }
    expect({ expired, firings }).toEqual({ expired: 1, firings: 4 });
  });

  it.each([0, 1, 5])(
    'gives a call tracked after a timer fired %i ms late the length of a stall that follows',
    (lateMs) => {
      let clock = 0;
      const deadlines = new Deadlines(100, () => clock);
      const expired: string[] = [];
      deadlines.track({}, () => expired.push('older'));
      // The older call's timer fires a few ms late, as timers do on a loaded machine.
      clock = 100 + lateMs;
      jest.advanceTimersByTime(100);
      const call = deadlines.track({}, () => expired.push('new'));
      clock += 400; // a stall of 400 ms, past the new call's deadline
      jest.advanceTimersByTime(10);
      clock += 10; // its answer, read 10 ms after the stall
      jest.advanceTimersByTime(10);
      expect({
        answered: call.settle() !== undefined,
        newExpired: expired.includes('new'),
      }).toEqual({ answered: true, newExpired: false });
    },
  );

  it('lets go of a settled call’s context before the deadline comes', async () => {
    jest.useRealTimers();
    const deadlines = new Deadlines(60_000);
    const { call, held } = trackRequest(deadlines);
    expect(call.settle()).toEqual({ body: 'a request waiting for the store' });
    // WeakRef targets stay alive until the current job ends.
    await sleep(0);
    collectGarbage();
    expect(held.deref()).toBeUndefined();
  });

  it('lets go of a timed-out call’s context, however long its answer takes', async () => {
    jest.useRealTimers();
    const deadlines = new Deadlines(1);
    const { call, held } = trackRequest(deadlines);
    // A loop that runs late (a loaded machine) gives the call as long again, and the walk
    // may wait for the poll phase: wait for the timeout rather than for a set time.
    for (let attempt = 0; !call.done && attempt < 100; attempt++) await sleep(5);
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
    await sleep(0);
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

/** Both ends of a loopback TCP connection, and a way to close them. */
async function socketPair(): Promise<{ client: Socket; server: Socket; close(): Promise<void> }> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as { port: number };
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const server = await accepted;
  return {
    client,
    server,
    close: async () => {
      client.destroy();
      server.destroy();
      await new Promise((resolve) => listener.close(resolve));
    },
  };
}
