import { expectTypeOf } from 'expect-type';
import type { Request } from 'express';
import {
  rateLimit,
  type RateLimitInfo,
  type RateLimitMiddleware,
  type RateLimitOptions,
} from '../../src/index.js';

// These checks run in `npm run typecheck`; the calls that must not compile
// sit in functions that are never called.
describe('rateLimit types', () => {
  it('requires a window: limit and windowMs, or windows', () => {
    expectTypeOf<{ limit: 5; windowMs: 1000 }>().toExtend<RateLimitOptions>();
    expectTypeOf<{ windows: [{ limit: 5; windowMs: 1000 }] }>().toExtend<RateLimitOptions>();
    expectTypeOf<Record<string, never>>().not.toExtend<RateLimitOptions>();
    expectTypeOf<{ limit: 5 }>().not.toExtend<RateLimitOptions>();
    expectTypeOf<{
      limit: 5;
      windowMs: 1000;
      windows: [{ limit: 5; windowMs: 1000 }];
    }>().not.toExtend<RateLimitOptions>();
  });

  it('takes limit as a function of the request, sync or async, in the one-window form only', () => {
    expectTypeOf<{
      limit: (req: Request) => number;
      windowMs: 1000;
    }>().toExtend<RateLimitOptions>();
    expectTypeOf<{
      limit: (req: Request) => Promise<number>;
      windowMs: 1000;
    }>().toExtend<RateLimitOptions>();
    expectTypeOf<{
      windows: [{ limit: (req: Request) => number; windowMs: 1000 }];
    }>().not.toExtend<RateLimitOptions>();
    expectTypeOf<{
      limit: (req: Request) => string;
      windowMs: 1000;
    }>().not.toExtend<RateLimitOptions>();
  });

  it('does not compile express-rate-limit names', () => {
    const neverCalled = () => {
      // @ts-expect-error -- `max` is express-rate-limit's; ours is `limit`
      rateLimit({ max: 5, windowMs: 1000 });
      // @ts-expect-error -- `keyGenerator` is express-rate-limit's; ours is `key`
      rateLimit({ limit: 5, windowMs: 1000, keyGenerator: () => 'k' });
      // @ts-expect-error -- no window at all
      rateLimit({});
    };
    expectTypeOf(neverCalled).toBeFunction();
  });

  it('types the middleware, its methods and req.rateLimit', () => {
    expectTypeOf(rateLimit({ limit: 5, windowMs: 1000 })).toEqualTypeOf<RateLimitMiddleware>();
    expectTypeOf<RateLimitMiddleware['getKey']>().returns.toEqualTypeOf<
      Promise<RateLimitInfo | undefined>
    >();
    expectTypeOf<Request['rateLimit']>().toEqualTypeOf<RateLimitInfo | undefined>();
  });

  it('accepts async key, cost and skip functions', () => {
    expectTypeOf<{
      limit: 5;
      windowMs: 1000;
      key: (req: Request) => Promise<string>;
      cost: (req: Request) => Promise<number>;
      skip: (req: Request) => Promise<boolean>;
    }>().toExtend<RateLimitOptions>();
  });
});
