import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import request from 'supertest';
import { MemoryStore, RedisLockStore, RedisStore, type RedisClient } from '../../src/index.js';
import { readEvictionPolicy } from '../../src/stores/eviction-policy.js';
import { commandSender } from '../../src/stores/redis-client.js';
import { limitedApp, statusesOf } from '../helpers/limited-app.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import {
  connectClient,
  describeWithRedis,
  freePort,
  startRedisServer,
  stopRedisServer,
  uniquePrefix,
  type ClientKind,
} from '../helpers/redis.js';
import { sleep } from '../helpers/event-loop.js';

const RATE_LIMIT_LINE =
  "The rate-limit store's Redis may evict keys: its `maxmemory-policy` (`maxmemoryPolicy`) is not `noeviction`, so once it reaches `maxmemory` it deletes counts and blocks to make room, without an error: clients get their quota back and blocks are lifted. Set `maxmemory-policy noeviction`, or give the store a Redis of its own that is set so.";
const LOCK_LINE =
  "The operation-lock store's Redis may evict keys: its `maxmemory-policy` (`maxmemoryPolicy`) is not `noeviction`, so once it reaches `maxmemory` it deletes running locks and recorded responses to make room, without an error: a duplicate runs beside the request it duplicates, and a retry runs again. Set `maxmemory-policy noeviction`, or give the store a Redis of its own that is set so.";

type Logs = ReturnType<typeof captureLogs>;

/** The lines logged, without pino's own fields. */
function linesOf(logs: Logs) {
  return logs.lines.map(({ time: _time, pid: _pid, hostname: _hostname, ...line }) => line);
}

/** Two POSTs with one Idempotency-Key through `operationLock` on `store`: the first runs, the retry is replayed. */
async function lockedTwice(store: RedisLockStore, logs: Logs) {
  const gate = new Gate();
  gate.open();
  const app = lockedApp({ replay: true, store, logger: logs.logger }, gate);
  const send = () => request(app).post('/orders').set('Idempotency-Key', 'k1').send({ item: 1 });
  return [(await send()).status, (await send()).get('idempotent-replayed')];
}

function ioredisClient(url: string) {
  const client = new Redis(url, { enableReadyCheck: false });
  client.on('error', () => undefined);
  return { client, close: async () => void client.disconnect() };
}

/** Waits for the background check: an INFO round trip, then the line. */
async function checked(): Promise<void> {
  await sleep(50);
  await flushed();
}

/**
 * Records the eviction checks the middleware asks of `stores`, so that a
 * test of silence can wait for them rather than for a while: `settled()`
 * answers how many ran, once every one has settled and its line is out.
 */
function watchChecks(...stores: { evictionPolicy(): Promise<string | undefined> }[]) {
  const runs: Promise<unknown>[] = [];
  for (const store of stores) {
    const check = store.evictionPolicy.bind(store);
    store.evictionPolicy = () => {
      const run = check();
      runs.push(run);
      return run;
    };
  }
  return {
    settled: async (): Promise<number> => {
      await Promise.allSettled(runs);
      await flushed();
      return runs.length;
    },
  };
}

// Redis servers of the tests' own, each started with the policy it tests.
describeWithRedis.each<ClientKind>(['ioredis', 'node-redis'])(
  'the Redis stores’ eviction check, with %s',
  (kind) => {
    const servers: ChildProcess[] = [];
    const connections: { close(): Promise<void> }[] = [];

    afterEach(async () => {
      for (const connection of connections.splice(0)) await connection.close();
      for (const server of servers.splice(0)) await stopRedisServer(server);
    });

    /** A client of a redis-server of its own, started with `config`. */
    async function clientOf(config: string[]) {
      const port = await freePort();
      servers.push(await startRedisServer(port, config));
      const connection = await connectClient(kind, `redis://127.0.0.1:${port}`);
      connections.push(connection);
      return connection.client as RedisClient;
    }

    it('warns once that a rate-limit store’s Redis evicts keys, naming the policy', async () => {
      const client = await clientOf(['--maxmemory-policy', 'allkeys-lru']);
      const logs = captureLogs();
      const app = limitedApp({
        store: new RedisStore({ client, prefix: uniquePrefix() }),
        logger: logs.logger,
      });
      expect(await statusesOf(app, 3)).toEqual([200, 200, 429]);
      await checked();
      expect(await statusesOf(app, 1)).toEqual([429]);
      await checked();
      expect(linesOf(logs)).toEqual([
        {
          level: 40,
          code: 'RATE_LIMIT_STORE_EVICTION',
          maxmemoryPolicy: 'allkeys-lru',
          msg: RATE_LIMIT_LINE,
        },
      ]);
    });

    it('warns once that an operation-lock store’s Redis evicts keys, naming the policy', async () => {
      const client = await clientOf(['--maxmemory-policy', 'volatile-ttl']);
      const logs = captureLogs();
      const store = new RedisLockStore({ client, prefix: uniquePrefix() });
      expect(await lockedTwice(store, logs)).toEqual([201, 'true']);
      await checked();
      expect(linesOf(logs)).toEqual([
        {
          level: 40,
          code: 'OPERATION_LOCK_STORE_EVICTION',
          maxmemoryPolicy: 'volatile-ttl',
          msg: LOCK_LINE,
        },
      ]);
    });

    it('says nothing under `noeviction`', async () => {
      const client = await clientOf(['--maxmemory-policy', 'noeviction']);
      const logs = captureLogs();
      const store = new RedisStore({ client, prefix: uniquePrefix() });
      const lockStore = new RedisLockStore({ client, prefix: uniquePrefix() });
      const checks = watchChecks(store, lockStore);
      expect(await statusesOf(limitedApp({ store, logger: logs.logger }), 3)).toEqual([
        200, 200, 429,
      ]);
      expect(await lockedTwice(lockStore, logs)).toEqual([201, 'true']);
      expect(await checks.settled()).toBe(2);
      expect(logs.lines).toEqual([]);
      expect([await store.evictionPolicy(), await lockStore.evictionPolicy()]).toEqual([
        undefined,
        undefined,
      ]);
    });

    it('says nothing, and limits as usual, when an ACL refuses INFO', async () => {
      const port = await freePort();
      servers.push(await startRedisServer(port, ['--maxmemory-policy', 'allkeys-lru']));
      const admin = await connectClient(kind, `redis://127.0.0.1:${port}`);
      connections.push(admin);
      await commandSender(
        'test',
        admin.client,
      )(['acl', 'setuser', 'app', 'on', '>secret', '~*', '&*', '+@all', '-info']);
      // ioredis's own ready check runs INFO too: off, as such a set-up would have it.
      const connection =
        kind === 'ioredis'
          ? ioredisClient(`redis://app:secret@127.0.0.1:${port}`)
          : await connectClient(kind, `redis://app:secret@127.0.0.1:${port}`);
      connections.push(connection);
      const client = connection.client as RedisClient;
      const logs = captureLogs();
      const store = new RedisStore({ client, prefix: uniquePrefix() });
      const lockStore = new RedisLockStore({ client, prefix: uniquePrefix() });
      const checks = watchChecks(store, lockStore);
      expect(await statusesOf(limitedApp({ store, logger: logs.logger }), 3)).toEqual([
        200, 200, 429,
      ]);
      expect(await lockedTwice(lockStore, logs)).toEqual([201, 'true']);
      expect(await checks.settled()).toBe(2);
      expect(logs.lines).toEqual([]);
      expect([await store.evictionPolicy(), await lockStore.evictionPolicy()]).toEqual([
        undefined,
        undefined,
      ]);
      // What the ACL hides: the admin's store reads the policy.
      const adminStore = new RedisStore({ client: admin.client as RedisClient });
      expect(await adminStore.evictionPolicy()).toBe('allkeys-lru');
    });
  },
);

describe('the eviction check', () => {
  it('reads the policy from INFO, and nothing for `noeviction` or a reply without one', () => {
    const info = (policy: string) =>
      `# Memory\r\nused_memory:1\r\nmaxmemory:0\r\nmaxmemory_policy:${policy}\r\nallocator_frag_ratio:1\r\n`;
    expect(readEvictionPolicy(info('allkeys-lfu'))).toBe('allkeys-lfu');
    expect(readEvictionPolicy(Buffer.from(info('volatile-lru')))).toBe('volatile-lru');
    expect(readEvictionPolicy(info('noeviction'))).toBeUndefined();
    expect(readEvictionPolicy('# Memory\r\nused_memory:1\r\n')).toBeUndefined();
    expect(readEvictionPolicy(null)).toBeUndefined();
  });

  it.each([
    ['never answers', () => new Promise<string>(() => undefined)],
    ['rejects', () => Promise.reject(new Error('NOPERM'))],
    [
      'throws',
      () => {
        throw new Error('no');
      },
    ],
    ['answers no string', () => Promise.resolve(42 as unknown as string)],
  ])(
    'asks once, and neither delays nor fails a request, when a store’s check %s',
    async (_case, check) => {
      const evictionPolicy = jest.fn(check);
      const store = Object.assign(new MemoryStore(), { evictionPolicy });
      const logs = captureLogs();
      const app = limitedApp({ store, logger: logs.logger });
      expect(await statusesOf(app, 3)).toEqual([200, 200, 429]);
      await checked();
      expect(evictionPolicy).toHaveBeenCalledTimes(1);
      expect(logs.lines).toEqual([]);
    },
  );
});
