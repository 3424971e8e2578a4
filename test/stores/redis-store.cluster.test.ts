import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  RedisLockStore,
  RedisStore,
  errorHandler,
  rateLimit,
  type RateLimitPolicy,
} from '../../src/index.js';
import { consumeScript } from '../../src/stores/redis-script.js';
import { commandSender, redisScript } from '../../src/stores/redis-client.js';
import {
  connectClusterClient,
  startRedisCluster,
  type RedisCluster,
} from '../helpers/redis-cluster.js';
import { statusClient } from '../helpers/http-status.js';
import { lockStoreContract } from '../operation-lock/lock-store.contract.js';
import { describeWithRedisCluster, uniquePrefix, type ClientKind } from '../helpers/redis.js';

// One local cluster (three masters, three replicas) for the whole file, started by the file itself.
const policy = (
  windows: { limit: number; windowMs: number }[],
  block?: RateLimitPolicy['block'],
): RateLimitPolicy => ({
  algorithm: 'fixed-window',
  windows: windows.map((w, i) => ({ ...w, name: `w${i}` })),
  block,
});

/** The Redis key of `key`'s counts in a store with `prefix` (keys here need no escaping). */
const countsKey = (prefix: string) => (key: string) => `${prefix}{${key}}`;

describeWithRedisCluster('RedisStore on a Redis Cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  describe.each<ClientKind>(['ioredis', 'node-redis'])('with %s', (kind) => {
    let connection: Awaited<ReturnType<typeof connectClusterClient>>;
    beforeAll(async () => {
      connection = await connectClusterClient(kind, cluster);
    });
    afterAll(async () => {
      await connection?.close();
    });

    function storeWith(p: RateLimitPolicy, prefix = uniquePrefix()) {
      const store = new RedisStore({ client: connection.client, prefix });
      store.init(p);
      return store;
    }

    /** Two keys on each master of the cluster, for a store with `prefix`. */
    const keysOfEveryMaster = (prefix: string) =>
      cluster.keysOnEveryMaster(2, countsKey(prefix)).then((keys) => keys.map((k) => k.key));

    it('allows exactly limit requests, then refuses with a wait, on keys of every master', async () => {
      const prefix = uniquePrefix();
      const store = storeWith(policy([{ limit: 3, windowMs: 60_000 }]), prefix);
      for (const key of await keysOfEveryMaster(prefix)) {
        const decisions = [];
        for (let i = 0; i < 4; i++) decisions.push(await store.consume(key, 1));
        expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
          [true, 2],
          [true, 1],
          [true, 0],
          [false, 0],
        ]);
        expect(decisions[3]!.retryAfterMs).toBeGreaterThan(0);
        expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
    });

    it('blocks a key refused too often, its counts and block record in one slot', async () => {
      const prefix = uniquePrefix();
      const store = storeWith(
        policy([{ limit: 1, windowMs: 60_000 }], {
          after: 1,
          withinMs: 60_000,
          durationMs: 60_000,
        }),
        prefix,
      );
      for (const key of await keysOfEveryMaster(prefix)) {
        expect((await store.consume(key, 1)).allowed).toBe(true);
        expect(await store.consume(key, 1)).toMatchObject({ allowed: false, blockedMs: 60_000 });
        const during = await store.consume(key, 1);
        expect(during.allowed).toBe(false);
        expect(during.blockedMs).toBeGreaterThan(0);
        expect(during.blockedMs).toBeLessThanOrEqual(60_000);
      }
    });

    it('answers get() without spending, and undefined for an unknown key', async () => {
      const prefix = uniquePrefix();
      const store = storeWith(policy([{ limit: 3, windowMs: 60_000 }]), prefix);
      for (const key of await keysOfEveryMaster(prefix)) {
        expect(await store.get(key)).toBeUndefined();
        await store.consume(key, 1);
        expect(await store.get(key)).toMatchObject({ allowed: true, remaining: 2 });
        expect(await store.get(key)).toMatchObject({ allowed: true, remaining: 2 });
      }
    });

    it('gives back refunded requests and forgets a reset key', async () => {
      const prefix = uniquePrefix();
      const store = storeWith(policy([{ limit: 2, windowMs: 60_000 }]), prefix);
      for (const key of await keysOfEveryMaster(prefix)) {
        await store.consume(key, 1);
        await store.consume(key, 1);
        expect((await store.consume(key, 1)).allowed).toBe(false);
        await store.refund(key, 1);
        expect(await store.consume(key, 1)).toMatchObject({ allowed: true, remaining: 0 });
        await store.reset(key);
        expect(await store.get(key)).toBeUndefined();
        expect(await store.consume(key, 1)).toMatchObject({ allowed: true, remaining: 1 });
      }
    });

    it('is exact under concurrency: two app instances, limit 20, 200 concurrent requests per key on keys of all three masters, 20 succeed for each', async () => {
      const prefix = uniquePrefix();
      const keys = await cluster.keysOnEveryMaster(4, countsKey(prefix));
      expect(new Set(keys.map((k) => k.port)).size).toBe(3);
      const instances = await Promise.all(
        [0, 1].map(async () => {
          const { client, close } = await connectClusterClient(kind, cluster);
          const app = express();
          app.use(
            rateLimit({
              limit: 20,
              windowMs: 3_600_000,
              key: (req) => req.get('x-client') ?? '',
              logger: false,
              store: new RedisStore({ client, prefix }),
            }),
          );
          app.get('/', (_req, res) => {
            res.json({});
          });
          app.use(errorHandler({ logger: false }));
          const server = app.listen(0, '127.0.0.1');
          await new Promise((resolve) => server.once('listening', resolve));
          return { server, close, port: (server.address() as AddressInfo).port };
        }),
      );
      const http = statusClient();
      try {
        const perKey = await Promise.all(
          keys.map(({ key }) =>
            Promise.all(
              Array.from({ length: 200 }, (_, i) =>
                http.status(`http://127.0.0.1:${instances[i % 2]!.port}/`, { 'x-client': key }),
              ),
            ),
          ),
        );
        for (const statuses of perKey) {
          expect(statuses.filter((status) => status === 200)).toHaveLength(20);
          expect(statuses.filter((status) => status === 429)).toHaveLength(180);
        }
      } finally {
        http.close();
        for (const instance of instances) {
          await new Promise((resolve) => instance.server.close(resolve));
          await instance.close();
        }
      }
    }, 60_000);

    it('after SCRIPT FLUSH on every master, runs the script on the node that owns the key, and stays exact', async () => {
      const prefix = uniquePrefix();
      // A limit no other test uses, so that the script is this test's own.
      const p = policy([{ limit: 5, windowMs: 61_000 }]);
      const sha = redisScript(consumeScript(p, 'redis')).sha;
      const store = storeWith(p, prefix);
      const masters = (await cluster.masters()).map((m) => m.port);
      const exists = () =>
        Promise.all(masters.map((port) => cluster.command(port, ['script', 'exists', sha])));
      for (const port of masters) await cluster.command(port, ['script', 'flush']);
      expect(await exists()).toEqual([[0], [0], [0]]);

      // One key: the script is now cached on its master alone.
      const [first] = await cluster.keysOnEveryMaster(1, countsKey(prefix));
      expect(await store.consume(first!.key, 1)).toMatchObject({ allowed: true, remaining: 4 });
      expect(await exists()).toEqual(masters.map((port) => [port === first!.port ? 1 : 0]));

      // Every master's cache empty again, then concurrent calls on keys of every master.
      for (const port of masters) await cluster.command(port, ['script', 'flush']);
      const keys = await cluster.keysOnEveryMaster(3, countsKey(prefix));
      const fresh = keys.filter((k) => k.key !== first!.key);
      const perKey = await Promise.all(
        fresh.map(({ key }) =>
          Promise.all(Array.from({ length: 30 }, () => store.consume(key, 1))),
        ),
      );
      for (const decisions of perKey) expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
      expect(await exists()).toEqual([[1], [1], [1]]);
    }, 30_000);

    it('follows a key whose slot moved to another master (MOVED), its counts with it, and loads the script there', async () => {
      const prefix = uniquePrefix();
      // A window no other test uses, so that the script is this test's own.
      const p = policy([{ limit: 5, windowMs: 62_000 }]);
      const sha = redisScript(consumeScript(p, 'redis')).sha;
      const store = storeWith(p, prefix);
      const [{ key, port }] = (await cluster.keysOnEveryMaster(1, countsKey(prefix))) as [
        { key: string; port: number },
      ];
      for (let i = 0; i < 3; i++) await store.consume(key, 1);
      const to = (await cluster.masters()).find((m) => m.port !== port)!.port;
      await cluster.command(to, ['script', 'flush']);
      const slot = Number(
        await cluster.command(to, ['cluster', 'keyslot', countsKey(prefix)(key)]),
      );
      await cluster.moveSlot(slot, to);

      expect(await store.consume(key, 1)).toMatchObject({ allowed: true, remaining: 1 });
      expect(await store.consume(key, 1)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.consume(key, 1)).allowed).toBe(false);
      expect(await cluster.command(to, ['exists', countsKey(prefix)(key)])).toBe(1);
      expect(await cluster.command(to, ['script', 'exists', sha])).toEqual([1]);
    }, 30_000);

    it('decides and blocks a key with a block policy while its slot is being moved: one key a call, so never TRYAGAIN', async () => {
      const prefix = uniquePrefix();
      const store = storeWith(
        policy([{ limit: 1, windowMs: 60_000 }], {
          after: 2,
          withinMs: 60_000,
          durationMs: 60_000,
        }),
        prefix,
      );
      const [{ key, port }] = (await cluster.keysOnEveryMaster(1, countsKey(prefix))) as [
        { key: string; port: number },
      ];
      expect((await store.consume(key, 1)).allowed).toBe(true);
      const to = (await cluster.masters()).find((m) => m.port !== port)!.port;
      const slot = Number(
        await cluster.command(to, ['cluster', 'keyslot', countsKey(prefix)(key)]),
      );
      const move = await cluster.startSlotMove(slot, to);
      try {
        // Its counts still on the source, which answers for them.
        expect(await store.consume(key, 1)).toMatchObject({ allowed: false, blockedMs: 0 });
        await move.moveKeys();
        // Gone to the target: the source answers ASK, and the client asks there.
        expect(await cluster.command(port, ['cluster', 'countkeysinslot', String(slot)])).toBe(0);
        expect(await store.consume(key, 1)).toMatchObject({ allowed: false, blockedMs: 60_000 });
      } finally {
        await move.moveKeys();
        await move.finish();
      }
      expect((await store.consume(key, 1)).blockedMs).toBeGreaterThan(0);
    }, 30_000);

    it('routes commands with their first key, writing (never read-only) to the master', async () => {
      const sent: unknown[][] = [];
      const client = connection.client as unknown as Record<
        string,
        (...args: unknown[]) => unknown
      >;
      const real = client[kind === 'ioredis' ? 'call' : 'sendCommand']!;
      const recording = new Proxy(client, {
        get(target, name, receiver) {
          if (name !== (kind === 'ioredis' ? 'call' : 'sendCommand')) {
            return Reflect.get(target, name, receiver) as unknown;
          }
          return (...args: unknown[]) => {
            sent.push(args);
            return real.apply(target, args);
          };
        },
      });
      const send = commandSender('test', recording);
      const key = `${uniquePrefix()}{k}`;
      expect(await send(['set', key, 'v'], key)).toBe('OK');
      expect(await send(['get', key], key)).toBe('v');
      expect(sent).toEqual(
        kind === 'ioredis'
          ? [
              ['set', key, 'v'],
              ['get', key],
            ]
          : [
              [key, false, ['set', key, 'v']],
              [key, false, ['get', key]],
            ],
      );
    });

    it('reads the eviction policy from the node that answers INFO', async () => {
      const setPolicy = (policy: string) =>
        Promise.all(
          cluster.nodes.map(({ port }) =>
            cluster.command(port, ['config', 'set', 'maxmemory-policy', policy]),
          ),
        );
      const stores = () => [
        new RedisStore({ client: connection.client, prefix: uniquePrefix() }),
        new RedisLockStore({ client: connection.client, prefix: uniquePrefix() }),
      ];
      await setPolicy('allkeys-lru');
      try {
        const policies = await Promise.all(stores().map((store) => store.evictionPolicy()));
        expect(policies).toEqual(['allkeys-lru', 'allkeys-lru']);
      } finally {
        await setPolicy('noeviction');
      }
      const policies = await Promise.all(stores().map((store) => store.evictionPolicy()));
      expect(policies).toEqual([undefined, undefined]);
    });
  });
  // The operation-lock store runs on the same seam (commandSender, runScript, hashTag).
  describe.each<ClientKind>(['ioredis', 'node-redis'])(
    'RedisLockStore with %s: the store contract',
    (kind) => {
      lockStoreContract(async (clock) => {
        const connection = await connectClusterClient(kind, cluster);
        const store = new RedisLockStore({
          client: connection.client,
          prefix: uniquePrefix(),
          now: clock.now,
        });
        return { store, close: connection.close };
      });
    },
  );
});
