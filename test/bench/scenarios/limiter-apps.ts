/**
 * The apps of the rate-limit scenarios. Every app answers `GET /items/:id`
 * with a small JSON body; the limiters are set so that every measured request
 * is allowed (the path a healthy API takes almost always), keyed by the
 * client IP, and each sends the same three headers: limit, remaining, reset.
 * The load client is one IP, so the store holds one hot key.
 */
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit as expressRateLimit } from 'express-rate-limit';
import { Redis, type RedisOptions } from 'ioredis';
import { RedisStore as RateLimitRedisStore } from 'rate-limit-redis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { loadBuild } from '../library.js';

const { RedisStore, rateLimit } = loadBuild();

const ROUTE = '/items/:id';
/** High enough that no measured request is refused. */
export const LIMIT = 1_000_000_000;
export const WINDOW_MS = 60_000;

export function appWith(limiter?: RequestHandler): Express {
  const app = express();
  if (limiter) app.use(limiter);
  app.get(ROUTE, (req, res) => {
    res.json({ id: req.params.id });
  });
  return app;
}

export const bareExpress = (): Express => appWith();

/** Bare Express plus a middleware that only calls `next()`: what any middleware costs. */
export const noopMiddleware = (): Express => appWith((_req, _res, next) => next());

/** Bare Express plus three constant rate-limit headers: what sending them costs, with no limiting. */
export const staticHeaders = (): Express =>
  appWith((_req, res, next) => {
    res.setHeader('X-Rate-Limit-Limit', '1000000000');
    res.setHeader('X-Rate-Limit-Remaining', '999999999');
    res.setHeader('X-Rate-Limit-Reset', '1');
    next();
  });

/** Our limiter, on the default memory store. */
export const oursMemory = (): Express =>
  appWith(rateLimit({ limit: LIMIT, windowMs: WINDOW_MS, logger: false }));

/** express-rate-limit on its memory store, with its X-RateLimit-* headers only. */
export const expressRateLimitMemory = (): Express =>
  appWith(
    expressRateLimit({
      limit: LIMIT,
      windowMs: WINDOW_MS,
      legacyHeaders: true,
      standardHeaders: false,
    }),
  );

/**
 * rate-limiter-flexible has no Express middleware: this is the one its
 * documentation shows, setting the same three headers.
 */
function flexibleMiddleware(limiter: RateLimiterMemory | RateLimiterRedis): RequestHandler {
  return (req, res, next) => {
    limiter
      .consume(req.ip ?? '')
      .then((result: RateLimiterRes) => {
        res.setHeader('X-RateLimit-Limit', LIMIT);
        res.setHeader('X-RateLimit-Remaining', result.remainingPoints);
        res.setHeader('X-RateLimit-Reset', Math.ceil(result.msBeforeNext / 1000));
        next();
      })
      .catch(() => {
        res.status(429).end();
      });
  };
}

export const flexibleMemory = (): Express =>
  appWith(flexibleMiddleware(new RateLimiterMemory({ points: LIMIT, duration: WINDOW_MS / 1000 })));

/** One ioredis client per server process, to REDIS_URL, as an app would have. */
function redisClient(options: RedisOptions = {}): Redis {
  const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', options);
  client.on('error', () => undefined);
  return client;
}

/** Each server process starts from empty counts under a prefix of its own. */
export const prefix = (name: string): string => `bench:${name}:${process.pid}:`;

export const oursRedis = (): Express =>
  appWith(
    rateLimit({
      limit: LIMIT,
      windowMs: WINDOW_MS,
      logger: false,
      store: new RedisStore({ client: redisClient(), prefix: prefix('ours') }),
    }),
  );

/**
 * Ours on an ioredis client with `enableAutoPipelining`: the commands of
 * one turn of the event loop go out in one write (issue #12, point 3).
 */
export const oursRedisAutoPipelining = (): Express =>
  appWith(
    rateLimit({
      limit: LIMIT,
      windowMs: WINDOW_MS,
      logger: false,
      store: new RedisStore({
        client: redisClient({ enableAutoPipelining: true }),
        prefix: prefix('ours-pipelined'),
      }),
    }),
  );

export function expressRateLimitRedis(): Express {
  const client = redisClient();
  return appWith(
    expressRateLimit({
      limit: LIMIT,
      windowMs: WINDOW_MS,
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

export const flexibleRedis = (): Express =>
  appWith(
    flexibleMiddleware(
      new RateLimiterRedis({
        storeClient: redisClient(),
        keyPrefix: prefix('rlf'),
        points: LIMIT,
        duration: WINDOW_MS / 1000,
      }),
    ),
  );

/** rate-limiter-flexible on the same auto-pipelining client, for a like-for-like figure. */
export const flexibleRedisAutoPipelining = (): Express =>
  appWith(
    flexibleMiddleware(
      new RateLimiterRedis({
        storeClient: redisClient({ enableAutoPipelining: true }),
        keyPrefix: prefix('rlf-pipelined'),
        points: LIMIT,
        duration: WINDOW_MS / 1000,
      }),
    ),
  );
