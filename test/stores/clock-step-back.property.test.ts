/**
 * A store's clock that steps back (Redis's `TIME` is its host's wall clock)
 * must neither let more through than real time allows nor keep a client out
 * for the step: driven with random requests on a real time that only moves
 * on and a store clock that sometimes steps back (a little, or an hour), the
 * limiter (1) never tells a client to wait longer than the policy itself
 * would on the new clock, and (2) never admits more than its algorithm
 * admits on a clock that does not step back. `MemoryStore` is driven here,
 * for speed; store-equivalence.property.test.ts shows that `RedisStore`
 * decides the same under the same steps.
 */
import fc from 'fast-check';
import { MemoryStore, type RateLimitPolicy } from '../../src/index.js';
import { ALGORITHMS, type Algorithm } from '../../src/stores/algorithms.js';

const RUNS = Number(process.env.STORE_EQUIVALENCE_RUNS ?? 200);

const scenarioArb = () =>
  fc.record({
    limit: fc.integer({ min: 1, max: 10 }),
    windowMs: fc.integer({ min: 10, max: 5000 }),
    block: fc.option(
      fc.record({
        after: fc.integer({ min: 1, max: 3 }),
        withinMs: fc.integer({ min: 1, max: 10_000 }),
        durationMs: fc.integer({ min: 1, max: 10_000 }),
      }),
      { nil: undefined },
    ),
    start: fc.oneof(fc.constant(5e6), fc.double({ min: 1.6e12, max: 2.2e12, noNaN: true })),
    steps: fc.array(
      fc.record({
        // Real time only moves on.
        advanceMs: fc.oneof(
          { weight: 3, arbitrary: fc.constant(0) },
          { weight: 3, arbitrary: fc.double({ min: 0, max: 500, noNaN: true }) },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 10_000 }) },
        ),
        // The store's clock sometimes steps back.
        backMs: fc.oneof(
          { weight: 8, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }) },
          { weight: 1, arbitrary: fc.constant(3_600_000) },
        ),
      }),
      { minLength: 20, maxLength: 120 },
    ),
  });

describe('A store clock that steps back', () => {
  it.each<Algorithm>(ALGORITHMS)(
    'with %s, keeps no client out longer than the policy, and admits no more than real time allows',
    (algorithm) => {
      fc.assert(
        fc.property(scenarioArb(), ({ limit, windowMs, block, start, steps }) => {
          let real = 0;
          let back = 0;
          const store = new MemoryStore({ now: () => start + real - back });
          const policy: RateLimitPolicy = {
            algorithm,
            windows: [{ limit, windowMs, name: 'w' }],
            block,
          };
          store.init(policy);
          // The longest the algorithm itself makes a client wait: its window (the sliding
          // window's previous count fades over the next one), or the block.
          const bound = Math.max(
            algorithm === 'sliding-window' ? 2 * windowMs : windowMs,
            block?.durationMs ?? 0,
          );
          const admitted: number[] = [];
          try {
            for (const { advanceMs, backMs } of steps) {
              real += advanceMs;
              back += backMs;
              const decision = store.consume('k', 1);
              if (decision.allowed) {
                admitted.push(real);
                continue;
              }
              expect(Math.max(decision.retryAfterMs, decision.blockedMs)).toBeLessThanOrEqual(
                bound,
              );
            }
          } finally {
            store.shutdown();
          }
          for (let i = 0; i < admitted.length; i++) {
            for (let j = i; j < admitted.length; j++) {
              const span = admitted[j]! - admitted[i]!;
              const count = j - i + 1;
              if (algorithm === 'gcra') {
                // A request owes windowMs / limit of the window, paid back at most at the pace
                // of real time, and the debt never exceeds the window (half a share of tolerance).
                expect(count).toBeLessThanOrEqual(limit + (span * limit) / windowMs + 0.5);
              } else if (span < windowMs) {
                // At most `limit` in each window, and a window lasts at least windowMs of real
                // time: any shorter span meets two windows at most.
                expect(count).toBeLessThanOrEqual(2 * limit);
              }
            }
          }
        }),
        { numRuns: RUNS },
      );
    },
  );
});
