import { expectTypeOf } from 'expect-type';
import { ApiError, createError, type ErrorClassStatus } from '../../src/index.js';

// These checks run in `npm run typecheck`; the functions are never called,
// so the lines that must not compile are not executed either.
describe('createError types', () => {
  it('types the error by its status', () => {
    expectTypeOf(createError(404)).toEqualTypeOf<ApiError<404>>();
    expectTypeOf(createError(409, 'x', { subCode: '409.1' })).toEqualTypeOf<ApiError<409>>();
    expectTypeOf(createError(new Error('x'))).toEqualTypeOf<ApiError>();
    expectTypeOf(createError(Number('404'))).toEqualTypeOf<ApiError>();
    expectTypeOf<404 | 426 | 511>().toExtend<ErrorClassStatus>();
    expectTypeOf<509>().not.toExtend<ErrorClassStatus>();
  });

  it('rejects at compile time what the class of the status would reject', () => {
    const mustNotCompile = () => {
      // @ts-expect-error 401.24 belongs to 401, not 404
      createError(404, 'x', { subCode: '401.24' });
      // @ts-expect-error the same without a message
      createError(404, { subCode: '401.24' });
      // @ts-expect-error a 405 needs `allow`
      createError(405);
      // @ts-expect-error a 426 needs `upgrade`
      createError(426, 'x');
      // @ts-expect-error `allow` is a 405's option, not a 404's
      createError(404, { allow: ['GET'] });
      // @ts-expect-error http-errors would copy `code` onto the error; here it is no option
      createError(404, 'x', { code: 'E_USER' });
    };
    expect(typeof mustNotCompile).toBe('function');
  });

  it('rejects statuses that have no class at compile time', () => {
    const mustNotCompile = () => {
      // @ts-expect-error not an error status
      createError(200);
      // @ts-expect-error beyond 599
      createError(600);
      // @ts-expect-error 509 has no class
      createError(509);
      // @ts-expect-error a string is no status
      createError('404');
    };
    expect(typeof mustNotCompile).toBe('function');
  });

  it('accepts the forms of http-errors', () => {
    const compiles = () => {
      createError(404, 'No user', { subCode: '404.1', headers: { 'X-Hint': 'users' } });
      createError(404, { expose: false });
      createError(503, new Error('x'), 'Try later', { retryAfter: 30 });
      createError(new Error('x'), 'Oops', { expose: true });
      createError(405, { allow: ['GET'] });
    };
    expect(typeof compiles).toBe('function');
  });
});
