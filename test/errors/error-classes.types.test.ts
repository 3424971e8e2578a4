import { expectTypeOf } from 'expect-type';
import {
  ApiError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthorizedError,
  type SubCode,
  type SubCodeOf,
} from '../../src/index.js';

// These checks run in `npm run typecheck`; the functions are never called,
// so the lines that must not compile are not executed either.
describe('types', () => {
  it('derives sub-code unions from the catalog', () => {
    expectTypeOf<SubCodeOf<404>>().toEqualTypeOf<'404.1' | '404.2'>();
    expectTypeOf<SubCodeOf<409>>().toEqualTypeOf<'409.1'>();
    expectTypeOf<SubCodeOf<410>>().toBeNever();
    expectTypeOf<'401.24'>().toExtend<SubCode>();
  });

  it('types instances by status', () => {
    expectTypeOf(new NotFoundError()).toEqualTypeOf<ApiError<404>>();
    expectTypeOf(new NotFoundError().status).toEqualTypeOf<404>();
    expectTypeOf(new ApiError(451).status).toEqualTypeOf<451>();
  });

  it('rejects sub-codes of other statuses and unknown ones at compile time', () => {
    const mustNotCompile = () => {
      // @ts-expect-error 401.24 belongs to 401, not 404
      new NotFoundError('x', { subCode: '401.24' });
      // @ts-expect-error 401.99 is not in the catalog
      new UnauthorizedError('x', { subCode: '401.99' });
      // @ts-expect-error a 405 needs `allow`
      new MethodNotAllowedError('x');
      // @ts-expect-error sub-codes belong to the status given to ApiError
      new ApiError(404, 'x', { subCode: '409.1' });
    };
    expect(typeof mustNotCompile).toBe('function');
  });

  it('accepts the sub-codes of the status', () => {
    const compiles = () => {
      new NotFoundError('x', { subCode: '404.1' });
      new UnauthorizedError({ subCode: '401.24' });
      new ApiError(409, 'x', { subCode: '409.1' });
    };
    expect(typeof compiles).toBe('function');
  });
});
