/**
 * One truth, two implementations: the rate-limit algorithms exist in
 * TypeScript (`MemoryStore`) and in Lua (`RedisStore`). This property test
 * drives both with the same random policies and sequences of requests
 * (keys, costs, clock steps, refunds, resets, blocks and read-only `get`s,
 * and, for a policy whose limit comes per request, limits that change),
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
import { ALGORITHMS, type Algorithm } from '../../src/stores/algorithms.js';
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
  /** The limit that comes with the call, for a policy whose limit comes per request. */
  readonly limit: number;
}

const windowArb = fc.record({
  limit: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5000 })),
  windowMs: fc.oneof(
    fc.integer({ min: 1, max: 5000 }),
    fc.constantFrom(1000, 60_000, 3_600_000, 86_400_000),
  ),
});

const policyArb = (algorithm: Algorithm, limits: 'fixed' | 'per-request') =>
  fc
    .record({
      windows: fc.uniqueArray(windowArb, {
        minLength: 1,
        maxLength: limits === 'fixed' ? 3 : 1,
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
      limits,
    }));

const operationArb = (
  maxLimit: number,
  maxWindowMs: number,
  intervals: readonly number[],
  limits: readonly number[],
) =>
  fc.record({
    // Mostly the key's usual limit, sometimes another: a plan that changes, up or down.
    limit: fc.oneof(
      { weight: 6, arbitrary: fc.constant(limits[0]!) },
      { weight: 1, arbitrary: fc.constantFrom(...limits) },
    ),
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
      // A clock that steps back (an NTP correction of Redis's host, say): within two windows,
      // or by an hour, far more than one.
      { weight: 1, arbitrary: fc.integer({ min: -2 * maxWindowMs, max: 0 }) },
      { weight: 1, arbitrary: fc.constant(-3_600_000) },
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

const scenarioArb = (algorithm: Algorithm, limits: 'fixed' | 'per-request') =>
  policyArb(algorithm, limits)
    .chain((policy) =>
      fc.record({
        policy: fc.constant(policy),
        // The limits the calls bring: the window's own first, then up to two others.
        limits: fc
          .uniqueArray(
            fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5000 })),
            {
              maxLength: limits === 'fixed' ? 0 : 2,
            },
          )
          .map((others) => [policy.windows[0]!.limit, ...others]),
      }),
    )
    .chain(({ policy, limits: callLimits }) => {
      const windowLimits =
        policy.limits === 'per-request' ? callLimits : policy.windows.map((w) => w.limit);
      const maxLimit = Math.max(...windowLimits);
      const maxWindowMs = Math.max(...policy.windows.map((w) => w.windowMs));
      const intervals = policy.windows.flatMap((w) =>
        windowLimits.map((limit) => w.windowMs / limit),
      );
      return fc.record({
        policy: fc.constant(policy),
        start: clockStartArb,
        operations: fc.array(
          operationArb(Math.min(maxLimit, 50), maxWindowMs, intervals, callLimits),
          { minLength: 30, maxLength: 90 },
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

  it.each<[Algorithm, 'fixed' | 'per-request']>(
    ALGORITHMS.flatMap((algorithm) => [
      [algorithm, 'fixed'],
      [algorithm, 'per-request'],
    ]),
  )(
    'with %s and %s limits, every request gets the same decision and header values from both stores',
    async (algorithm, limits) => {
      operations = 0;
      await fc.assert(
        fc.asyncProperty(
          scenarioArb(algorithm, limits),
          async ({ policy, start, operations: ops }) => {
            const perRequest = policy.limits === 'per-request';
            const limitOf = (op: Operation) => (perRequest ? op.limit : undefined);
            let now = start;
            /** Each key's last allowed charge: its cost, limit and time. */
            const charges = new Map<string, [number, number | undefined, number | undefined]>();
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
                // A clock reads no time before its origin (TIME, performance.now): a step back
                // stops at 0, where a memory slot's zeros say "nothing stored".
                now = Math.max(0, now + op.advanceMs);
                operations++;
                if (op.kind === 'consume') {
                  const fromMemory = memory.consume(op.key, op.cost, limitOf(op));
                  const fromRedis = await redis.consume(op.key, op.cost, limitOf(op));
                  const where = `operation ${index} (${op.key.slice(0, 8)}, cost ${op.cost}${perRequest ? `, limit ${op.limit}` : ''}) at ${now}`;
                  expect({ where, decision: fromRedis }).toEqual({ where, decision: fromMemory });
                  if (fromMemory.allowed && op.cost > 0) {
                    charges.set(op.key, [op.cost, limitOf(op), fromMemory.chargedAt]);
                  }
                  expect({ where, values: values(fromRedis, policy, limitOf(op)) }).toEqual({
                    where,
                    values: values(fromMemory, policy, limitOf(op)),
                  });
                } else if (op.kind === 'get') {
                  const where = `operation ${index} (get ${op.key.slice(0, 8)}) at ${now}`;
                  expect({ where, decision: await redis.get(op.key, limitOf(op)) }).toEqual({
                    where,
                    decision: memory.get(op.key, limitOf(op)),
                  });
                } else if (op.kind === 'refund') {
                  // The key's last charge, as countOnly gives it back (with its time, which both
                  // stores reported alike); with none, a refund of the cost from the key as it is.
                  const charge = charges.get(op.key);
                  charges.delete(op.key);
                  const [cost, limit, chargedAt] = charge ?? [op.cost, limitOf(op), undefined];
                  memory.refund(op.key, cost, limit, chargedAt);
                  await redis.refund(op.key, cost, limit, chargedAt);
                } else {
                  memory.reset(op.key);
                  await redis.reset(op.key);
                }
              }
            } finally {
              memory.shutdown();
            }
          },
        ),
        { numRuns: RUNS },
      );
      // Several thousand operations per algorithm, as promised above.
      expect(operations).toBeGreaterThanOrEqual(RUNS * 30);
    },
    PROPERTY_TIMEOUT,
  );
});

/** What the limiter would send for a decision: every header value it derives from it. */
function values(decision: RateLimitDecision, policy: RateLimitPolicy, limit?: number) {
  const window = policy.windows[decision.window]!;
  return rateLimitValues(decision, limit === undefined ? window : { ...window, limit });
}
