/**
 * This build's `operationLock` against an earlier build's (BENCH_BASE, see
 * regression.ts), side by side in one run: first attempts of the
 * operation-lock scenario's protected create route, on the memory store and
 * on Redis (node-redis 4.7.1). A ratio above 1.00 is a regression of this build.
 */
import type { Scenario } from '../scenario.js';
import { oursMemory, oursRedisNodeRedis } from './lock-apps.js';
import { library } from './regression.js';

const paths = [
  {
    path: 'lock-memory',
    make: (build: 'this' | 'base') => oursMemory(library(build)),
    what: '`operationLock({ replay: true })` on the default `MemoryLockStore`',
  },
  {
    path: 'lock-redis',
    make: (build: 'this' | 'base') => oursRedisNodeRedis(library(build), `regression-${build}`),
    what: '`operationLock({ replay: true })` on `RedisLockStore` (node-redis 4.7.1)',
  },
] as const;

export const scenario: Scenario = {
  name: 'regression-lock',
  description:
    "This build's operationLock against an earlier build's (BENCH_BASE), both from their CommonJS builds: first attempts of a protected create route (a new Idempotency-Key each), in memory and on Redis.",
  request: { method: 'POST', path: '/orders' },
  variants: paths.flatMap(({ path, make, what }) =>
    (['this', 'base'] as const).map((build) => ({
      name: `${build}-${path}`,
      description: `${build === 'this' ? 'This build' : 'The earlier build'}: ${what}.`,
      expectedStatus: 201,
      createApp: () => make(build),
    })),
  ),
  comparisons: paths.map(({ path }) => ({
    subject: `this-${path}`,
    baseline: `base-${path}`,
    maxRatio: 1,
    target: 'no regression',
  })),
};
