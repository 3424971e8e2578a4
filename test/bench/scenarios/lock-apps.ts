/**
 * The apps of the operation-lock scenario. Every app answers
 * `POST /orders` with 201 and a small JSON body, as a create route does.
 * The load client repeats one fixed request, so a first middleware stamps a
 * new `Idempotency-Key` on each (in every app, the bare one included): each
 * measured request is a first attempt, which acquires a lock and records its
 * response, the path every protected request takes once. Records are kept a
 * minute in every variant, so that a run leaves nothing in Redis for long.
 */
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { Idempotency, IdempotencyError } from '@node-idempotency/core';
import { MemoryStorageAdapter } from '@node-idempotency/storage-adapter-memory';
import { RedisStorageAdapter } from '@node-idempotency/storage-adapter-redis';
import { Redis } from 'ioredis';
import { createClient } from 'redis4';
import { loadBuild, type Library } from '../library.js';

const ROUTE = '/orders';
const REPLAY_TTL_MS = 60_000;
const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Each server process keeps its locks under a prefix of its own. */
const prefix = (name: string): string => `bench:lock:${name}:${process.pid}:`;

function appWith(lock?: RequestHandler): Express {
  const app = express();
  let next = 0;
  app.use((req, _res, proceed) => {
    req.headers['idempotency-key'] = `"order-${++next}"`;
    proceed();
  });
  const handlers: RequestHandler[] = lock ? [lock] : [];
  app.post(ROUTE, ...handlers, (_req, res) => {
    res.status(201).json({ id: next, status: 'created' });
  });
  return app;
}

export const bareExpress = (): Express => appWith();

/** Ours on the default memory store, from this build or another (the regression scenario's). */
export const oursMemory = ({ operationLock }: Library = loadBuild()): Express =>
  appWith(operationLock({ replay: true, replayTtlMs: REPLAY_TTL_MS, logger: false }));

export async function oursRedisIoredis(): Promise<Express> {
  const { RedisLockStore, operationLock } = loadBuild();
  const client = new Redis(redisUrl());
  client.on('error', () => undefined);
  const store = new RedisLockStore({ client, prefix: prefix('ours-ioredis') });
  return appWith(operationLock({ replay: true, replayTtlMs: REPLAY_TTL_MS, store, logger: false }));
}

/**
 * On node-redis 4.7.1, the client @node-idempotency's Redis adapter bundles
 * (newer node-redis majors cost more CPU per command, which would measure
 * the clients rather than the locks).
 */
export async function oursRedisNodeRedis(
  { RedisLockStore, operationLock }: Library = loadBuild(),
  name = 'ours-node-redis',
): Promise<Express> {
  const client = createClient({ url: redisUrl() });
  client.on('error', () => undefined);
  await client.connect();
  const store = new RedisLockStore({ client, prefix: prefix(name) });
  return appWith(operationLock({ replay: true, replayTtlMs: REPLAY_TTL_MS, store, logger: false }));
}

export const nodeIdempotencyMemory = (): Express =>
  appWith(
    nodeIdempotencyMiddleware(new Idempotency(new MemoryStorageAdapter(), options('memory'))),
  );

export async function nodeIdempotencyRedis(): Promise<Express> {
  const storage = new RedisStorageAdapter({ url: redisUrl() });
  await storage.connect();
  return appWith(nodeIdempotencyMiddleware(new Idempotency(storage, options('redis'))));
}

function options(name: string) {
  return { cacheTTLMS: REPLAY_TTL_MS, cacheKeyPrefix: prefix(`node-idempotency-${name}`) };
}

/**
 * What @node-idempotency's Express plugin does (the plugin itself is not in
 * the registry this project installs from): `onRequest` before the route;
 * for a first request, `res.send` wrapped to hand the status, the headers it
 * keeps and the body to `onResponse`; a replay sent with its status and
 * `Idempotent-Replayed`; an in-progress or mismatch error with its status.
 */
function nodeIdempotencyMiddleware(idempotency: Idempotency): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const params = {
      headers: req.headers,
      body: req.body as Record<string, unknown>,
      path: req.url,
      method: req.method,
    };
    idempotency.onRequest(params).then(
      (stored) => {
        if (stored === undefined) {
          const send = res.send.bind(res);
          res.send = (body?: unknown) => {
            const contentType = res.getHeader('content-type');
            const additional: Record<string, unknown> = { statusCode: res.statusCode };
            if (contentType !== undefined) additional['Content-Type'] = contentType;
            let payload = body;
            if (typeof body === 'string' && String(contentType).includes('application/json')) {
              payload = JSON.parse(body) as unknown;
            }
            void idempotency
              .onResponse(
                params,
                res.statusCode < 400
                  ? { additional, body: payload }
                  : { additional, error: payload },
              )
              .catch(() => undefined);
            return send(body);
          };
          next();
          return;
        }
        res.status(Number(stored.additional?.statusCode ?? 200));
        res.setHeader('Idempotent-Replayed', 'true');
        res.send(stored.body);
      },
      (error: unknown) => {
        if (error instanceof IdempotencyError) res.status(409).setHeader('Retry-After', '1');
        next(error);
      },
    );
  };
}
