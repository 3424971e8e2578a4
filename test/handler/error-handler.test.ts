import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isNativeError } from 'node:util/types';
import createHttpError from 'http-errors';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { z } from 'zod';
import {
  ApiError,
  CHANNEL_NAMES,
  Catalog,
  ConflictError,
  defaultCatalog,
  defaultEntries,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  errorHandler,
  type ErrorHandlerOptions,
  type ErrorMessage,
} from '../../src/index.js';
import { appFailingAfter, appFailingMidStream, appThrowing, createApp } from '../helpers/app.js';
import { markRefusal } from '../../src/errors/refusal.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';

class OrderMissing extends Error {}
class PaymentDeclined extends Error {
  constructor(readonly reason: string) {
    super(`Payment declined: ${reason}`);
  }
}

describe('errorHandler: what it maps, in order', () => {
  it('maps a domain error class to a status, exposing its message below 500', async () => {
    const res = await request(
      appThrowing(() => new OrderMissing('Order 7 does not exist'), {
        logger: false,
        mappings: [{ match: OrderMissing, to: 404 }],
      }),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Order 7 does not exist',
      instance: '/throw',
      code: 'NOT_FOUND',
    });
  });

  it('maps a domain error to a sub-code, which also sets the status', async () => {
    const res = await request(
      appThrowing(() => new OrderMissing('No user 9'), {
        logger: false,
        mappings: [{ match: OrderMissing, to: '404.1' }],
      }),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.headers['x-status-sub-code']).toBe('404.1');
    expect(problemOf(res)).toMatchObject({
      code: 'USER_NOT_FOUND',
      subCode: '404.1',
      detail: 'No user 9',
    });
  });

  it('maps with a predicate and a factory that builds the ApiError', async () => {
    const res = await request(
      appThrowing(() => Object.assign(new Error('unique violation'), { code: 'P2002' }), {
        logger: false,
        mappings: [
          {
            match: (error) => (error as { code?: string }).code === 'P2002',
            to: () => new ConflictError('This email is taken', { location: '/users/3' }),
          },
        ],
      }),
    ).get('/throw');
    expect(res.status).toBe(409);
    expect(res.headers.location).toBe('/users/3');
    expect(problemOf(res)).toMatchObject({ detail: 'This email is taken', code: 'CONFLICT' });
  });

  it('hides the message of a domain error mapped to 5xx', async () => {
    const res = await request(
      appThrowing(() => new PaymentDeclined('card 4242 blocked'), {
        logger: false,
        mappings: [{ match: PaymentDeclined, to: 503 }],
      }),
    ).get('/throw');
    expect(res.status).toBe(503);
    expect(res.text).not.toContain('4242');
  });

  it('uses the first matching mapping, before ApiErrors themselves', async () => {
    const res = await request(
      appThrowing(() => new NotFoundError('x'), {
        logger: false,
        mappings: [
          { match: NotFoundError as never, to: 410 },
          { match: () => true, to: 400 },
        ],
      }),
    ).get('/throw');
    expect(res.status).toBe(410);
  });

  it('answers 500 when a mapping throws or returns something else than an ApiError', async () => {
    const throwing = await request(
      appThrowing(() => new OrderMissing(), {
        logger: false,
        mappings: [
          {
            match: () => {
              throw new Error('bug in predicate');
            },
            to: 400,
          },
        ],
      }),
    ).get('/throw');
    expect(throwing.status).toBe(500);
    const wrong = await request(
      appThrowing(() => new OrderMissing(), {
        logger: false,
        mappings: [{ match: OrderMissing, to: () => new Error('not an ApiError') as never }],
      }),
    ).get('/throw');
    expect(wrong.status).toBe(500);
  });

  it('keeps at most 8 KiB of an http-errors error’s headers, which past their limit a client would refuse with the answer', async () => {
    const res = await request(
      appThrowing(() =>
        createHttpError(404, 'No such widget', {
          headers: {
            'X-Hint': 'widgets',
            'X-Big': 'a'.repeat(8193),
            'X-First': 'b'.repeat(5000),
            'X-Second': 'c'.repeat(5000),
          },
        }),
      ),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.headers['x-hint']).toBe('widgets');
    expect(res.headers['x-big']).toBeUndefined();
    expect(res.headers['x-first']).toBe('b'.repeat(5000));
    expect(res.headers['x-second']).toBeUndefined();
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No such widget',
      instance: '/throw',
      code: 'NOT_FOUND',
    });
  });

  it('answers an http-errors error with its status, message and headers', async () => {
    const res = await request(
      appThrowing(() =>
        createHttpError(404, 'No such widget', { headers: { 'X-Hint': 'widgets' } }),
      ),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.headers['x-hint']).toBe('widgets');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No such widget',
      instance: '/throw',
      code: 'NOT_FOUND',
    });
  });

  it('answers an http-errors error made without a message with the catalog’s detail, not its status phrase again', async () => {
    const res = await request(appThrowing(() => createHttpError(403))).get('/throw');
    expect(res.status).toBe(403);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: defaultCatalog.get(403)!.description,
      instance: '/throw',
      code: 'FORBIDDEN',
    });
  });

  it('answers an http-errors error made without a message for an unregistered 4xx without the phrase of its class (Bad Request)', async () => {
    const res = await request(appThrowing(() => createHttpError(499))).get('/throw');
    expect(res.status).toBe(499);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'HTTP 499',
      status: 499,
      detail: 'HTTP 499',
      instance: '/throw',
      code: 'HTTP_499',
    });
  });

  it('answers a status the catalog lacks with the RFC status phrase', async () => {
    const res = await request(appThrowing(() => createHttpError(509))).get('/throw');
    expect(res.status).toBe(509);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Bandwidth Limit Exceeded',
      status: 509,
      detail: 'Bandwidth Limit Exceeded',
      instance: '/throw',
      code: 'BANDWIDTH_LIMIT_EXCEEDED',
    });
  });

  it('reads statusCode when there is no status', async () => {
    const res = await request(appThrowing(() => ({ statusCode: 409, message: 'x' }))).get('/throw');
    expect(res.status).toBe(409);
    // No `expose: true`: the message of a foreign object stays private.
    expect(problemOf(res).detail).toBe(
      'The request conflicts with the current state of the resource, for example it already exists. Location may point at the existing one.',
    );
  });

  it('falls back to statusCode when status is not an error status, as finalhandler does', async () => {
    const res = await request(appThrowing(() => ({ status: 200, statusCode: 404 }))).get('/throw');
    expect(res.status).toBe(404);
  });

  it('drops framing, hop-by-hop and handler-owned headers an error carries', async () => {
    const res = await request(
      appThrowing(() =>
        createHttpError(400, 'x', {
          headers: {
            'Transfer-Encoding': 'chunked',
            'Content-Encoding': 'gzip',
            Connection: 'close',
            'x-request-id': 'forged',
            'X-Status-Sub-Code': '400.9',
            'X-Kept': 'yes',
          },
        }),
      ),
    ).get('/throw');
    expect(res.status).toBe(400);
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['x-status-sub-code']).toBeUndefined();
    expect(res.headers['x-request-id']).toBe(JSON.parse(res.text).requestId);
    expect(res.headers['x-kept']).toBe('yes');
  });

  it.each([
    ['a 2xx status', { status: 200 }],
    ['a 3xx status', { status: 302, headers: { Location: 'https://evil.example' } }],
    ['a status above 599', { status: 600 }],
    ['a string status', { status: '404' }],
    ['a fractional status', { status: 404.5 }],
  ])('answers 500 for %s, and sends none of its headers', async (_case, thrown) => {
    const res = await request(appThrowing(() => thrown)).get('/throw');
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
  });

  it('drops headers of a foreign error that cannot be sent safely', async () => {
    const res = await request(
      appThrowing(() => ({
        status: 400,
        headers: { 'X-Ok': 'yes', 'X-Split': 'a\r\nSet-Cookie: s=1', 'Bad Name': 'x', 'X-Obj': {} },
      })),
    ).get('/throw');
    expect(res.status).toBe(400);
    expect(res.headers['x-ok']).toBe('yes');
    expect(res.headers['x-split']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('drops a foreign Retry-After that is neither seconds nor an IMF-fixdate', async () => {
    for (const value of ['ok', 'Mon, 04 Dec 2026 12:00:00 GMT', -1]) {
      const res = await request(
        appThrowing(() => createHttpError(429, 'Slow down', { headers: { 'Retry-After': value } })),
      ).get('/throw');
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeUndefined();
    }
  });

  it('keeps a foreign Retry-After of seconds or an IMF-fixdate', async () => {
    const seconds = await request(
      appThrowing(() => createHttpError(503, { headers: { 'retry-after': 30 } })),
    ).get('/throw');
    expect(seconds.headers['retry-after']).toBe('30');
    const date = await request(
      appThrowing(() =>
        createHttpError(503, { headers: { 'Retry-After': 'Fri, 04 Dec 2026 12:00:00 GMT' } }),
      ),
    ).get('/throw');
    expect(date.headers['retry-after']).toBe('Fri, 04 Dec 2026 12:00:00 GMT');
  });

  it('answers a ZodError with 422 and a JSON Pointer per issue', async () => {
    const schema = z.object({
      email: z.email(),
      tags: z.array(z.string()),
      'a/b~c': z.number(),
    });
    const res = await request(
      appThrowing(() => schema.safeParse({ email: 'nope', tags: ['ok', 3], 'a/b~c': 'x' }).error),
    ).get('/throw');
    expect(res.status).toBe(422);
    const body = problemOf(res);
    expect(body).toMatchObject({
      status: 422,
      code: 'UNPROCESSABLE_ENTITY',
      detail: 'The request failed validation.',
    });
    expect((body.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual([
      '/email',
      '/tags/1',
      '/a~1b~0c',
    ]);
    for (const issue of body.errors as { detail: unknown }[]) {
      expect(typeof issue.detail).toBe('string');
    }
  });

  it('lists the first 100 issues of a ZodError, says how many there were, and logs their count, not their text', async () => {
    const logs = captureLogs();
    const failed = z.object({ tags: z.array(z.string()) }).safeParse({
      tags: Array<number>(1000).fill(0),
    }).error!;
    const messageReads = jest.spyOn(failed, 'message', 'get');
    const res = await request(appThrowing(() => failed, { logger: logs.logger })).get('/throw');
    expect(res.status).toBe(422);
    const body = problemOf(res);
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'The request failed validation: the first 100 of 1000 issues are listed.',
      instance: '/throw',
      code: 'UNPROCESSABLE_ENTITY',
      errors: Array.from({ length: 100 }, (_, i) => ({
        pointer: `/tags/${i}`,
        detail: 'Invalid input: expected string, received number',
      })),
    });
    expect(messageReads).not.toHaveBeenCalled();
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 40,
        status: 422,
        err: {
          type: 'ZodError',
          message: '1000 validation issues',
          stack: 'ZodError: 1000 validation issues',
        },
      }),
    ]);
  });

  it('leaves out the pointer of a ZodError issue longer than 1,000 characters, and cuts its detail there', async () => {
    const deep = Array.from({ length: 600 }, (_, i) => `k${i}`);
    const thrown = Object.assign(new Error('invalid'), {
      name: 'ZodError',
      issues: [
        { path: deep, message: 'Too deep' },
        { path: ['tags', 0], message: 'm'.repeat(5000) },
      ],
    });
    const res = await request(appThrowing(() => thrown)).get('/throw');
    expect(res.status).toBe(422);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'The request failed validation.',
      instance: '/throw',
      code: 'UNPROCESSABLE_ENTITY',
      errors: [{ detail: 'Too deep' }, { pointer: '/tags/0', detail: `${'m'.repeat(1000)}…` }],
    });
  });

  it('answers an expired jsonwebtoken with 401.24 and an invalid_token challenge', async () => {
    const token = jwt.sign({ sub: '1', exp: Math.floor(Date.now() / 1000) - 60 }, 'secret');
    const res = await request(
      appThrowing(() => captureThrow(() => jwt.verify(token, 'secret'))),
    ).get('/throw');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token has expired."',
    );
    expect(res.headers['x-status-sub-code']).toBe('401.24');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'The access token has expired.',
      instance: '/throw',
      code: 'TOKEN_EXPIRED',
      subCode: '401.24',
    });
  });

  it('answers a jsonwebtoken signed with another key with 401.23', async () => {
    const token = jwt.sign({ sub: '1' }, 'other secret');
    const res = await request(
      appThrowing(() => captureThrow(() => jwt.verify(token, 'secret')), {
        logger: false,
        defaultChallenge: { scheme: 'Bearer', params: { realm: 'shop' } },
      }),
    ).get('/throw');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="shop", error="invalid_token", error_description="The access token is not valid."',
    );
    expect(problemOf(res)).toMatchObject({ code: 'TOKEN_NOT_RECOGNIZED', subCode: '401.23' });
  });

  it.each([
    ['a string', () => 'oops'],
    ['a number', () => 42],
    ['a plain object', () => ({ message: 'SELECT * FROM users' })],
    ['an Error', () => new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a symbol', () => Symbol('x')],
    [
      'an object whose getters throw',
      () =>
        Object.defineProperty({}, 'status', {
          get() {
            throw new Error('boom');
          },
        }),
    ],
    [
      'a Proxy that throws on every trap',
      () =>
        new Proxy(
          {},
          {
            get: () => {
              throw new Error('trap');
            },
            getPrototypeOf: () => {
              throw new Error('trap');
            },
            has: () => {
              throw new Error('trap');
            },
            ownKeys: () => {
              throw new Error('trap');
            },
          },
        ),
    ],
  ])('answers %s with a generic 500', async (_case, makeError) => {
    const res = await request(appThrowing(makeError)).get('/throw');
    expect(res.status).toBe(500);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The server hit an unexpected error. The problem is on our side.',
      instance: '/throw',
      code: 'INTERNAL_SERVER_ERROR',
    });
  });
});

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
  const generic500 = {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'The server hit an unexpected error. The problem is on our side.',
    instance: '/throw',
    code: 'INTERNAL_SERVER_ERROR',
  };

  it('answers a new error status, as http-errors users set one (err.status = 410)', async () => {
    const res = await request(appThrowing(changed({ status: 410 }))).get('/throw');
    expect(res.status).toBe(410);
    expect(res.headers.location).toBe('/orders/7');
    // The sub-code was 409's: it is dropped rather than sent under another status.
    expect(res.headers['x-status-sub-code']).toBeUndefined();
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Gone',
      status: 410,
      detail: 'Order 7 is being placed',
      instance: '/throw',
      code: 'GONE',
    });
  });

  it('keeps the detail of an error changed to a 5xx to itself, as a 5xx made so would', async () => {
    const res = await request(appThrowing(changed({ status: 503 }))).get('/throw');
    expect(res.status).toBe(503);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail:
        'The server is overloaded or down for maintenance. Retry later: after at least the time in Retry-After, when the response gives one.',
      instance: '/throw',
      code: 'SERVICE_UNAVAILABLE',
    });
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
          stack: expect.stringContaining('error-handler.test.ts'),
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
      expect(problemOf(res)).toEqual({
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: 'Order 7 is being placed',
        instance: '/throw',
        code: 'CONFLICT',
      });
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

describe('errorHandler: refusals marked on errors it converts', () => {
  it.each([
    ['an http-errors 429', () => createHttpError(429, 'Slow down')],
    [
      'a Boom-shaped 503',
      () =>
        Object.assign(new Error('Later'), {
          isBoom: true,
          output: { statusCode: 503, payload: {}, headers: {} },
        }),
    ],
    ['a plain Error (a 500)', () => new Error('refused on purpose')],
  ])('keeps the refusal mark of %s: logged as one, told as one', async (_what, make) => {
    const logs = captureLogs();
    const messages: { refusal: boolean }[] = [];
    const listener = (message: unknown) => messages.push(message as { refusal: boolean });
    subscribe(CHANNEL_NAMES.error, listener);
    try {
      await request(
        appThrowing(() => markRefusal(make(), { key: 'ada' }), { logger: logs.logger }),
      ).get('/throw');
    } finally {
      unsubscribe(CHANNEL_NAMES.error, listener);
    }
    expect(logs.lines).toEqual([expect.objectContaining({ level: 30, refusal: true })]);
    expect(messages.map((message) => message.refusal)).toEqual([true]);
  });
});

describe('errorHandler: what it hides', () => {
  it('never sends the message of a 5xx ApiError unless exposed', async () => {
    const res = await request(
      appThrowing(() => new InternalServerError('password=hunter2 rejected by db')),
    ).get('/throw');
    expect(res.text).not.toContain('hunter2');
    expect(problemOf(res).detail).toBe(
      'The server hit an unexpected error. The problem is on our side.',
    );
  });

  it('sends the message of a 5xx ApiError that says expose: true', async () => {
    const res = await request(
      appThrowing(() => new InternalServerError('Reports are rebuilt nightly', { expose: true })),
    ).get('/throw');
    expect(problemOf(res).detail).toBe('Reports are rebuilt nightly');
  });

  it('sends the real message and stack of a 5xx only in debug mode', async () => {
    const res = await request(
      appThrowing(() => new TypeError('x is undefined'), { logger: false, debug: true }),
    ).get('/throw');
    const body = problemOf(res);
    expect(body.detail).toBe('x is undefined');
    expect((body.stack as string[])[0]).toBe('TypeError: x is undefined');
  });

  it('never sends a stack for a 4xx, even in debug mode', async () => {
    const res = await request(
      appThrowing(() => new NotFoundError('gone'), { logger: false, debug: true }),
    ).get('/throw');
    expect(problemOf(res).stack).toBeUndefined();
  });

  it('keeps the query string, which may hold tokens, out of instance', async () => {
    const res = await request(appThrowing(() => new NotFoundError())).get(
      '/throw?access_token=SECRET',
    );
    expect(problemOf(res).instance).toBe('/throw');
    expect(res.text).not.toContain('SECRET');
  });

  it('does not let extension members replace standard ones', async () => {
    const res = await request(
      appThrowing(
        () => new NotFoundError('x', { extensions: { status: 200, code: 'OK', balance: 30 } }),
      ),
    ).get('/throw');
    expect(problemOf(res)).toMatchObject({ status: 404, code: 'NOT_FOUND', balance: 30 });
  });
});

describe('errorHandler: the response', () => {
  it('sends no body for HEAD but the same status and headers', async () => {
    const app = appThrowing(() => new NotFoundError('x', { subCode: '404.1' }));
    const get = await request(app).get('/throw');
    const head = await request(app).head('/throw');
    expect(head.status).toBe(404);
    expect(head.text).toBeUndefined();
    expect(head.headers['content-type']).toBe('application/problem+json');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers['x-status-sub-code']).toBe('404.1');
  });

  it.each([
    [undefined, 'application/problem+json'],
    ['*/*', 'application/problem+json'],
    ['application/problem+json', 'application/problem+json'],
    ['application/json', 'application/json'],
    ['application/json, application/problem+json;q=0.5', 'application/json'],
    ['application/*', 'application/problem+json'],
    ['text/html', 'application/problem+json'],
  ])('answers Accept: %s with %s', async (accept, type) => {
    const req = request(appThrowing(() => new NotFoundError())).get('/throw');
    const res = await (accept === undefined ? req : req.set('Accept', accept));
    expect(res.headers['content-type']).toBe(type);
    expect(JSON.parse(res.text)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('echoes a well-formed X-Request-Id', async () => {
    const res = await request(appThrowing(() => new NotFoundError()))
      .get('/throw')
      .set('X-Request-Id', 'req-123');
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(JSON.parse(res.text).requestId).toBe('req-123');
  });

  it.each([['has spaces'], ['x'.repeat(201)], ['ünïcode']])(
    'replaces an unsafe request id (%s) with a new UUID',
    async (id) => {
      const res = await request(appThrowing(() => new NotFoundError()))
        .get('/throw')
        .set('X-Request-Id', id);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('prefers the id pino-http put on req.id', async () => {
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, _res, next) => {
          next(new NotFoundError());
        }),
      { logger: false },
      [
        (req, _res, next) => {
          (req as unknown as { id: number }).id = 77;
          next();
        },
      ],
    );
    const res = await request(app).get('/throw').set('X-Request-Id', 'from-client');
    expect(res.headers['x-request-id']).toBe('77');
  });

  it('uses the header names it is given, and none when set to false', async () => {
    const renamed = await request(
      appThrowing(() => new NotFoundError({ subCode: '404.2' }), {
        logger: false,
        subCodeHeader: 'X-Sub-Status',
        requestIdHeader: 'X-Correlation-Id',
      }),
    )
      .get('/throw')
      .set('X-Correlation-Id', 'corr-1');
    expect(renamed.headers['x-sub-status']).toBe('404.2');
    expect(renamed.headers['x-correlation-id']).toBe('corr-1');
    expect(renamed.headers['x-request-id']).toBeUndefined();

    const off = await request(
      appThrowing(() => new NotFoundError({ subCode: '404.2' }), {
        logger: false,
        subCodeHeader: false,
        requestIdHeader: false,
      }),
    ).get('/throw');
    expect(off.headers['x-status-sub-code']).toBeUndefined();
    expect(off.headers['x-request-id']).toBeUndefined();
    expect(JSON.parse(off.text)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No user matches the given external key and type.',
      instance: '/throw',
      code: 'EXTERNAL_USER_NOT_FOUND',
      subCode: '404.2',
    });
  });

  it('keeps a 401’s own challenge, and adds the default to one without', async () => {
    const own = await request(
      appThrowing(
        () => new UnauthorizedError({ challenge: { scheme: 'Basic', params: { realm: 'x' } } }),
      ),
    ).get('/throw');
    expect(own.headers['www-authenticate']).toBe('Basic realm="x"');
    const plain = await request(appThrowing(() => new ApiError(401))).get('/throw');
    expect(plain.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('keeps a challenge the route set on the response before its 401, as passport does', async () => {
    const basic = 'Basic realm="Users"';
    const res = await request(
      appFailingAfter(
        (response) => response.setHeader('WWW-Authenticate', basic),
        () => new ApiError(401),
      ),
    ).get('/throw');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(basic);
    const own = await request(
      appFailingAfter(
        (response) => response.setHeader('WWW-Authenticate', basic),
        () => new UnauthorizedError({ challenge: { scheme: 'Bearer', params: { realm: 'x' } } }),
      ),
    ).get('/throw');
    expect(own.headers['www-authenticate']).toBe('Bearer realm="x"');
  });

  it('keeps a reset time on a 413 that says when to retry', async () => {
    const res = await request(
      appFailingAfter(
        (response) => response.setHeader('X-Rate-Limit-Reset', '30'),
        () => new PayloadTooLargeError('Busy; try again.', { retryAfter: 30 }),
      ),
    ).get('/throw');
    expect(res.status).toBe(413);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.headers['x-rate-limit-reset']).toBe('30');
  });

  it('titles problems by sub-code when given its own type URIs', async () => {
    const res = await request(
      appThrowing(() => new UnauthorizedError({ subCode: '401.24' }), {
        logger: false,
        problemType: (entry) => `https://api.example.com/problems#${entry.name.toLowerCase()}`,
      }),
    ).get('/throw');
    expect(problemOf(res)).toMatchObject({
      type: 'https://api.example.com/problems#token_expired',
      title: 'Token expired',
      detail: 'The access token has expired. Obtain a new one and retry.',
    });
  });

  it('points each problem type at its code on the page at typeBaseUri, titled by the entry', async () => {
    const typeBaseUri = 'https://api.example.com/docs/errors';
    const expired = await request(
      appThrowing(() => new UnauthorizedError({ subCode: '401.24' }), {
        logger: false,
        typeBaseUri,
      }),
    ).get('/throw');
    expect(problemOf(expired)).toMatchObject({
      type: 'https://api.example.com/docs/errors#401.24',
      title: 'Token expired',
      code: 'TOKEN_EXPIRED',
      subCode: '401.24',
    });
    const plain = await request(
      appThrowing(() => new ApiError(409), { logger: false, typeBaseUri }),
    ).get('/throw');
    expect(problemOf(plain)).toMatchObject({
      type: 'https://api.example.com/docs/errors#409',
      title: 'Conflict',
      code: 'CONFLICT',
    });
  });

  it('drops content headers of the abandoned response and keeps the others', async () => {
    const app = createApp((a) =>
      a.get('/throw', (_req, res, next) => {
        res.setHeader('ETag', '"abc"');
        res.setHeader('Content-Encoding', 'gzip');
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('X-Rate-Limit-Remaining', '3');
        next(new NotFoundError());
      }),
    );
    const res = await request(app).get('/throw');
    expect(res.status).toBe(404);
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['x-rate-limit-remaining']).toBe('3');
  });

  it('closes the connection of a response whose headers were sent, logging once, and hands nothing on to Express', async () => {
    const logs = captureLogs();
    // Express's final handler would print the raw error, stack and all, to stderr.
    const { app, handedOn, destroyed } = appFailingMidStream({ logger: logs.logger });
    await expect(request(app).get('/throw')).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    await flushed();
    expect(handedOn).not.toHaveBeenCalled();
    expect(destroyed()).toHaveBeenCalledTimes(1);
    // At the level of the 500 it is, under the status that went out.
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 50,
        status: 200,
        code: 'INTERNAL_SERVER_ERROR',
        cutShort: true,
        err: expect.objectContaining({ type: 'Error', message: 'failed mid-stream' }),
        msg: 'GET /throw failed with INTERNAL_SERVER_ERROR after its 200 was sent',
      }),
    ]);
  });

  it('leaves a response the handler had ended to finish, logging the error that came after it', async () => {
    const logs = captureLogs();
    const body = 'x'.repeat(4 * 1024 * 1024);
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, res, next) => {
          res.type('text').send(body);
          next(new Error('failed after the response'));
        }),
      { logger: logs.logger },
    );
    const res = await request(app).get('/throw');
    expect(res.status).toBe(200);
    expect(res.text).toBe(body);
    await flushed();
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 50,
        status: 200,
        cutShort: false,
        err: expect.objectContaining({ message: 'failed after the response' }),
        msg: 'GET /throw failed with INTERNAL_SERVER_ERROR after its 200 was sent',
      }),
    ]);
  });

  it('still answers correctly when the logger throws', async () => {
    const throwingLogger = {
      error: () => {
        throw new Error('log sink down');
      },
      warn: () => {
        throw new Error('log sink down');
      },
      info: () => undefined,
      debug: () => undefined,
      trace: () => undefined,
      fatal: () => undefined,
    };
    const res = await request(
      appThrowing(() => new NotFoundError(), { logger: throwingLogger }),
    ).get('/throw');
    expect(res.status).toBe(404);
  });
});

describe('errorHandler: options', () => {
  it.each<[string, ErrorHandlerOptions, string, string | RegExp]>([
    [
      'options that are not an object',
      'debug' as never,
      'ERR_EAE_OPTIONS',
      'errorHandler(): options must be an object such as { logger: pino() }, got "debug"',
    ],
    [
      'a misspelt option',
      { debg: true } as never,
      'ERR_EAE_UNKNOWN_OPTION',
      'errorHandler(): `debg` is not an option. Did you mean `debug`?',
    ],
    [
      'an option of a hand-written handler',
      { includeStack: true } as never,
      'ERR_EAE_UNKNOWN_OPTION',
      'errorHandler(): `includeStack` is not an option: stacks are logged, never sent; `debug: true` sends them, for local development only.',
    ],
    [
      'a misspelt field of a mapping',
      { mappings: [{ match: () => true, too: 404 }] as never },
      'ERR_EAE_UNKNOWN_OPTION',
      'errorHandler(): `mappings[0].too` is not an option. Did you mean `mappings[0].to`?',
    ],
    [
      'a misspelt field of refusals',
      { refusals: { interval: 1000 } } as never,
      'ERR_EAE_UNKNOWN_OPTION',
      'errorHandler(): `refusals.interval` is not an option. Did you mean `refusals.intervalMs`?',
    ],
    [
      'refusals that are an array',
      { refusals: [] as never },
      'ERR_EAE_OPTION_TYPE',
      "errorHandler(): `refusals` must be an object such as { level: 'info', intervalMs: 60000 }, got []",
    ],
    [
      'log levels that are an array',
      { logLevels: ['info'] as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `logLevels` must be an object mapping statuses to pino levels, such as { 404: \'info\' }, got ["info"]',
    ],
    [
      'a catalog not made by defineCatalog',
      { catalog: [] as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `catalog` must be built with defineCatalog(), got []',
    ],
    [
      'an object that only carries the brand of a catalog',
      { catalog: { [Symbol.for('express-api-errors.Catalog')]: true } as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `catalog` must be built with defineCatalog(), got {}',
    ],
    [
      'mappings that are not an array',
      { mappings: {} as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `mappings` must be an array such as [{ match: OrderMissing, to: 404 }]',
    ],
    [
      'a mapping that is not an object',
      { mappings: [404] as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `mappings[0]` must be an object { match, to }, got 404',
    ],
    [
      'a mapping without match',
      { mappings: [{ to: 404 }] as never },
      'ERR_EAE_OPTION_MISSING',
      'errorHandler(): `mappings[0].match` must be an Error subclass or a predicate function, got undefined',
    ],
    [
      'a mapping to a status outside the catalog',
      { mappings: [{ match: () => true, to: 509 as never }] },
      'ERR_EAE_OPTION_RANGE',
      'errorHandler(): `mappings[0].to` must be an error status or sub-code of the catalog, got 509',
    ],
    [
      'a mapping to a success status',
      { mappings: [{ match: () => true, to: 200 as never }] },
      'ERR_EAE_OPTION_RANGE',
      'errorHandler(): `mappings[0].to` must be an error status or sub-code of the catalog, got 200',
    ],
    [
      'a mapping to an unknown sub-code',
      { mappings: [{ match: () => true, to: '404.9' as never }] },
      'ERR_EAE_OPTION_RANGE',
      'got "404.9"',
    ],
    [
      'a mapping without to',
      { mappings: [{ match: () => true }] as never },
      'ERR_EAE_OPTION_MISSING',
      'errorHandler(): `mappings[0].to` must be a status, a sub-code or a function returning an ApiError, got undefined',
    ],
    [
      'a mapping to something else',
      { mappings: [{ match: () => true, to: {} as never }] },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `mappings[0].to` must be a status, a sub-code or a function returning an ApiError',
    ],
    [
      'a logger without level methods',
      { logger: {} as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `logger` must be a pino logger',
    ],
    [
      'a logger without a level that logLevels names',
      {
        logger: { error: () => undefined, warn: () => undefined, info: () => undefined } as never,
        logLevels: { 404: 'debug' },
      },
      'ERR_EAE_OPTION_TYPE',
      "errorHandler(): `logger` must be a pino logger (or have pino's level methods), or false; it has no `debug()`",
    ],
    [
      'a logger without the level of refusals',
      {
        logger: { error: () => undefined, warn: () => undefined, info: () => undefined } as never,
        refusals: { level: 'trace' },
      },
      'ERR_EAE_OPTION_TYPE',
      "errorHandler(): `logger` must be a pino logger (or have pino's level methods), or false; it has no `trace()`",
    ],
    [
      'a log level that pino lacks',
      { logLevels: { 404: 'loud' as never } },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `logLevels[404]` must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      'a log level for a non-error status',
      { logLevels: { 200: 'info' } },
      'ERR_EAE_OPTION_RANGE',
      'errorHandler(): `logLevels` keys must be statuses from 400 to 599, got 200',
    ],
    [
      'a sub-code header that is not a token',
      { subCodeHeader: 'X Sub' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `subCodeHeader` must be a header name (an RFC 9110 token) such as X-Status-Sub-Code, got "X Sub"',
    ],
    [
      'a request id header that is not a token',
      { requestIdHeader: '' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `requestIdHeader` must be a header name (an RFC 9110 token) such as X-Request-Id, got ""',
    ],
    [
      'a request id header that HTTP already defines',
      { requestIdHeader: 'Retry-After' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `requestIdHeader` must name a field of its own, not Retry-After, which HTTP or the handler already uses; the default is X-Request-Id',
    ],
    [
      'a sub-code header that the handler already sends',
      { subCodeHeader: 'content-type' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `subCodeHeader` must name a field of its own, not content-type, which HTTP or the handler already uses; the default is X-Status-Sub-Code',
    ],
    [
      'one field for both the sub-code and the request id',
      { subCodeHeader: 'X-Ids', requestIdHeader: 'x-ids' },
      'ERR_EAE_OPTION_CONFLICT',
      'errorHandler(): `subCodeHeader` and `requestIdHeader` both name x-ids; give each its own field',
    ],
    [
      'a default challenge with CR/LF',
      { defaultChallenge: { scheme: 'Bearer', params: { realm: 'a\r\n' } } },
      'ERR_EAE_OPTION_TYPE',
      /^errorHandler\(\): Challenge parameter `realm`/,
    ],
    [
      'a problemType that is not a function',
      { problemType: 'https://x' as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `problemType` must be a function, got "https://x"',
    ],
    [
      'a typeBaseUri that is not an absolute URI',
      { typeBaseUri: '/docs/errors' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `typeBaseUri` must be an absolute URI without a fragment, such as "https://api.example.com/docs/errors", got "/docs/errors"',
    ],
    [
      'a typeBaseUri with a fragment',
      { typeBaseUri: 'https://api.example.com/docs#errors' },
      'ERR_EAE_OPTION_TYPE',
      /^errorHandler\(\): `typeBaseUri` must be an absolute URI without a fragment/,
    ],
    [
      'typeBaseUri together with problemType',
      { typeBaseUri: 'https://api.example.com/docs/errors', problemType: () => 'about:blank' },
      'ERR_EAE_OPTION_CONFLICT',
      'errorHandler(): `typeBaseUri` and `problemType` both set the problem `type`: give one of them',
    ],
    [
      'debug that is not a boolean',
      { debug: 'yes' as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `debug` must be a boolean, got "yes"',
    ],
  ])('refuses %s at start-up', (_case, options, code, message) => {
    expect(() => errorHandler(options)).toThrow(message);
    expect(() => errorHandler(options)).toThrow(expect.objectContaining({ code }));
  });

  it('answers with a catalog made by another copy of the library (ESM next to CommonJS)', async () => {
    let copy: typeof import('../../src/catalog/catalog.js') | undefined;
    let copyErrors: typeof import('../../src/errors/error-classes.js') | undefined;
    jest.isolateModules(() => {
      copy = jest.requireActual<typeof import('../../src/catalog/catalog.js')>(
        '../../src/catalog/catalog.js',
      );
      copyErrors = jest.requireActual<typeof import('../../src/errors/error-classes.js')>(
        '../../src/errors/error-classes.js',
      );
    });
    const catalog = copy!.defineCatalog([
      ...defaultEntries,
      {
        status: 404,
        subCode: '404.7',
        name: 'ORDER_NOT_FOUND',
        title: 'Order not found',
        description: 'No order has this number.',
      },
    ]);
    expect(catalog).not.toBeInstanceOf(Catalog);
    const res = await request(
      appThrowing(() => new NotFoundError('No order 7', { subCode: '404.7' as never }), {
        logger: false,
        catalog,
      }),
    ).get('/throw');
    expect([res.status, problemOf(res)]).toEqual([
      404,
      {
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'No order 7',
        instance: '/throw',
        code: 'ORDER_NOT_FOUND',
        subCode: '404.7',
      },
    ]);
    // Both copies name errors with the catalog the handler was given, as its answers do.
    expect(new NotFoundError('x', { subCode: '404.7' as never }).code).toBe('ORDER_NOT_FOUND');
    expect(new copyErrors!.NotFoundError('x', { subCode: '404.7' as never }).code).toBe(
      'ORDER_NOT_FOUND',
    );
  });

  it('does not change the options object it is given', () => {
    const options = Object.freeze({
      logger: false as const,
      mappings: Object.freeze([{ match: OrderMissing, to: 404 as const }]),
      logLevels: Object.freeze({ 404: 'info' as const }),
    });
    expect(() => errorHandler(options)).not.toThrow();
    expect(options).toEqual({
      logger: false,
      mappings: [{ match: OrderMissing, to: 404 }],
      logLevels: { 404: 'info' },
    });
  });

  it('is an Express error middleware: it takes four arguments', () => {
    expect(errorHandler({ logger: false })).toHaveLength(4);
  });
});

/** Runs `fn` and returns what it threw. */
function captureThrow(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
