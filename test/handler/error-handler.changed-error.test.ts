import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isNativeError } from 'node:util/types';
import request from 'supertest';
import {
  CHANNEL_NAMES,
  ConflictError,
  InternalServerError,
  NotFoundError,
  type ErrorMessage,
} from '../../src/index.js';
import { markRefusal } from '../../src/errors/refusal.js';
import { appThrowing } from '../helpers/app.js';
import { captureLogs } from '../helpers/logs.js';
import { expectedProblem, problemOf } from '../helpers/problem.js';

describe('errorHandler: an ApiError changed after it was made', () => {
  /** A 409.1 with a Location header, then `changes` assigned to it, as JavaScript allows. */
  const changed = (changes: Record<string, unknown>) => () =>
    Object.assign(
      new ConflictError('Order 7 is being placed', {
        subCode: '409.1',
        headers: { Location: '/orders/7' },
      }),
      changes,
    );
  /** The body of the 409.1 that `changed` makes, as sent unchanged. */
  const conflict = {
    type: 'about:blank',
    title: 'Conflict',
    status: 409,
    detail: 'Order 7 is being placed',
    instance: '/throw',
    code: 'DUPLICATE_REQUEST_IN_PROGRESS',
    subCode: '409.1',
  };
  const generic500 = expectedProblem(
    500,
    '/throw',
    'The server hit an unexpected error. The problem is on our side.',
  );

  it('answers a new error status, as http-errors users set one (err.status = 410)', async () => {
    const res = await request(appThrowing(changed({ status: 410 }))).get('/throw');
    expect(res.status).toBe(410);
    expect(res.headers.location).toBe('/orders/7');
    // The sub-code was 409's: it is dropped rather than sent under another status.
    expect(res.headers['x-status-sub-code']).toBeUndefined();
    expect(problemOf(res)).toEqual(expectedProblem(410, '/throw', 'Order 7 is being placed'));
  });

  it('keeps the detail of an error changed to a 5xx to itself, as a 5xx made so would', async () => {
    const res = await request(appThrowing(changed({ status: 503 }))).get('/throw');
    expect(res.status).toBe(503);
    expect(problemOf(res)).toEqual(
      expectedProblem(
        503,
        '/throw',
        'The server is overloaded or down for maintenance. Retry later: after at least the time in Retry-After, when the response gives one.',
      ),
    );
  });

  it.each(['false', 1])(
    'keeps the detail of a 5xx to itself when expose is set to %p, which is no boolean',
    async (expose) => {
      const res = await request(
        appThrowing(() => Object.assign(new InternalServerError('SECRET-db-password'), { expose })),
      ).get('/throw');
      expect(res.status).toBe(500);
      expect(res.text).not.toContain('SECRET');
      expect(problemOf(res)).toEqual(generic500);
    },
  );

  it.each([200, 302, 99, 1000, '410', undefined])(
    'answers statusCode when status %p is no error status, as finalhandler does',
    async (status) => {
      const res = await request(appThrowing(changed({ status }))).get('/throw');
      expect(res.status).toBe(409);
      expect(res.headers.location).toBe('/orders/7');
      expect(res.headers['x-status-sub-code']).toBe('409.1');
      expect(problemOf(res)).toEqual(conflict);
    },
  );

  it('answers a generic 500 when neither status nor statusCode is an error status, and logs the error with its stack', async () => {
    const logs = captureLogs();
    const res = await request(
      appThrowing(changed({ status: 200, statusCode: 200 }), { logger: logs.logger }),
    ).get('/throw');
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(problemOf(res)).toEqual(generic500);
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 50,
        status: 500,
        err: expect.objectContaining({
          type: 'ConflictError',
          message: 'Order 7 is being placed',
          stack: expect.stringContaining('error-handler.changed-error.test.ts'),
        }),
      }),
    ]);
  });

  it.each([
    [
      'a header value with a line break',
      { Location: '/orders/7', 'X-Trace': 'a\r\nInjected: yes' },
    ],
    ['a header name with a space', { Location: '/orders/7', 'X Trace': 'a' }],
    ['a header value that is an object', { Location: '/orders/7', 'X-Trace': { a: 1 } }],
    ['an invalid Retry-After', { Location: '/orders/7', 'Retry-After': 'soon' }],
  ])('drops %s and sends the rest', async (_case, headers) => {
    const res = await request(appThrowing(changed({ headers }))).get('/throw');
    expect(res.status).toBe(409);
    expect(res.headers.location).toBe('/orders/7');
    expect(res.headers['x-status-sub-code']).toBe('409.1');
    expect(res.headers['x-trace']).toBeUndefined();
    expect(res.headers.injected).toBeUndefined();
    expect(res.headers['retry-after']).toBeUndefined();
    expect(problemOf(res)).toEqual(conflict);
  });

  it('drops headers that are not an object (a string’s characters are no headers)', async () => {
    const res = await request(appThrowing(changed({ headers: 'Location: /x' }))).get('/throw');
    expect(res.status).toBe(409);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['0']).toBeUndefined();
    expect(problemOf(res)).toEqual(conflict);
  });

  it.each(['409.x', 409.1, '404.1', '409.01'])(
    'drops sub-code %p, which is not one of 409',
    async (subCode) => {
      const res = await request(appThrowing(changed({ subCode }))).get('/throw');
      expect(res.status).toBe(409);
      expect(res.headers['x-status-sub-code']).toBeUndefined();
      expect(problemOf(res)).toEqual(expectedProblem(409, '/throw', 'Order 7 is being placed'));
    },
  );

  it('sends its catalog entry’s description for a detail that is not a string', async () => {
    const res = await request(appThrowing(changed({ detail: { order: 7 } }))).get('/throw');
    expect(res.status).toBe(409);
    expect(problemOf(res)).toEqual({
      ...conflict,
      detail:
        'An identical request is still being processed. Wait for it to finish instead of sending it again.',
    });
  });

  it('sends no extension members for extensions that are not an object', async () => {
    const res = await request(appThrowing(changed({ extensions: 'abc' }))).get('/throw');
    expect(res.status).toBe(409);
    expect(problemOf(res)).toEqual(conflict);
  });

  it('answers from one reading of each field, whatever a getter answers the next time', async () => {
    const res = await request(
      appThrowing(() => {
        const error = changed({})();
        let reads = 0;
        Object.defineProperty(error, 'status', { get: () => (reads++ === 0 ? 409 : 200) });
        let subCodeReads = 0;
        Object.defineProperty(error, 'subCode', {
          get: () => (subCodeReads++ === 0 ? '409.1' : '409.99999'),
        });
        return error;
      }),
    ).get('/throw');
    expect(res.status).toBe(409);
    expect(res.headers['x-status-sub-code']).toBe('409.1');
    expect(problemOf(res)).toEqual(conflict);
  });

  it('answers from one reading of each field, whatever an extension member’s getter changes on the error', async () => {
    const res = await request(
      appThrowing(() => {
        const error = new NotFoundError('No user 7', { subCode: '404.1' });
        Object.assign(error, {
          extensions: {
            get widget() {
              Object.assign(error, { subCode: '404.99', headers: { 'X-Late': 'yes' } });
              return 'w1';
            },
          },
        });
        return error;
      }),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.headers['x-status-sub-code']).toBe('404.1');
    expect(res.headers['x-late']).toBeUndefined();
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No user 7',
      instance: '/throw',
      code: 'USER_NOT_FOUND',
      subCode: '404.1',
      widget: 'w1',
    });
  });

  it('answers from one reading of each field of a Proxy around an ApiError', async () => {
    let reads = 0;
    const res = await request(
      appThrowing(
        () =>
          new Proxy(changed({})(), {
            get: (target, name, receiver) =>
              name === 'status' && reads++ > 0 ? 200 : Reflect.get(target, name, receiver),
          }),
      ),
    ).get('/throw');
    expect(res.status).toBe(409);
    expect(problemOf(res)).toEqual(conflict);
  });

  it('answers a frozen error it drops a field of', async () => {
    const res = await request(
      appThrowing(() =>
        Object.freeze(changed({ headers: { Location: '/orders/7', 'X Bad': 'x' } })()),
      ),
    ).get('/throw');
    expect(res.status).toBe(409);
    expect(res.headers.location).toBe('/orders/7');
    expect(problemOf(res)).toEqual(conflict);
  });

  it('logs the error that was thrown, not its cause, when it drops a field of it', async () => {
    const logs = captureLogs();
    const thrown = () =>
      Object.assign(new ConflictError('Order 7 is busy', { cause: new Error('db timeout') }), {
        headers: { 'X Bad': 'x' },
      });
    const res = await request(appThrowing(thrown, { logger: logs.logger })).get('/throw');
    expect(res.status).toBe(409);
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 40,
        err: expect.objectContaining({
          type: 'ConflictError',
          message: 'Order 7 is busy: db timeout',
        }),
      }),
    ]);
  });

  it('tells error-channel subscribers of a native error of its class when it drops a field of it', async () => {
    const answered: unknown[] = [];
    const listener = (message: unknown) => answered.push((message as ErrorMessage).error);
    class OrderBusy extends ConflictError {}
    subscribe(CHANNEL_NAMES.error, listener);
    try {
      const res = await request(
        appThrowing(() => Object.assign(new OrderBusy('busy'), { headers: { 'X Bad': 'x' } })),
      ).get('/throw');
      expect(res.status).toBe(409);
    } finally {
      unsubscribe(CHANNEL_NAMES.error, listener);
    }
    expect(answered).toEqual([expect.any(OrderBusy)]);
    expect(isNativeError(answered[0])).toBe(true);
    expect((answered[0] as OrderBusy).headers).toEqual({});
  });

  it('keeps the refusal mark of an error it drops a field of: logged as a refusal', async () => {
    const logs = captureLogs();
    const res = await request(
      appThrowing(
        () =>
          Object.assign(
            markRefusal(new ConflictError('busy', { subCode: '409.1' }), { key: 'ada' }),
            {
              headers: { 'X Bad': 'x' },
            },
          ),
        { logger: logs.logger },
      ),
    ).get('/throw');
    expect(res.status).toBe(409);
    expect(logs.lines).toEqual([expect.objectContaining({ level: 30, refusal: true })]);
  });
});
