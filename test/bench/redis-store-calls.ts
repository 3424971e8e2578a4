/**
 * `npx tsx test/bench/redis-store-calls.ts`: the client-side CPU of one
 * Redis store call, ours (`RedisStore.consume`) against rate-limiter-flexible's
 * (`RateLimiterRedis.consume`), in one process on one ioredis client, 8 calls
 * in flight, without HTTP. Redis (REDIS_URL, default redis://127.0.0.1:6379)
 * is another process: its CPU is not counted. Run it pinned
 * (`taskset -c 0 npx tsx …`) for steadier figures.
 */
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { ensureBuilt, loadBuild } from './library.js';

// Measured from the build, as users run it (see library.ts).
ensureBuilt();
const { RedisStore, rateLimit } = loadBuild();

const IN_FLIGHT = 8;
const WARMUP_CALLS = 5_000;
const CALLS = 20_000;
const ROUNDS = 7;
const LIMIT = 1_000_000_000;

async function cpuPerCall(call: () => Promise<unknown>, calls: number): Promise<number> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < calls) {
      issued += 1;
      await call();
    }
  };
  const start = process.cpuUsage();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const { user, system } = process.cpuUsage(start);
  return (user + system) / calls;
}

async function main(): Promise<void> {
  const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const ours = new RedisStore({ client, prefix: `bench:calls:ours:${process.pid}:` });
  // rateLimit() hands the store its policy, as in an app.
  rateLimit({ limit: LIMIT, windowMs: 60_000, store: ours, logger: false });
  const flexible = new RateLimiterRedis({
    storeClient: client,
    keyPrefix: `bench:calls:rlf:${process.pid}`,
    points: LIMIT,
    duration: 60,
  });
  const candidates: Record<string, () => Promise<unknown>> = {
    'RedisStore.consume (ours)': () => ours.consume('127.0.0.1', 1),
    'RateLimiterRedis.consume (rate-limiter-flexible)': () => flexible.consume('127.0.0.1'),
  };
  const results = new Map<string, number[]>();
  for (const call of Object.values(candidates)) await cpuPerCall(call, WARMUP_CALLS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, call] of Object.entries(candidates)) {
      results.set(name, [...(results.get(name) ?? []), await cpuPerCall(call, CALLS)]);
    }
  }
  console.log('| Store call | CPU µs/call (median) | min–max |\n| --- | --: | --: |');
  for (const [name, values] of results) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    console.log(
      `| ${name} | ${median.toFixed(1)} | ${sorted[0]!.toFixed(1)}–${sorted.at(-1)!.toFixed(1)} |`,
    );
  }
  client.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
