import type { Scenario } from '../scenario.js';
import {
  bareExpress,
  nodeIdempotencyMemory,
  nodeIdempotencyRedis,
  oursMemory,
  oursRedisIoredis,
  oursRedisNodeRedis,
} from './lock-apps.js';

export const scenario: Scenario = {
  name: 'operation-lock',
  description:
    'First attempts of a protected create route (each request carries a new Idempotency-Key, stamped by a first middleware in every app): `operationLock({ replay: true })` acquires the lock, runs the route and records its 201; @node-idempotency (core 1.0.11 with its memory and Redis adapters, in the middleware its Express plugin implements) does the same. Redis at REDIS_URL (default redis://127.0.0.1:6379); server CPU only: the Redis server’s own CPU is not counted.',
  request: { method: 'POST', path: '/orders' },
  variants: [
    {
      name: 'bare-express-201',
      description: 'Express 5 answering `res.status(201).json(…)`, no lock (the key stamper only).',
      expectedStatus: 201,
      createApp: bareExpress,
    },
    {
      name: 'ours-memory',
      description: '`operationLock({ replay: true })` on the default `MemoryLockStore`.',
      expectedStatus: 201,
      createApp: oursMemory,
    },
    {
      name: 'node-idempotency-memory',
      description: '@node-idempotency/core with `MemoryStorageAdapter`.',
      expectedStatus: 201,
      createApp: nodeIdempotencyMemory,
    },
    {
      name: 'ours-redis',
      description:
        '`operationLock({ replay: true })` on `RedisLockStore`, on node-redis 4.7.1 (the client @node-idempotency’s Redis adapter bundles): one EVALSHA to acquire, one to complete.',
      expectedStatus: 201,
      createApp: oursRedisNodeRedis,
    },
    {
      name: 'ours-redis-ioredis',
      description: 'The same on an ioredis client.',
      expectedStatus: 201,
      createApp: oursRedisIoredis,
    },
    {
      name: 'node-idempotency-redis',
      description:
        '@node-idempotency/core with `RedisStorageAdapter` (its own node-redis 4.7.1 client): SET NX to start, SET to complete.',
      expectedStatus: 201,
      createApp: nodeIdempotencyRedis,
    },
  ],
  comparisons: [
    {
      subject: 'ours-memory',
      baseline: 'node-idempotency-memory',
      maxRatio: 1,
      target: 'cheaper than @node-idempotency (memory)',
    },
    {
      subject: 'ours-redis',
      baseline: 'node-idempotency-redis',
      maxRatio: 1,
      target: 'cheaper than @node-idempotency (Redis, both on node-redis 4.7.1)',
    },
    { subject: 'ours-memory', baseline: 'bare-express-201' },
    { subject: 'ours-redis', baseline: 'bare-express-201' },
    { subject: 'ours-redis-ioredis', baseline: 'ours-redis' },
  ],
};
