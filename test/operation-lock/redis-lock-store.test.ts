import type { Redis } from 'ioredis';
import request from 'supertest';
import { RedisLockStore } from '../../src/index.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { expectOptionError } from '../helpers/option-error.js';
import {
  connectClient,
  describeWithRedis,
  uniquePrefix,
  type ClientKind,
} from '../helpers/redis.js';
import { lockStoreContract } from './lock-store.contract.js';
import { sleep } from '../helpers/event-loop.js';

describeWithRedis.each<ClientKind>(['ioredis', 'node-redis'])(
  'RedisLockStore on %s: the store contract',
  (kind) => {
    lockStoreContract(async (clock) => {
      const connection = await connectClient(kind);
      const store = new RedisLockStore({
        client: connection.client,
        prefix: uniquePrefix(),
        now: clock.now,
      });
      return { store, close: connection.close };
    });
  },
);

describeWithRedis('RedisLockStore on Redis’s clock', () => {
  let connection: { client: Redis; close: () => Promise<void> };
  beforeAll(async () => {
    connection = (await connectClient('ioredis')) as typeof connection;
  });
  afterAll(async () => {
    await connection.close();
  });

  it('keys each lock by a hash tag, so that a script touches one Redis Cluster slot', async () => {
    const prefix = uniquePrefix();
    const store = new RedisLockStore({ client: connection.client, prefix });
    await store.acquire('a}b', 't', 'fp', 60_000);
    const keys = await connection.client.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}{a~)b}`]);
  });

  it('keeps a lock key of up to 256 characters in the Redis key as it is, and a longer one as its digest', async () => {
    const prefix = uniquePrefix();
    const store = new RedisLockStore({ client: connection.client, prefix });
    await store.acquire('k'.repeat(256), 't', 'fp', 60_000);
    await store.acquire('k'.repeat(257), 't', 'fp', 60_000);
    const keys = await connection.client.keys(`${prefix}*`);
    const kept = `${prefix}{${'k'.repeat(256)}}`;
    expect(keys).toHaveLength(2);
    expect(keys).toContain(kept);
    expect(keys.find((key) => key !== kept)).toMatch(/\{#[A-Za-z0-9_-]{43}\}$/);
  });

  it('sets Redis’s own expiry to the lease, then to the record’s lifetime', async () => {
    const prefix = uniquePrefix();
    const store = new RedisLockStore({ client: connection.client, prefix });
    await store.acquire('k', 't', 'fp', 60_000);
    const leased = await connection.client.pttl(`${prefix}{k}`);
    expect(leased).toBeGreaterThan(0);
    expect(leased).toBeLessThanOrEqual(60_000);
    await store.complete('k', 't', 'r', 3_600_000);
    const kept = await connection.client.pttl(`${prefix}{k}`);
    expect(kept).toBeGreaterThan(60_000);
    expect(kept).toBeLessThanOrEqual(3_600_000);
  });

  it('reports the lease left by Redis’s clock', async () => {
    const store = new RedisLockStore({ client: connection.client, prefix: uniquePrefix() });
    await store.acquire('k', 't', 'fp', 60_000);
    const found = await store.acquire('k', 'u', 'fp', 60_000);
    expect(found).toMatchObject({ state: 'running', fingerprint: 'fp' });
    expect((found as { leaseMs: number }).leaseMs).toBeGreaterThan(0);
    expect((found as { leaseMs: number }).leaseMs).toBeLessThanOrEqual(60_000);
  });

  it('runs its scripts again after Redis forgot them (NOSCRIPT), in one more round trip', async () => {
    const store = new RedisLockStore({ client: connection.client, prefix: uniquePrefix() });
    await store.acquire('k', 't', 'fp', 60_000);
    await connection.client.script('FLUSH');
    expect(await store.complete('k', 't', 'r', 60_000)).toBe(true);
    expect(await store.acquire('k', 'u', 'fp', 60_000)).toEqual({
      state: 'done',
      fingerprint: 'fp',
      response: 'r',
    });
  });

  it('answers an acquire after the completion sent before it, even when that completion needs its script again', async () => {
    const store = new RedisLockStore({ client: connection.client, prefix: uniquePrefix() });
    await store.acquire('k', 't', 'fp', 60_000);
    await connection.client.script('FLUSH');
    // Only the acquire script is loaded again: the completion's EVALSHA will get NOSCRIPT and go
    // again as EVAL one round trip later, after the acquire's EVALSHA would have run.
    await store.acquire('other', 't', 'fp', 60_000);
    const completed = store.complete('k', 't', 'r', 60_000);
    const retried = store.acquire('k', 'u', 'fp', 60_000);
    expect(await completed).toBe(true);
    expect(await retried).toEqual({ state: 'done', fingerprint: 'fp', response: 'r' });
  });

  it('answers an acquire even when the completion before it never gets an answer', async () => {
    type Call = (command: string, ...args: string[]) => Promise<unknown>;
    const inner = connection.client as unknown as { call: Call };
    let completing = false;
    const client = {
      // The completion's command is sent and its answer lost, as on a connection that hangs.
      call: (command: string, ...args: string[]): Promise<unknown> =>
        completing ? new Promise(() => undefined) : inner.call(command, ...args),
    };
    const store = new RedisLockStore({ client, prefix: uniquePrefix() });
    await store.acquire('k', 't', 'fp', 60_000);
    completing = true;
    void store.complete('k', 't', 'r', 60_000);
    completing = false;
    await expect(store.acquire('k', 'u', 'fp', 60_000)).resolves.toMatchObject({
      state: 'running',
      fingerprint: 'fp',
    });
  });
});

describeWithRedis('RedisLockStore round trips', () => {
  it('costs a protected request one command to acquire and one to complete (and the store one INFO, once)', async () => {
    const connection = await connectClient('ioredis');
    const sent: string[] = [];
    type Call = (command: string, ...args: string[]) => Promise<unknown>;
    const inner = connection.client as unknown as { call: Call };
    const client = {
      call: (command: string, ...args: string[]): Promise<unknown> => {
        sent.push(command);
        return inner.call(command, ...args);
      },
    };
    try {
      const gate = new Gate();
      gate.open();
      const app = lockedApp(
        { replay: true, store: new RedisLockStore({ client, prefix: uniquePrefix() }) },
        gate,
      );
      const res = await request(app).post('/orders').set('Idempotency-Key', '"one-trip"').send({});
      expect(res.status).toBe(201);
      for (let attempt = 0; sent.length < 3 && attempt < 100; attempt++) {
        await sleep(10);
      }
      // The eviction check's INFO, sent once after the first acquire's answer.
      expect(sent).toEqual(['evalsha', 'info', 'evalsha']);
      const replayed = await request(app)
        .post('/orders')
        .set('Idempotency-Key', '"one-trip"')
        .send({});
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(sent).toEqual(['evalsha', 'info', 'evalsha', 'evalsha']);
    } finally {
      await connection.close();
    }
  });
});

describe('RedisLockStore: options', () => {
  it('refuses a missing client', () => {
    expectOptionError(
      () => new RedisLockStore({} as never),
      'ERR_EAE_OPTION_MISSING',
      'new RedisLockStore(): `client` is required: an ioredis client or a node-redis (v4 or later) client',
    );
  });

  it('answers @node-idempotency’s `url` with what to pass instead', () => {
    expectOptionError(
      () => new RedisLockStore({ url: 'redis://x' } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      'new RedisLockStore(): `url` is not an option: pass a connected ioredis or node-redis client as `client`. The options are `client`, `prefix`, `now`.',
    );
  });

  it('refuses a prefix holding a brace, which would take over the Redis Cluster hash tag', () => {
    expectOptionError(
      () => new RedisLockStore({ client: { call: async () => 1 }, prefix: 'lock:{}:' }),
      'ERR_EAE_OPTION_TYPE',
      'new RedisLockStore(): `prefix` must not hold `{` or `}`: Redis Cluster would hash by it rather than by each client\'s key, got "lock:{}:"',
    );
  });

  it('refuses a prefix that is not a string', () => {
    expectOptionError(
      () => new RedisLockStore({ client: { call: async () => 1 }, prefix: 5 } as never),
      'ERR_EAE_OPTION_TYPE',
      'new RedisLockStore(): `prefix` must be a string, got 5',
    );
  });
});
