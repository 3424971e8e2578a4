import { expectTypeOf } from 'expect-type';
import type { Cluster, Redis } from 'ioredis';
import type { createClient, createCluster, createSentinel } from 'redis';
import type { RedisClient, RedisStoreOptions } from '../../src/index.js';

// These checks run in `npm run typecheck`.
describe('RedisClient types', () => {
  it('accepts the single-node clients: ioredis and node-redis', () => {
    expectTypeOf<Redis>().toExtend<RedisClient>();
    expectTypeOf<ReturnType<typeof createClient>>().toExtend<RedisClient>();
  });

  it('accepts the cluster clients: ioredis Cluster and node-redis createCluster()', () => {
    expectTypeOf<Cluster>().toExtend<RedisClient>();
    expectTypeOf<ReturnType<typeof createCluster>>().toExtend<RedisClient>();
    expectTypeOf<{ client: Cluster }>().toExtend<RedisStoreOptions>();
    expectTypeOf<{ client: ReturnType<typeof createCluster> }>().toExtend<RedisStoreOptions>();
  });

  it('accepts node-redis’s Sentinel client: createSentinel()', () => {
    expectTypeOf<ReturnType<typeof createSentinel>>().toExtend<RedisClient>();
  });

  it('refuses what is not a Redis client', () => {
    expectTypeOf<{ get(key: string): Promise<unknown> }>().not.toExtend<RedisClient>();
    expectTypeOf<string>().not.toExtend<RedisClient>();
  });
});
