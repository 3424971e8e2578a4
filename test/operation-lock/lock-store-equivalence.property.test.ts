/**
 * One truth, two implementations: the lock's rules exist in TypeScript
 * (`MemoryLockStore`) and in Lua (`RedisLockStore`). This property test
 * drives both with the same random sequences of acquire, complete, release
 * and renew calls (keys, owner tokens, fingerprints, leases, lifetimes and
 * clock steps, forward and back), on one controlled clock, and demands the same answer from
 * both to every call. Changing either side alone makes it fail.
 *
 * Redis runs for real (REDIS_URL); the Redis store reads the controlled
 * clock through its `now` option, sent to the scripts in place of `TIME`.
 */
import fc from 'fast-check';
import { MemoryLockStore, RedisLockStore } from '../../src/index.js';
import { connectClient, describeWithRedis, uniquePrefix } from '../helpers/redis.js';

const RUNS = Number(process.env.STORE_EQUIVALENCE_RUNS ?? 100);
const PROPERTY_TIMEOUT = 120_000;
const KEYS = ['a', 'b', '', '}~', `long:${'x'.repeat(300)}`];
const TOKENS = ['t1', 't2', 't3'];

const operationArb = fc.record({
  kind: fc.constantFrom('acquire', 'acquire', 'acquire', 'complete', 'release', 'renew'),
  key: fc.constantFrom(...KEYS),
  token: fc.constantFrom(...TOKENS),
  fingerprint: fc.constantFrom('f1', 'f2'),
  ms: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5000 })),
  response: fc.string({ maxLength: 20 }),
  advanceMs: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 60 }) },
    { weight: 1, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 6000 }) },
    // A clock that steps back (Redis's TIME is its host's wall clock): a little, or an hour.
    { weight: 1, arbitrary: fc.integer({ min: -6000, max: 0 }) },
    { weight: 1, arbitrary: fc.constant(-3_600_000) },
  ),
});

const scenarioArb = fc.record({
  start: fc.oneof(
    fc.integer({ min: 0, max: 1e7 }),
    fc.double({ min: 1.6e12, max: 2.2e12, noNaN: true }),
  ),
  operations: fc.array(operationArb, { minLength: 20, maxLength: 60 }),
});

describeWithRedis('MemoryLockStore and RedisLockStore answer identically', () => {
  let connection: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    connection = await connectClient('ioredis');
  });
  afterAll(async () => {
    await connection.close();
  });

  it(
    'every acquire, complete, release and renew gets the same answer from both stores',
    async () => {
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ start, operations }) => {
          let now = start;
          const clock = () => now;
          const memory = new MemoryLockStore({ now: clock });
          const redis = new RedisLockStore({
            client: connection.client,
            prefix: uniquePrefix(),
            now: clock,
          });
          try {
            for (const [index, op] of operations.entries()) {
              now += op.advanceMs;
              calls++;
              const where = `operation ${index}: ${op.kind} ${op.key.slice(0, 6)} by ${op.token} at ${now}`;
              const [fromMemory, fromRedis] =
                op.kind === 'acquire'
                  ? [
                      memory.acquire(op.key, op.token, op.fingerprint, op.ms),
                      await redis.acquire(op.key, op.token, op.fingerprint, op.ms),
                    ]
                  : op.kind === 'complete'
                    ? [
                        memory.complete(op.key, op.token, op.response, op.ms),
                        await redis.complete(op.key, op.token, op.response, op.ms),
                      ]
                    : op.kind === 'release'
                      ? [memory.release(op.key, op.token), await redis.release(op.key, op.token)]
                      : [
                          memory.renew(op.key, op.token, op.ms),
                          await redis.renew(op.key, op.token, op.ms),
                        ];
              expect({ where, answer: fromRedis }).toEqual({ where, answer: fromMemory });
            }
          } finally {
            memory.shutdown();
          }
        }),
        { numRuns: RUNS },
      );
      expect(calls).toBeGreaterThanOrEqual(RUNS * 20);
    },
    PROPERTY_TIMEOUT,
  );
});
