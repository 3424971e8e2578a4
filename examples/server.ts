import { Redis } from 'ioredis';
import { RedisStore } from '../src/index.js';
import { createExampleApp } from './app.js';
import type { StoreFactory } from './rate-limits.js';

// Listens only: the app itself is built in app.ts, which the tests import.
const port = Number(process.env.PORT ?? 3000);
const redisUrl = process.env.REDIS_URL;

// With REDIS_URL, every instance of the server shares its rate-limit counts through Redis.
let rateLimitStores: StoreFactory | undefined;
if (redisUrl !== undefined) {
  const client = new Redis(redisUrl);
  client.on('error', (error: Error) => console.error(`Redis: ${error.message}`));
  rateLimitStores = (limiter) => new RedisStore({ client, prefix: `example:${limiter}:` });
}

const app = createExampleApp({ jwtSecret: process.env.JWT_SECRET, rateLimitStores });

app.listen(port, () => {
  console.log(`Example API listening on http://localhost:${port}`);
  console.log(
    redisUrl === undefined
      ? 'Rate limits are kept in memory: set REDIS_URL to share them through Redis.'
      : `Rate limits are kept in Redis at ${redisUrl}.`,
  );
  if (process.env.JWT_SECRET === undefined) {
    console.log('Using the built-in demo JWT secret: set JWT_SECRET to use your own.');
  }
});
