import { expectTypeOf } from 'expect-type';
import {
  ConflictError,
  errorHandler,
  type ErrorStatusOf,
  type MappingTarget,
  type RegisteredEntry,
} from '../../src/index.js';

class OrderMissing extends Error {
  readonly orderId = 'o-1';
}
class DuplicateEmail extends Error {
  readonly email = 'a@example.com';
}
interface PrismaError {
  readonly code: string;
  readonly meta: { readonly target: string };
}
const isPrismaError = (error: unknown): error is PrismaError =>
  typeof error === 'object' && error !== null && 'code' in error && 'meta' in error;

// These checks run in `npm run typecheck`; the functions are never called,
// so the lines that must not compile are not executed either.
describe('errorHandler option types', () => {
  it('types each mapping callback by its own match', () => {
    const compiles = () =>
      errorHandler({
        logger: false,
        mappings: [
          { match: OrderMissing, to: 404 },
          {
            match: DuplicateEmail,
            to: (error) => {
              expectTypeOf(error).toEqualTypeOf<DuplicateEmail>();
              return new ConflictError(`${error.email} is taken`);
            },
          },
          {
            match: isPrismaError,
            to: (error) => {
              expectTypeOf(error).toEqualTypeOf<PrismaError>();
              return new ConflictError(`${error.meta.target} exists`);
            },
          },
          { match: (error) => error instanceof RangeError, to: '409.1' },
        ],
      });
    expect(typeof compiles).toBe('function');
  });

  it('restricts `to` to the error statuses and error sub-codes of the catalog', () => {
    expectTypeOf<404 | 451 | 503 | '401.24' | '409.1'>().toExtend<MappingTarget>();
    expectTypeOf<200>().not.toExtend<MappingTarget>();
    expectTypeOf<499>().not.toExtend<MappingTarget>();
    expectTypeOf<'409.99'>().not.toExtend<MappingTarget>();
    expectTypeOf<ErrorStatusOf<RegisteredEntry>>().toExtend<number>();
    expectTypeOf<404>().toExtend<ErrorStatusOf<RegisteredEntry>>();
    expectTypeOf<201>().not.toExtend<ErrorStatusOf<RegisteredEntry>>();
    const mustNotCompile = () => {
      // @ts-expect-error 499 is no status of the catalog
      errorHandler({ mappings: [{ match: OrderMissing, to: 499 }] });
      // @ts-expect-error a success status is no answer to an error
      errorHandler({ mappings: [{ match: OrderMissing, to: 201 }] });
      // @ts-expect-error 409.99 is no sub-code of the catalog
      errorHandler({ mappings: [{ match: OrderMissing, to: '409.99' }] });
      // @ts-expect-error the callback's argument is an OrderMissing, which has no `email`
      errorHandler({ mappings: [{ match: OrderMissing, to: (e) => new ConflictError(e.email) }] });
      // @ts-expect-error the callback must return an ApiError
      errorHandler({ mappings: [{ match: OrderMissing, to: () => new Error('x') }] });
    };
    expect(typeof mustNotCompile).toBe('function');
  });

  it('rejects unknown option names at compile time', () => {
    const mustNotCompile = () => {
      // @ts-expect-error `debg` is no option
      errorHandler({ debg: true });
    };
    expect(typeof mustNotCompile).toBe('function');
  });
});
