import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import createHttpError from 'http-errors';
import request from 'supertest';
import { CHANNEL_NAMES, defaultCatalog } from '../../src/index.js';
import { markRefusal } from '../../src/errors/refusal.js';
import { appThrowing } from '../helpers/app.js';
import { captureLogs } from '../helpers/logs.js';
import { expectedProblem, problemOf } from '../helpers/problem.js';

describe('errorHandler: what it maps, in order', () => {
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
    expect(problemOf(res)).toEqual(expectedProblem(404, '/throw', 'No such widget'));
  });

  it('answers an http-errors error with its status, message and headers', async () => {
    const res = await request(
      appThrowing(() =>
        createHttpError(404, 'No such widget', { headers: { 'X-Hint': 'widgets' } }),
      ),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.headers['x-hint']).toBe('widgets');
    expect(problemOf(res)).toEqual(expectedProblem(404, '/throw', 'No such widget'));
  });

  it('answers an http-errors error made without a message with the catalog’s detail, not its status phrase again', async () => {
    const res = await request(appThrowing(() => createHttpError(403))).get('/throw');
    expect(res.status).toBe(403);
    expect(problemOf(res)).toEqual(
      expectedProblem(403, '/throw', defaultCatalog.get(403)!.description),
    );
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
    expect(problemOf(res)).toEqual(
      expectedProblem(
        500,
        '/throw',
        'The server hit an unexpected error. The problem is on our side.',
      ),
    );
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
