import type { AddressInfo } from 'node:net';
import express from 'express';
import { RedisStore, errorHandler, rateLimit } from '../../src/index.js';
import { redisScript } from '../../src/stores/redis-client.js';
import { consumeScript } from '../../src/stores/redis-script.js';
import {
  connectClusterClient,
  startRedisCluster,
  type RedisCluster,
} from '../helpers/redis-cluster.js';
import { statusClient } from '../helpers/http-status.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { describeWithRedisCluster, uniquePrefix, type ClientKind } from '../helpers/redis.js';
import { sleep } from '../helpers/event-loop.js';

// One local cluster (three masters, three replicas) for the file. Each client's test
// kills a master that still has a replica, so the two tests fail over different masters.
describeWithRedisCluster('RedisStore on a Redis Cluster when a master fails', () => {
  let cluster: RedisCluster;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  /**
   * An app instance with its own cluster client: `/open` limits with
   * `failOpen: true`, `/closed` with `failOpen: false`, each under its own
   * prefix; both limit 20 per `x-client` header. The fail-closed one logs.
   */
  async function instance(kind: ClientKind, prefixes: { open: string; closed: string }) {
    const { client, close } = await connectClusterClient(kind, cluster);
    const logs = captureLogs();
    const app = express();
    for (const failOpen of [true, false]) {
      app.get(
        failOpen ? '/open' : '/closed',
        rateLimit({
          limit: 20,
          windowMs: 3_600_000,
          key: (req) => req.get('x-client') ?? '',
          failOpen,
          storeTimeoutMs: 1000,
          logger: failOpen ? false : logs.logger,
          store: new RedisStore({ client, prefix: failOpen ? prefixes.open : prefixes.closed }),
        }),
        (_req, res) => {
          res.json({});
        },
      );
    }
    app.use(errorHandler({ logger: false }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    return {
      port,
      /** What the fail-closed limiter logged of its store, by code. */
      codes: async () => {
        await flushed();
        return logs.lines
          .map((line) => String(line.code))
          .filter((code) => code.startsWith('RATE_LIMIT_STORE'));
      },
      get: (path: string, key: string) =>
        fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'x-client': key } }),
      close: async () => {
        await new Promise((resolve) => server.close(resolve));
        await close();
      },
    };
  }

  it.each<ClientKind>(['ioredis', 'node-redis'])(
    'with %s: fails open or closed as configured while a master is down, and is exact again once its replica is promoted',
    async (kind) => {
      const prefixes = { open: uniquePrefix(), closed: uniquePrefix() };
      const instances = [await instance(kind, prefixes), await instance(kind, prefixes)];
      try {
        const victim = (await cluster.masters()).find((m) => m.replicas.length > 0)!.port;
        const keyOn = async (port: number, prefix: string) =>
          (await cluster.keysOnEveryMaster(1, (key) => `${prefix}{${key}}`)).find(
            (k) => k.port === port,
          )!.key;
        // The same key name on both prefixes would hash differently: one key per path.
        const openKey = await keyOn(victim, prefixes.open);
        const closedKey = await keyOn(victim, prefixes.closed);
        const [a] = instances;
        expect((await a!.get('/open', openKey)).status).toBe(200);
        expect((await a!.get('/closed', closedKey)).status).toBe(200);

        const promoted = await cluster.failOver(victim, async () => {
          // The master is dead and no replica is promoted yet (that takes over a second).
          const [open, closed] = await Promise.all([
            a!.get('/open', openKey),
            a!.get('/closed', closedKey),
          ]);
          expect(open.status).toBe(200);
          expect(closed.status).toBe(503);
          expect(closed.headers.get('retry-after')).toBe('5');
        });
        expect(promoted).not.toBe(victim);
        // The promoted replica has no scripts: its first call answers NOSCRIPT.
        const consume = redisScript(
          consumeScript({
            algorithm: 'gcra',
            windows: [{ limit: 20, windowMs: 3_600_000, name: '' }],
            block: undefined,
          }),
        );
        const scriptOnPromoted = () => cluster.command(promoted, ['script', 'exists', consume.sha]);
        expect(await scriptOnPromoted()).toEqual([0]);

        // Each client finds the promoted replica by itself, in a bounded time: a key of its
        // slots answers 200 (a 503 until then, failing closed).
        const keys = await cluster.keysOnEveryMaster(3, (key) => `${prefixes.closed}{${key}}`);
        const probe = keys.find((k) => k.port === promoted && k.key !== closedKey)!.key;
        for (const inst of instances) {
          const seen: number[] = [];
          for (let attempt = 0; attempt < 100 && seen.at(-1) !== 200; attempt++) {
            seen.push((await inst.get('/closed', probe)).status);
            if (seen.at(-1) !== 200) await sleep(100);
          }
          expect(seen.at(-1)).toBe(200);
        }

        // Exact again on keys of every master, the promoted one included (it has no scripts).
        const fresh = keys.filter((k) => k.key !== closedKey && k.key !== probe);
        expect(fresh.map((k) => k.port)).toContain(promoted);
        const before = await Promise.all(instances.map((inst) => inst.codes()));
        const http = statusClient();
        const perKey = await Promise.all(
          fresh.map(({ key }) =>
            Promise.all(
              Array.from({ length: 200 }, (_, i) =>
                http.status(`http://127.0.0.1:${instances[i % 2]!.port}/closed`, {
                  'x-client': key,
                }),
              ),
            ),
          ),
        ).finally(() => http.close());
        // No store failure after the failover (a failure would be a 503 here, and logged).
        const after = await Promise.all(instances.map((inst) => inst.codes()));
        expect(after.map((codes, i) => codes.slice(before[i]!.length))).toEqual([[], []]);
        for (const statuses of perKey) {
          const counts = { 200: 0, 429: 0 } as Record<number, number>;
          for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
          expect(counts).toEqual({ 200: 20, 429: 180 });
        }
        expect(await scriptOnPromoted()).toEqual([1]);
      } finally {
        for (const inst of instances) await inst.close();
      }
    },
    60_000,
  );
});
