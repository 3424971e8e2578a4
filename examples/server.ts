import { Redis } from 'ioredis';
import {
  handleExpectations,
  loadShedding,
  RedisLockStore,
  RedisStore,
  type OperationLockStore,
} from '../src/index.js';
import { createExampleApp } from './app.js';
import type { StoreFactory } from './rate-limits.js';

// Listens only: the app itself is built in app.ts, which the tests import.
const port = Number(process.env.PORT ?? 3000);
// An empty REDIS_URL counts as unset (the README transcripts test starts the server so).
const redisUrl = process.env.REDIS_URL || undefined;
// Problem types link to <PUBLIC_URL>/docs/errors, on this server by default.
const publicUrl = process.env.PUBLIC_URL || `http://localhost:${port}`;

// With REDIS_URL, every instance of the server shares its rate-limit counts and its
// Idempotency-Key locks through Redis.
let rateLimitStores: StoreFactory | undefined;
let lockStore: OperationLockStore | undefined;
if (redisUrl) {
  // One write for the store calls of one turn of the event loop: 10% less server CPU per
  // request at 64 requests in flight, the same when idle (BENCHMARKS.md, redis-batching).
  const client = new Redis(redisUrl, { enableAutoPipelining: true });
  client.on('error', (error: Error) => console.error(`Redis: ${error.message}`));
  rateLimitStores = (limiter) => new RedisStore({ client, prefix: `example:${limiter}:` });
  lockStore = new RedisLockStore({ client, prefix: 'example:users-lock:' });
}

// MAINTENANCE=1 starts the server in maintenance; SIGUSR2 toggles it without a restart.
let inMaintenance = process.env.MAINTENANCE === '1';
process.on('SIGUSR2', () => {
  inMaintenance = !inMaintenance;
  console.log(`Maintenance ${inMaintenance ? 'on' : 'off'}.`);
});

// 503 + Retry-After: 10 while the event loop stalls for more than 200 ms.
const shedder = loadShedding({ maxEventLoopDelayMs: 200 });

const app = createExampleApp({
  jwtSecret: process.env.JWT_SECRET,
  rateLimitStores,
  lockStore,
  // As a mail service would: long enough for a duplicate POST /users to arrive meanwhile.
  welcome: () => new Promise((resolve) => setTimeout(resolve, 500)),
  maintenance: () => inMaintenance,
  loadShedding: shedder,
  publicUrl,
});

const server = app.listen(port, () => {
  console.log(`Example API listening on http://localhost:${port}`);
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
// An Expect other than 100-continue reaches the app, whose expectationFailed() answers 417.
handleExpectations(server, app);
server.on('close', () => shedder.close());
