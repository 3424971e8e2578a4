import { MemoryLockStore } from '../../src/index.js';
import { expectOptionError } from '../helpers/option-error.js';
import { lockStoreContract } from './lock-store.contract.js';

describe('MemoryLockStore: the store contract', () => {
  lockStoreContract(async (clock) => ({ store: new MemoryLockStore({ now: clock.now }) }));
});

describe('MemoryLockStore: bounds', () => {
  it('forgets the oldest records first when it holds maxEntries keys', () => {
    const store = new MemoryLockStore({ maxEntries: 2, now: () => 0 });
    for (const key of ['a', 'b', 'c']) {
      store.acquire(key, 't', 'fp', 1000);
      store.complete(key, 't', key, 60_000);
    }
    expect(store.size).toBe(2);
    expect(store.acquire('a', 'u', 'fp', 1000)).toEqual({ state: 'acquired' });
    expect(store.acquire('c', 'u', 'fp', 1000)).toEqual({
      state: 'done',
      fingerprint: 'fp',
      response: 'c',
    });
  });

  it('never forgets a running lock to make room: it refuses the new one instead', () => {
    const store = new MemoryLockStore({ maxEntries: 2, now: () => 0 });
    store.acquire('a', 't', 'fp', 1000);
    store.acquire('b', 't', 'fp', 1000);
    expect(() => store.acquire('c', 't', 'fp', 1000)).toThrow(
      'MemoryLockStore is full: 2 requests hold locks (see `maxEntries`)',
    );
    expect(store.acquire('a', 'u', 'fp', 1000)).toMatchObject({ state: 'running' });
  });

  it('frees expired entries before forgetting live records', () => {
    let now = 0;
    const store = new MemoryLockStore({ maxEntries: 2, now: () => now });
    store.acquire('old', 't', 'fp', 10);
    store.acquire('kept', 't', 'fp', 1000);
    store.complete('kept', 't', 'r', 60_000);
    now = 10;
    expect(store.acquire('new', 't', 'fp', 1000)).toEqual({ state: 'acquired' });
    expect(store.acquire('kept', 'u', 'fp', 1000)).toMatchObject({ state: 'done' });
  });

  it('keeps the bytes of its records within maxBytes, forgetting the oldest', () => {
    const store = new MemoryLockStore({ maxBytes: 1000, now: () => 0 });
    for (const key of ['a', 'b', 'c']) {
      store.acquire(key, 't', 'fp', 1000);
      store.complete(key, 't', 'x'.repeat(200), 60_000);
    }
    expect(store.bytes).toBeLessThanOrEqual(1000);
    expect(store.acquire('a', 'u', 'fp', 1000)).toEqual({ state: 'acquired' });
    expect(store.acquire('c', 'u', 'fp', 1000)).toMatchObject({ state: 'done' });
  });

  it('does not keep a record larger than maxBytes: the key is free, as after a release', () => {
    const store = new MemoryLockStore({ maxBytes: 100, now: () => 0 });
    store.acquire('a', 't', 'fp', 1000);
    expect(store.complete('a', 't', 'x'.repeat(200), 60_000)).toBe(true);
    expect(store.bytes).toBe(0);
    expect(store.acquire('a', 'u', 'fp', 1000)).toEqual({ state: 'acquired' });
  });
});

describe('MemoryLockStore: waiting', () => {
  it('wakes a waiter when the key completes, before its time is up', async () => {
    const store = new MemoryLockStore();
    store.acquire('k', 't', 'fp', 60_000);
    const woken = store
      .waitForChange('k', 60_000, new AbortController().signal)
      .then(() => 'woken');
    store.complete('k', 't', 'r', 60_000);
    await expect(woken).resolves.toBe('woken');
  });

  it('wakes a waiter when the key is released, and one whose signal aborts', async () => {
    const store = new MemoryLockStore();
    store.acquire('k', 't', 'fp', 60_000);
    const released = store.waitForChange('k', 60_000, new AbortController().signal);
    store.release('k', 't');
    await released;
    const controller = new AbortController();
    const aborted = store.waitForChange('other', 60_000, controller.signal);
    controller.abort();
    await aborted;
  });

  it('keeps a waiter waiting when its time is longer than a timer can hold', async () => {
    const store = new MemoryLockStore();
    store.acquire('k', 't', 'fp', 60_000);
    const controller = new AbortController();
    const waiting = store.waitForChange('k', 2 ** 31 + 5, controller.signal).then(() => 'woken');
    const after50Ms = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 50));
    await expect(Promise.race([waiting, after50Ms])).resolves.toBe('still waiting');
    controller.abort();
    await waiting;
  });

  it('wakes every waiter on shutdown, and keeps no timer', async () => {
    const store = new MemoryLockStore();
    store.acquire('k', 't', 'fp', 60_000);
    const waiting = store.waitForChange('k', 60_000, new AbortController().signal);
    store.shutdown();
    await waiting;
  });
});

describe('MemoryLockStore: options', () => {
  it('refuses unknown options with the nearest one', () => {
    expectOptionError(
      () => new MemoryLockStore({ maxEntires: 5 } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      'new MemoryLockStore(): `maxEntires` is not an option. Did you mean `maxEntries`? The options are `maxEntries`, `maxBytes`, `now`.',
    );
  });

  it('refuses a maxBytes that is not a whole number of bytes', () => {
    expectOptionError(
      () => new MemoryLockStore({ maxBytes: 0.5 }),
      'ERR_EAE_OPTION_RANGE',
      'new MemoryLockStore(): `maxBytes` must be a whole number of bytes, 1 or more, got 0.5',
    );
  });
});
