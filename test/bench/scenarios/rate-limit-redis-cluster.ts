import type { Express } from 'express';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import type { RedisClient } from '../../../src/index.js';
import { loadBuild } from '../library.js';

import { startRedisCluster } from '../../helpers/redis-cluster.js';
import type { Scenario } from '../scenario.js';
import { LIMIT, WINDOW_MS, appWith, prefix } from './limiter-apps.js';

const { RedisStore, rateLimit } = loadBuild();

/** The cluster's nodes, `host:port,host:port,…`, as the runner's `services` passed them. */
function clusterNodes(): { host: string; port: number }[] {
  const nodes = process.env.BENCH_REDIS_CLUSTER_NODES;
  if (!nodes)
    throw new Error('BENCH_REDIS_CLUSTER_NODES is not set: run this scenario with run.ts');
  return nodes.split(',').map((node) => {
    const [host, port] = node.split(':');
    return { host: host!, port: Number(port) };
  });
}

const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Our limiter on `client`, one per server process, as an app would have. */
const oursOn = (client: RedisClient, name: string): Express =>
  appWith(
    rateLimit({
      limit: LIMIT,
      windowMs: WINDOW_MS,
      logger: false,
      store: new RedisStore({ client, prefix: prefix(name) }),
    }),
  );

export const scenario: Scenario = {
  name: 'rate-limit-redis-cluster',
  description:
    'Allowed requests through our limiter on single-node Redis (REDIS_URL) and on a local Redis Cluster (three masters, three replicas, started for the run on loopback), with ioredis and with node-redis. Server CPU only: the Redis servers’ own CPU is not counted. One client IP, so one hot key, on one master.',
  request: { method: 'GET', path: '/items/42' },
  async services() {
    const cluster = await startRedisCluster();
    return {
      env: {
        BENCH_REDIS_CLUSTER_NODES: cluster.startupNodes
          .map(({ host, port }) => `${host}:${port}`)
          .join(','),
      },
      stop: () => cluster.stop(),
    };
  },
  variants: [
    {
      name: 'ioredis-single',
      description: '`rateLimit` on `RedisStore`, an ioredis client to single-node Redis.',
      expectedStatus: 200,
      createApp: () => {
        const client = new Redis(redisUrl());
        client.on('error', () => undefined);
        return oursOn(client, 'ioredis-single');
      },
    },
    {
      name: 'ioredis-cluster',
      description: '`rateLimit` on `RedisStore`, an ioredis `Cluster` client to the local cluster.',
      expectedStatus: 200,
      createApp: () => {
        const client = new Cluster(clusterNodes());
        client.on('error', () => undefined);
        return oursOn(client, 'ioredis-cluster');
      },
    },
    {
      name: 'node-redis-single',
      description: '`rateLimit` on `RedisStore`, a node-redis `createClient` to single-node Redis.',
      expectedStatus: 200,
      createApp: async () => {
        const client = createClient({ url: redisUrl() });
        client.on('error', () => undefined);
        await client.connect();
        return oursOn(client, 'node-redis-single');
      },
    },
    {
      name: 'node-redis-cluster',
      description:
        '`rateLimit` on `RedisStore`, a node-redis `createCluster` to the local cluster.',
      expectedStatus: 200,
      createApp: async () => {
        const client = createCluster({
          rootNodes: clusterNodes().map(({ host, port }) => ({ url: `redis://${host}:${port}` })),
        });
        client.on('error', () => undefined);
        await client.connect();
        return oursOn(client, 'node-redis-cluster');
      },
    },
  ],
  comparisons: [
    {
      subject: 'ioredis-cluster',
      baseline: 'ioredis-single',
      maxRatio: 1.1,
      target: 'Redis Cluster within 10% of single-node Redis (ioredis)',
    },
    {
      subject: 'node-redis-cluster',
      baseline: 'node-redis-single',
      maxRatio: 1.1,
      target: 'Redis Cluster within 10% of single-node Redis (node-redis)',
    },
  ],
};
