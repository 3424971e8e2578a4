/**
 * The apps of the refusal scenarios: every measured request is refused.
 * Each limiter allows one request an hour, which the first warm-up request
 * spends, all under one client key (a flood from one client; a fixed key,
 * so that how the load client's address is read cannot split it). Ours answers through `errorHandler` (problem+json, and a log
 * line under the refusal logging policy, to /dev/null); the peers answer
 * their way: express-rate-limit's default handler sends a short text body
 * and logs nothing, rate-limiter-flexible's documented middleware a bare 429.
 */
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit as expressRateLimit } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RedisStore as RateLimitRedisStore } from 'rate-limit-redis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { loadBuild, type Library } from '../library.js';

import { devNullLogger } from './error-apps.js';

const thisBuild = loadBuild();
const { RedisStore, rateLimit } = thisBuild;

const ROUTE = '/items/:id';
const LIMIT = 1;
const WINDOW_MS = 3_600_000;
const CLIENT = 'flooding-client';

/** An app behind `limiter`; its refusals answered by `answeredBy`'s errorHandler, if given. */
function appWith(limiter: RequestHandler, answeredBy?: Library): Express {
  const app = express();
  app.use(limiter);
  app.get(ROUTE, (req, res) => {
    res.json({ id: req.params.id });
  });
  if (answeredBy) app.use(answeredBy.errorHandler({ logger: devNullLogger() }));
  return app;
}

function redisClient(): Redis {
  const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  client.on('error', () => undefined);
  return client;
}

const prefix = (name: string): string => `bench:refusal:${name}:${process.pid}:`;

/** Ours on the memory store, answered by errorHandler; from this build or another (the regression scenario's). */
export const oursMemory = (build: Library = thisBuild): Express =>
  appWith(
    build.rateLimit({ limit: LIMIT, windowMs: WINDOW_MS, key: () => CLIENT, logger: false }),
    build,
  );

/** express-rate-limit on its memory store, its default 429 handler, keyed as ours is. */
export const expressRateLimitMemory = (): Express =>
  appWith(
    expressRateLimit({
      limit: LIMIT,
      windowMs: WINDOW_MS,
      keyGenerator: () => CLIENT,
      legacyHeaders: true,
      standardHeaders: false,
    }),
  );

/** Ours on Redis; `denyCache` as given (on by default for RedisStore). */
export const oursRedis =
  (denyCache: boolean): (() => Express) =>
  () =>
    appWith(
      rateLimit({
        limit: LIMIT,
        windowMs: WINDOW_MS,
        key: () => CLIENT,
        logger: false,
        denyCache,
        store: new RedisStore({ client: redisClient(), prefix: prefix(`ours-${denyCache}`) }),
      }),
      thisBuild,
    );

export function expressRateLimitRedis(): Express {
  const client = redisClient();
  return appWith(
    expressRateLimit({
      limit: LIMIT,
      windowMs: WINDOW_MS,
      keyGenerator: () => CLIENT,
      legacyHeaders: true,
      standardHeaders: false,
      store: new RateLimitRedisStore({
        prefix: prefix('erl'),
        sendCommand: (command: string, ...args: string[]) =>
          client.call(command, ...args) as Promise<number>,
      }),
    }),
  );
}

/** rate-limiter-flexible on Redis, in its documented middleware; optionally with its in-memory block. */
export const flexibleRedis =
  (inMemoryBlock: boolean): (() => Express) =>
  () => {
    const limiter = new RateLimiterRedis({
      storeClient: redisClient(),
      keyPrefix: prefix(`rlf-${inMemoryBlock}`),
      points: LIMIT,
      duration: WINDOW_MS / 1000,
      ...(inMemoryBlock
        ? { inMemoryBlockOnConsumed: LIMIT, inMemoryBlockDuration: WINDOW_MS / 1000 }
        : {}),
    });
    return appWith((_req, res, next) => {
      limiter
        .consume(CLIENT)
        .then(() => next())
        .catch(() => {
          res.status(429).end();
        });
    });
  };
