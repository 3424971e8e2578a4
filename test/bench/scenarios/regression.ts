/**
 * This build against an earlier one, side by side in one run: the error
 * path and the limiter (memory and Redis) of each, as the default scenarios
 * measure them. A ratio above 1.00 is a regression of this build.
 *
 * The earlier build is a checkout of another commit whose `src/index.ts`
 * BENCH_BASE_SRC points at, for example:
 *
 *     git worktree add /tmp/base ebe4263 && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *     BENCH_BASE_SRC=/tmp/base/src/index.ts npm run bench -- --scenario regression --no-memory
 */
import express, { type Express, type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import type { Scenario } from '../scenario.js';
import { devNullLogger } from './error-apps.js';
import { LIMIT, WINDOW_MS } from './limiter-apps.js';

type Library = typeof import('../../../src/index.js');

const ROUTE = '/items/:id';

async function library(build: 'this' | 'base'): Promise<Library> {
  if (build === 'this') return import('../../../src/index.js');
  const path = process.env.BENCH_BASE_SRC;
  if (!path) {
    throw new Error(
      'The regression scenario needs BENCH_BASE_SRC: the src/index.ts of a checkout of the earlier build',
    );
  }
  return (await import(path)) as Library;
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
    make: failingApp,
    what: 'a route throwing NotFoundError, answered by errorHandler (pino to /dev/null)',
  },
  {
    path: 'memory',
    status: 200,
    make: memoryLimited,
    what: 'an allowed request through rateLimit on MemoryStore',
  },
  {
    path: 'redis',
    status: 200,
    make: redisLimited,
    what: 'an allowed request through rateLimit on RedisStore (ioredis)',
  },
] as const;

export const scenario: Scenario = {
  name: 'regression',
  description:
    'This build against an earlier one (BENCH_BASE_SRC), on the error path and the limiter in memory and on Redis. Each path has its own route answer, so compare each pair only.',
  // The error apps answer 404 and the limited apps 200 on the same path.
  request: { method: 'GET', path: '/items/42' },
  variants: paths.flatMap(({ path, status, make, what }) =>
    (['this', 'base'] as const).map((build) => ({
      name: `${build}-${path}`,
      description: `${build === 'this' ? 'This build' : 'The earlier build'}: ${what}.`,
      expectedStatus: status,
      createApp: async () => make(await library(build)),
    })),
  ),
  comparisons: paths.map(({ path }) => ({
    subject: `this-${path}`,
    baseline: `base-${path}`,
    maxRatio: 1,
    target: 'no regression',
  })),
};
