import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import {
  handleExpectations,
  loadShedding,
  operationLock,
  RedisLockStore,
  RedisStore,
  type OperationLockStore,
} from '../src/index.js';
import { createExampleApp } from './app.js';
import type { StoreFactory } from './rate-limits.js';
import { gracefulShutdown } from './shutdown.js';

// Listens only: the app itself is built in app.ts, which the tests import.
// PORT=0 takes a free port, which the start-up line and the problem links carry.
const port = Number(process.env.PORT ?? 3000);
// An empty REDIS_URL counts as unset (the README transcripts test starts the server so).
const redisUrl = process.env.REDIS_URL || undefined;
/** How long each sign-up waits, as a call to a mail service would (its tests make it longer). */
const welcomeDelayMs = Number(process.env.WELCOME_DELAY_MS || 500);
/**
 * How long the requests in flight may take to finish once SIGTERM or SIGINT came, and then
 * how long the handlers of those cut may take to record their responses (its tests shorten it).
 */
const SHUTDOWN_TIMEOUT_MS = Number(process.env.SHUTDOWN_TIMEOUT_MS || 10_000);

// With REDIS_URL, every instance of the server shares its rate-limit counts and its
// Idempotency-Key locks through Redis.
let rateLimitStores: StoreFactory | undefined;
let lockStore: OperationLockStore | undefined;
let redis: Redis | undefined;
if (redisUrl) {
  // One write for the store calls of one turn of the event loop: 10% less server CPU per
  // request at 64 requests in flight, the same when idle (BENCHMARKS.md, redis-batching).
  const client = new Redis(redisUrl, { enableAutoPipelining: true });
  redis = client;
  client.on('error', (error: Error) => console.error(`Redis: ${error.message}`));
  rateLimitStores = (limiter) => new RedisStore({ client, prefix: `example:${limiter}:` });
  lockStore = new RedisLockStore({ client, prefix: 'example:users-lock:' });
}

// Its onIdle() is awaited at shutdown, before Redis is closed under it.
const usersLock = operationLock({ replay: true, store: lockStore });

// MAINTENANCE=1 starts the server in maintenance; SIGUSR2 toggles it without a restart.
let inMaintenance = process.env.MAINTENANCE === '1';
process.on('SIGUSR2', () => {
  inMaintenance = !inMaintenance;
  console.log(`Maintenance ${inMaintenance ? 'on' : 'off'}.`);
});

// 503 + Retry-After: 10 while the event loop stalls for more than 200 ms.
const shedder = loadShedding({ maxEventLoopDelayMs: 200 });

// The app is built once the port is known, before the first connection is accepted.
const server = createServer().listen(port, () => {
  const { port: listening } = server.address() as AddressInfo;
  const app = createExampleApp({
    jwtSecret: process.env.JWT_SECRET,
    rateLimitStores,
    lockStore,
    usersLock,
    // As a mail service would: long enough for a duplicate POST /users to arrive meanwhile.
    welcome: () => new Promise((resolve) => setTimeout(resolve, welcomeDelayMs)),
    maintenance: () => inMaintenance,
    loadShedding: shedder,
    // Problem types link to <PUBLIC_URL>/docs/errors, on this server by default.
    publicUrl: process.env.PUBLIC_URL || `http://localhost:${listening}`,
  });
  server.on('request', app);
  // An Expect other than 100-continue reaches the app, whose expectationFailed() answers 417.
  handleExpectations(server, app);
  console.log(`Example API listening on http://localhost:${listening}`);
  console.log(
    !redisUrl
      ? 'Rate limits are kept in memory: set REDIS_URL to share them through Redis.'
      : `Rate limits are kept in Redis at ${redisUrl}.`,
  );
  if (process.env.JWT_SECRET === undefined) {
    console.log('Using the built-in demo JWT secret: set JWT_SECRET to use your own.');
  }
  if (inMaintenance)
    console.log('In maintenance (MAINTENANCE=1): every request but those to /health gets 503.');
});
server.on('close', () => shedder.close());

// SIGTERM (from kill, npm, a container runtime) or SIGINT (Ctrl-C): stop accepting, let the
// requests in flight finish, let the Idempotency-Key lock record their responses, close Redis,
// then exit 0 (1 if a request had to be cut, or its handler outlasted the wait).
const shutDown = gracefulShutdown(server, {
  timeoutMs: SHUTDOWN_TIMEOUT_MS,
  cleanup: async () => {
    // A handler whose connection was cut still runs: Redis closed under it would leave its key
    // locked for the rest of its lease (409.1 to every retry) and its response unrecorded.
    const idle = await settledWithin(usersLock.onIdle(), SHUTDOWN_TIMEOUT_MS);
    // QUIT lets the commands already sent finish; with Redis unreachable it would wait for
    // every reconnection attempt, so the client is dropped instead.
    if (redis?.status === 'ready') await redis.quit();
    else redis?.disconnect();
    if (!idle) {
      throw new Error(
        `POST /users handlers still ran after ${SHUTDOWN_TIMEOUT_MS} ms: their keys are left to their leases.`,
      );
    }
  },
});

/** Whether `promise` settled within `ms`. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([promise.then(() => true as const), late]);
  clearTimeout(timer);
  return settled;
}
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // Ctrl-C under npm start delivers SIGINT twice (the terminal's and npm's): the second is ignored.
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing the requests in flight, then exiting.`);
    void shutDown().then((clean) => process.exit(clean ? 0 : 1));
  });
}
