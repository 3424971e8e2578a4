/**
 * One truth, two implementations: the rate-limit algorithms exist in
 * TypeScript (`MemoryStore`) and in Lua (`RedisStore`). This property test
 * drives both with the same random policies and sequences of requests
 * (keys, costs, clock steps, refunds, resets, blocks and read-only `get`s),
 * on one controlled clock, and demands the same decision and the same header
 * values for every request. Changing either side alone makes it fail.
 *
 * Redis runs for real (REDIS_URL). The Redis store reads the controlled
 * clock through its `now` option, which it sends to the script in place
 * of `TIME`.
 */
import fc from 'fast-check';
import {
  MemoryStore,
  RedisStore,
  type RateLimitDecision,
  type RateLimitPolicy,
} from '../../src/index.js';
import { ALGORITHMS, type Algorithm } from '../../src/rate-limit/algorithms.js';
import { rateLimitValues } from '../../src/headers/rate-limit.js';
import { connectClient, describeWithRedis, uniquePrefix } from '../helpers/redis.js';

// Sequences per algorithm, about 60 operations each: several thousand per algorithm
// (STORE_EQUIVALENCE_RUNS raises it for a longer search).
const RUNS = Number(process.env.STORE_EQUIVALENCE_RUNS ?? 100);
const PROPERTY_TIMEOUT = 120_000;

// Keys that once collided on Redis, a long one (stored as a digest), and plain ones.
const KEYS = ['a', 'b', '', '~', '}x', '~}x', '#a', `long:${'x'.repeat(300)}`];

interface Operation {
  readonly kind: 'consume' | 'get' | 'refund' | 'reset';
  readonly key: string;
  readonly cost: number;
  /** How far the clock moves before the operation, in milliseconds (may be fractional). */
  readonly advanceMs: number;
}

const windowArb = fc.record({
  limit: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5000 })),
  windowMs: fc.oneof(
    fc.integer({ min: 1, max: 5000 }),
    fc.constantFrom(1000, 60_000, 3_600_000, 86_400_000),
  ),
});

const policyArb = (algorithm: Algorithm) =>
  fc
    .record({
      windows: fc.uniqueArray(windowArb, {
        minLength: 1,
        maxLength: 3,
        selector: (w) => `${w.limit}/${w.windowMs}`,
      }),
      block: fc.option(
        fc.record({
          after: fc.integer({ min: 1, max: 4 }),
          withinMs: fc.integer({ min: 1, max: 10_000 }),
          durationMs: fc.integer({ min: 1, max: 10_000 }),
        }),
        { nil: undefined },
      ),
    })
    .map(({ windows, block }): RateLimitPolicy => ({
      algorithm,
      windows: windows.map((w, i) => ({ ...w, name: `w${i}` })),
      block,
    }));

const operationArb = (maxLimit: number, maxWindowMs: number, intervals: readonly number[]) =>
  fc.record({
    kind: fc.constantFrom<Operation['kind']>(
      ...Array<'consume'>(12).fill('consume'),
      'get',
      'get',
      'refund',
      'reset',
    ),
    key: fc.constantFrom(...KEYS),
    cost: fc.oneof(
      { weight: 6, arbitrary: fc.constant(1) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: maxLimit + 1 }) },
      { weight: 1, arbitrary: fc.constant(0) },
    ),
    advanceMs: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 3, arbitrary: fc.double({ min: 0, max: 50, noNaN: true }) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: Math.ceil(maxWindowMs / 10) }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * maxWindowMs }) },
      // Whole multiples of a window's refill interval: where the tolerances decide.
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...intervals), fc.integer({ min: 1, max: 3 }))
          .map(([interval, k]) => k * interval),
      },
    ),
  });

// Where the clock starts: near a process clock's zero, or at an epoch in ms, with a fraction.
const clockStartArb = fc.oneof(
  fc.double({ min: 0, max: 1e7, noNaN: true }),
  fc.double({ min: 1.6e12, max: 2.2e12, noNaN: true }),
);

const scenarioArb = (algorithm: Algorithm) =>
  policyArb(algorithm).chain((policy) => {
    const maxLimit = Math.max(...policy.windows.map((w) => w.limit));
    const maxWindowMs = Math.max(...policy.windows.map((w) => w.windowMs));
    return fc.record({
      policy: fc.constant(policy),
      start: clockStartArb,
      operations: fc.array(
        operationArb(
          Math.min(maxLimit, 50),
          maxWindowMs,
          policy.windows.map((w) => w.windowMs / w.limit),
        ),
        {
          minLength: 30,
          maxLength: 90,
        },
      ),
    });
  });

describeWithRedis('MemoryStore and RedisStore decide identically', () => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  let operations = 0;
  beforeAll(async () => {
    connection = await connectClient('ioredis');
  });
  afterAll(async () => {
    await connection.close();
  });

  it.each<Algorithm>([...ALGORITHMS])(
    'with %s, every request gets the same decision and header values from both stores',
    async (algorithm) => {
      operations = 0;
      await fc.assert(
        fc.asyncProperty(scenarioArb(algorithm), async ({ policy, start, operations: ops }) => {
          let now = start;
          const clock = () => now;
          const memory = new MemoryStore({ now: clock });
          const redis = new RedisStore({
            client: connection.client,
            prefix: uniquePrefix(),
            now: clock,
          });
          memory.init(policy);
          redis.init(policy);
          try {
            for (const [index, op] of ops.entries()) {
              now += op.advanceMs;
              operations++;
              if (op.kind === 'consume') {
                const fromMemory = memory.consume(op.key, op.cost);
                const fromRedis = await redis.consume(op.key, op.cost);
                const where = `operation ${index} (${op.key.slice(0, 8)}, cost ${op.cost}) at ${now}`;
                expect({ where, decision: fromRedis }).toEqual({ where, decision: fromMemory });
                expect({ where, values: values(fromRedis, policy) }).toEqual({
                  where,
                  values: values(fromMemory, policy),
                });
              } else if (op.kind === 'get') {
                const where = `operation ${index} (get ${op.key.slice(0, 8)}) at ${now}`;
                expect({ where, decision: await redis.get(op.key) }).toEqual({
                  where,
                  decision: memory.get(op.key),
                });
              } else if (op.kind === 'refund') {
                memory.refund(op.key, op.cost);
                await redis.refund(op.key, op.cost);
              } else {
                memory.reset(op.key);
                await redis.reset(op.key);
              }
            }
          } finally {
            memory.shutdown();
          }
        }),
        { numRuns: RUNS },
      );
      // Several thousand operations per algorithm, as promised above.
      expect(operations).toBeGreaterThanOrEqual(RUNS * 30);
    },
    PROPERTY_TIMEOUT,
  );
});

/** What the limiter would send for a decision: every header value it derives from it. */
function values(decision: RateLimitDecision, policy: RateLimitPolicy) {
  return rateLimitValues(decision, policy.windows[decision.window]!);
}
