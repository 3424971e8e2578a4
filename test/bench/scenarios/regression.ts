/**
 * This build against an earlier one, side by side in one run: the error
 * path and the limiter (memory and Redis) of each, as the default scenarios
 * measure them. A ratio above 1.00 is a regression of this build.
 *
 * Both are measured as users run them, from their CommonJS builds (see
 * library.ts). The earlier build is a checkout of another commit, which
 * BENCH_BASE names and the runner builds if needed, for example:
 *
 *     git worktree add /tmp/base ebe4263 && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *     BENCH_BASE=/tmp/base npm run bench -- --scenario regression --no-memory
 *
 * `regression-lock` does the same for `operationLock`, whose protected
 * route takes another request (a POST).
 */
import express, { type Express, type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { baseCheckout, loadBuild, type Library } from '../library.js';
import type { Scenario } from '../scenario.js';
import { devNullLogger } from './error-apps.js';
import { LIMIT, WINDOW_MS } from './limiter-apps.js';
import { oursMemory as refusingApp } from './refusal-apps.js';

const ROUTE = '/items/:id';

export function library(build: 'this' | 'base'): Library {
  return build === 'this' ? loadBuild() : loadBuild(baseCheckout());
}

function failingApp({ NotFoundError, errorHandler }: Library): Express {
  const app = express();
  app.get(ROUTE, (req) => {
    throw new NotFoundError(`Item ${req.params.id} does not exist.`);
  });
  app.use(errorHandler({ logger: devNullLogger() }));
  return app;
}

function limitedApp(limiter: RequestHandler): Express {
  const app = express();
  app.use(limiter);
  app.get(ROUTE, (req, res) => {
    res.json({ id: req.params.id });
  });
  return app;
}

function redisClient(): Redis {
  const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  client.on('error', () => undefined);
  return client;
}

const memoryLimited = ({ rateLimit }: Library): Express =>
  limitedApp(rateLimit({ limit: LIMIT, windowMs: WINDOW_MS, logger: false }));

const redisLimited = ({ rateLimit, RedisStore }: Library): Express =>
  limitedApp(
    rateLimit({
      limit: LIMIT,
      windowMs: WINDOW_MS,
      logger: false,
      store: new RedisStore({ client: redisClient(), prefix: `bench:regression:${process.pid}:` }),
    }),
  );

const paths = [
  {
    path: 'error',
    status: 404,
    warmupStatuses: [],
    make: failingApp,
    what: 'a route throwing NotFoundError, answered by errorHandler (pino to /dev/null)',
  },
  {
    path: 'memory',
    status: 200,
    warmupStatuses: [],
    make: memoryLimited,
    what: 'an allowed request through rateLimit on MemoryStore',
  },
  {
    path: 'redis',
    status: 200,
    warmupStatuses: [],
    make: redisLimited,
    what: 'an allowed request through rateLimit on RedisStore (ioredis)',
  },
  {
    path: 'refusal',
    status: 429,
    warmupStatuses: [200], // the one request allowed, spent in the warm-up
    make: refusingApp,
    what: "a refused request: rateLimit on MemoryStore, one client over its limit, answered by errorHandler (the refusals scenario's app)",
  },
] as const;

export const scenario: Scenario = {
  name: 'regression',
  description:
    'This build against an earlier one (BENCH_BASE), both from their CommonJS builds, on the error path, the limiter in memory and on Redis, and a refusal. Each path has its own route answer, so compare each pair only.',
  // The error apps answer 404, the limited apps 200 and the refusing apps 429 on the same path.
  request: { method: 'GET', path: '/items/42' },
  variants: paths.flatMap(({ path, status, warmupStatuses, make, what }) =>
    (['this', 'base'] as const).map((build) => ({
      name: `${build}-${path}`,
      description: `${build === 'this' ? 'This build' : 'The earlier build'}: ${what}.`,
      expectedStatus: status,
      warmupStatuses,
      createApp: () => make(library(build)),
    })),
  ),
  comparisons: paths.map(({ path }) => ({
    subject: `this-${path}`,
    baseline: `base-${path}`,
    maxRatio: 1,
    target: 'no regression',
  })),
};
