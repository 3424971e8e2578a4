import { expectTypeOf } from 'expect-type';
import createHttpError from 'http-errors';
import request from 'supertest';
import { ApiError, errorHandler, isApiError, type SubCodeOf } from '../../../src/index.js';
import { appThrowing } from '../../helpers/app.js';
import { problemOf } from '../../helpers/problem.js';
import { catalog, CreditExhaustedError } from './catalog.js';

describe('defineErrorClass for a status of the user’s own catalog', () => {
  it('makes a class whose instances have the status, name and implied parts', () => {
    const error = new CreditExhaustedError('Balance is 0.00 EUR', { balance: 0 });
    expect(error).toBeInstanceOf(CreditExhaustedError);
    expect(error).toBeInstanceOf(ApiError);
    expect(isApiError(error)).toBe(true);
    expect(createHttpError.isHttpError(error)).toBe(true);
    expect(CreditExhaustedError.status).toBe(460);
    expect(error.name).toBe('CreditExhaustedError');
    expect(error.headers).toEqual({ 'X-Credit-Balance': '0' });
    expect(error.extensions).toEqual({ balance: 0 });
  });

  it('is answered by errorHandler with its status, headers and the user catalog’s entry', async () => {
    const res = await request(
      appThrowing(() => new CreditExhaustedError({ subCode: '460.1', balance: 0 }), {
        logger: false,
        catalog,
      }),
    ).get('/throw');
    expect(res.status).toBe(460);
    expect(res.headers['x-credit-balance']).toBe('0');
    expect(res.headers['x-status-sub-code']).toBe('460.1');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Credit Exhausted',
      status: 460,
      detail: 'The free trial credit is used up. Choose a plan to go on.',
      instance: '/throw',
      code: 'TRIAL_CREDIT_EXHAUSTED',
      subCode: '460.1',
      balance: 0,
    });
  });

  it('takes its code from the catalog errorHandler was given', () => {
    errorHandler({ logger: false, catalog });
    expect(new CreditExhaustedError({ subCode: '460.1' }).code).toBe('TRIAL_CREDIT_EXHAUSTED');
    expect(new CreditExhaustedError().code).toBe('CREDIT_EXHAUSTED');
  });

  it('titles the problem by the sub-code when given its own type URIs', async () => {
    const res = await request(
      appThrowing(() => new CreditExhaustedError({ subCode: '460.1' }), {
        logger: false,
        catalog,
        problemType: (entry) => `https://api.example.com/problems/${entry.name}`,
      }),
    ).get('/throw');
    expect(problemOf(res)).toMatchObject({
      type: 'https://api.example.com/problems/TRIAL_CREDIT_EXHAUSTED',
      title: 'Trial credit exhausted',
    });
  });

  it('type-checks the sub-codes of its status from the registered catalog', () => {
    expectTypeOf<SubCodeOf<460>>().toEqualTypeOf<'460.1'>();
    expectTypeOf(new CreditExhaustedError()).toEqualTypeOf<ApiError<460>>();
    const mustNotCompile = () => {
      // @ts-expect-error 404.1 belongs to 404
      new CreditExhaustedError({ subCode: '404.1' });
      // @ts-expect-error 460.2 is not in the registered catalog
      new CreditExhaustedError({ subCode: '460.2' });
      // @ts-expect-error `balance` is a number
      new CreditExhaustedError({ balance: '0' });
    };
    expect(typeof mustNotCompile).toBe('function');
  });

  it('refuses, at run time, a sub-code of another status', () => {
    expect(() => new CreditExhaustedError({ subCode: '404.1' as never })).toThrow(
      '`subCode` "404.1" does not belong to status 460',
    );
  });
});
