/**
 * The contract every OperationLockStore passes, written once and run against
 * each store (memory-lock-store.test.ts, redis-lock-store.test.ts). Time is
 * a controlled clock that both stores accept as `now`.
 */
import type { OperationLockStore } from '../../src/index.js';

export interface ContractClock {
  now: () => number;
  advance(ms: number): void;
}

/** A store on `clock`, fresh for each test, and how to let it go. */
export type MakeStore = (clock: ContractClock) => Promise<{
  store: OperationLockStore;
  close?: () => Promise<void> | void;
}>;

const LEASE = 1000;
const KEEP = 60_000;

export function lockStoreContract(make: MakeStore): void {
  let clock: ContractClock;
  let store: OperationLockStore;
  let close: (() => Promise<void> | void) | undefined;

  beforeEach(async () => {
    let now = 1_700_000_000_000;
    clock = { now: () => now, advance: (ms) => void (now += ms) };
    ({ store, close } = await make(clock));
  });

  afterEach(async () => {
    await store.shutdown?.();
    await close?.();
  });

  it('acquires a free key, and reports it running to anyone else, with its fingerprint and lease', async () => {
    expect(await store.acquire('k', 'owner', 'fp', LEASE)).toEqual({ state: 'acquired' });
    clock.advance(400);
    expect(await store.acquire('k', 'other', 'fp2', LEASE)).toEqual({
      state: 'running',
      fingerprint: 'fp',
      leaseMs: 600,
    });
  });

  it('lets a lease expire by itself: once it has run out, another token acquires', async () => {
    await store.acquire('k', 'owner', 'fp', LEASE);
    clock.advance(LEASE - 1);
    expect((await store.acquire('k', 'other', 'fp', LEASE)).state).toBe('running');
    clock.advance(1);
    expect(await store.acquire('k', 'other', 'fp', LEASE)).toEqual({ state: 'acquired' });
  });

  it('completes for the owner: the record replaces the lock, with the fingerprint and response', async () => {
    await store.acquire('k', 'owner', 'fp', LEASE);
    expect(await store.complete('k', 'owner', '{"s":201}', KEEP)).toBe(true);
    expect(await store.acquire('k', 'other', 'fp2', LEASE)).toEqual({
      state: 'done',
      fingerprint: 'fp',
      response: '{"s":201}',
    });
  });

  it('answers true, changing nothing, when the token that completed asks again (its first answer was lost)', async () => {
    await store.acquire('k', 'owner', 'fp', LEASE);
    expect(await store.complete('k', 'owner', 'first', KEEP)).toBe(true);
    expect(await store.complete('k', 'owner', 'second', KEEP)).toBe(true);
    expect(await store.complete('k', 'other', 'third', KEEP)).toBe(false);
    expect(await store.acquire('k', 'other', 'fp', LEASE)).toEqual({
      state: 'done',
      fingerprint: 'fp',
      response: 'first',
    });
  });

  it('keeps a record replayMs, then forgets it', async () => {
    await store.acquire('k', 'owner', 'fp', LEASE);
    await store.complete('k', 'owner', 'r', KEEP);
    clock.advance(KEEP - 1);
    expect((await store.acquire('k', 'other', 'fp', LEASE)).state).toBe('done');
    clock.advance(1);
    expect(await store.acquire('k', 'other', 'fp', LEASE)).toEqual({ state: 'acquired' });
  });

  it('refuses to complete, release or renew for a token that does not hold the lock', async () => {
    await store.acquire('k', 'owner', 'fp', LEASE);
    expect(await store.complete('k', 'intruder', 'r', KEEP)).toBe(false);
    expect(await store.release('k', 'intruder')).toBe(false);
    expect(await store.renew('k', 'intruder', LEASE)).toBe(false);
    expect(await store.acquire('k', 'other', 'fp', LEASE)).toEqual({
      state: 'running',
      fingerprint: 'fp',
      leaseMs: LEASE,
    });
  });

  it('changes nothing for an owner whose lease expired, even once another request holds the key', async () => {
    await store.acquire('k', 'stale', 'fp', LEASE);
    clock.advance(LEASE);
    expect(await store.complete('k', 'stale', 'late', KEEP)).toBe(false);
    expect(await store.acquire('k', 'fresh', 'fp', LEASE)).toEqual({ state: 'acquired' });
    expect(await store.complete('k', 'stale', 'late', KEEP)).toBe(false);
    expect(await store.release('k', 'stale')).toBe(false);
    expect(await store.renew('k', 'stale', LEASE)).toBe(false);
    clock.advance(10);
    expect(await store.acquire('k', 'third', 'fp', LEASE)).toEqual({
      state: 'running',
      fingerprint: 'fp',
      leaseMs: LEASE - 10,
    });
    expect(await store.complete('k', 'fresh', 'ok', KEEP)).toBe(true);
    expect(await store.acquire('k', 'third', 'fp', LEASE)).toEqual({
      state: 'done',
      fingerprint: 'fp',
      response: 'ok',
    });
  });

  it('releases for the owner: the key is free at once', async () => {
    await store.acquire('k', 'owner', 'fp', LEASE);
    expect(await store.release('k', 'owner')).toBe(true);
    expect(await store.release('k', 'owner')).toBe(false);
    expect(await store.acquire('k', 'other', 'fp2', LEASE)).toEqual({ state: 'acquired' });
  });

  it('renews a lease from now, so that a long request keeps its lock past the first lease', async () => {
    await store.acquire('k', 'owner', 'fp', LEASE);
    clock.advance(900);
    expect(await store.renew('k', 'owner', LEASE)).toBe(true);
    clock.advance(900);
    expect(await store.acquire('k', 'other', 'fp', LEASE)).toEqual({
      state: 'running',
      fingerprint: 'fp',
      leaseMs: 100,
    });
    expect(await store.complete('k', 'owner', 'r', KEEP)).toBe(true);
  });

  it('does not renew a lease that has run out', async () => {
    await store.acquire('k', 'owner', 'fp', LEASE);
    clock.advance(LEASE);
    expect(await store.renew('k', 'owner', LEASE)).toBe(false);
    expect(await store.acquire('k', 'other', 'fp', LEASE)).toEqual({ state: 'acquired' });
  });

  it('keeps keys apart, including ones that look alike once stored', async () => {
    const keys = [
      'a',
      '',
      '~',
      '}x',
      '~}x',
      '#a',
      `long:${'x'.repeat(300)}`,
      `long:${'x'.repeat(299)}y`,
    ];
    for (const [i, key] of keys.entries()) {
      expect(await store.acquire(key, `t${i}`, `fp${i}`, LEASE)).toEqual({ state: 'acquired' });
    }
    for (const [i, key] of keys.entries()) {
      expect(await store.acquire(key, 'other', 'x', LEASE)).toMatchObject({
        fingerprint: `fp${i}`,
      });
    }
  });

  it('stores any string as a response, byte for byte', async () => {
    const response = JSON.stringify({
      b: Buffer.from([0, 255, 10, 13]).toString('base64'),
      t: 'é ✓ "q"',
    });
    await store.acquire('k', 'owner', 'fp', LEASE);
    await store.complete('k', 'owner', response, KEEP);
    expect(await store.acquire('k', 'other', 'fp', LEASE)).toMatchObject({ response });
  });
}
