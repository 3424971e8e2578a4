import createHttpError from 'http-errors';
import request from 'supertest';
import type { OptionErrorCode } from '../../src/options/option-error.js';
import { expectOptionError } from '../helpers/option-error.js';
import {
  ApiError,
  ConflictError,
  InternalServerError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  createError,
  defaultCatalog,
  errorClasses,
} from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { problemOf } from '../helpers/problem.js';

// What a 405 and a 426 cannot be made without.
const REQUIRED_OPTIONS: Partial<Record<number, object>> = {
  405: { allow: ['GET'] },
  426: { upgrade: 'websocket' },
};

const statuses = Object.keys(errorClasses).map(Number) as (keyof typeof errorClasses)[];

describe.each(statuses)('createError(%i)', (status) => {
  const make = () =>
    (createError as (status: number, options?: object) => ApiError)(
      status,
      REQUIRED_OPTIONS[status],
    );

  it('is an instance of the class of its status, with the status', () => {
    const error = make();
    expect(error).toBeInstanceOf(errorClasses[status]);
    expect(error.status).toBe(status);
    expect(error.statusCode).toBe(status);
    expect(error.expose).toBe(status < 500);
  });

  it('is an http-errors error to the real http-errors package', () => {
    expect(createHttpError.isHttpError(make())).toBe(true);
  });
});

describe('createError: the forms of http-errors', () => {
  it('makes a NotFoundError from a status alone, with no detail of its own', () => {
    const error = createError(404);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.detail).toBeUndefined();
    expect(error.message).toBe('Not Found');
  });

  it('takes a message as the detail', () => {
    const error = createError(404, 'No user 7');
    expect(error.detail).toBe('No user 7');
    expect(error.message).toBe('No user 7');
  });

  it('takes a message and options: sub-code and headers', () => {
    const error = createError(404, 'No user 7', {
      subCode: '404.1',
      headers: { 'X-Hint': 'users' },
    });
    expect(error.subCode).toBe('404.1');
    expect(error.headers).toEqual({ 'X-Hint': 'users' });
  });

  it('takes options without a message, as http-errors takes props', () => {
    const error = createError(404, { expose: false });
    expect(error.expose).toBe(false);
    expect(error.detail).toBeUndefined();
  });

  it('passes the class’s own options on to it', () => {
    const error = createError(405, 'Read only', { allow: ['GET', 'HEAD'] });
    expect(error).toBeInstanceOf(MethodNotAllowedError);
    expect(error.headers).toEqual({ Allow: 'GET, HEAD' });
    expect(createError(409, { location: '/users/7' }).headers).toEqual({ Location: '/users/7' });
  });

  it('wraps an Error as a 500 whose cause it is, without taking its message', () => {
    const cause = new Error('connection refused to postgres://db');
    const error = createError(cause);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.cause).toBe(cause);
    expect(error.detail).toBeUndefined();
    expect(error.expose).toBe(false);
  });

  it('wraps an Error with a message and options for the client', () => {
    const cause = new Error('lock timeout');
    const error = createError(cause, 'Try again shortly', { expose: true });
    expect(error.status).toBe(500);
    expect(error.detail).toBe('Try again shortly');
    expect(error.expose).toBe(true);
    expect(error.cause).toBe(cause);
  });

  it('takes a status and an Error, which becomes the cause', () => {
    const cause = new Error('replica lag');
    const error = createError(503, cause, 'Try later', { retryAfter: 30 });
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.cause).toBe(cause);
    expect(error.detail).toBe('Try later');
    expect(error.headers).toEqual({ 'Retry-After': '30' });
  });

  it.each([
    [405, { Allow: 'GET, HEAD' }],
    [426, { Upgrade: 'HTTP/2.0' }],
    [429, { 'Retry-After': '5' }],
  ])(
    'wraps an http-errors %d with its headers, an ApiError where its class needs parts the error does not give',
    (status, headers) => {
      const cause = createHttpError(status, 'from a library', { headers });
      const error = createError(cause);
      expect(error).toBeInstanceOf(ApiError);
      expect({ status: error.status, headers: error.headers, cause: error.cause }).toEqual({
        status,
        headers,
        cause,
      });
    },
  );

  it('leaves out wrapped headers HTTP cannot carry, rather than throw', () => {
    const cause = Object.assign(new Error('x'), {
      status: 429,
      headers: { 'Retry-After': 'soon', 'X\r\nBad': 'y', 'X-Shard': 'eu' },
    });
    const error = createError(cause);
    expect({ status: error.status, headers: error.headers }).toEqual({
      status: 429,
      headers: { 'X-Shard': 'eu' },
    });
  });

  it('leaves out the wrapped error’s fields that act on the client or describe another message', () => {
    const cause = createHttpError(429, 'from a library', {
      headers: {
        'Retry-After': '5',
        'Set-Cookie': 'sid=upstream',
        Location: 'https://evil.example',
        Server: 'nginx',
      },
    });
    const error = createError(cause);
    expect({ status: error.status, headers: error.headers }).toEqual({
      status: 429,
      headers: { 'Retry-After': '5' },
    });
  });

  it('keeps the status of a wrapped error that carries one, as finalhandler reads it', () => {
    const error = createError(Object.assign(new Error('dup'), { status: 200, statusCode: 409 }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.detail).toBeUndefined();
  });

  it.each([
    [
      'undici’s about an upstream 401',
      {
        code: 'UND_ERR_RESPONSE',
        statusCode: 401,
        headers: { 'www-authenticate': 'Bearer realm="upstream"' },
      },
    ],
    [
      'the AWS SDK v3’s about an upstream 403',
      { $metadata: { httpStatusCode: 403 }, statusCode: 403 },
    ],
  ])(
    'wraps an HTTP client’s error, %s, as a 500 with none of its headers: its status is the upstream’s',
    (_case, fields) => {
      const error = createError(Object.assign(new Error('upstream'), fields));
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error.headers).toEqual({});
    },
  );

  it('keeps the status of a wrapped error even when it has no class, with ApiError', () => {
    const error = createError(Object.assign(new Error('quota'), { status: 509 }));
    expect(error.constructor).toBe(ApiError);
    expect(error.status).toBe(509);
  });

  it('returns an ApiError given alone as it is', () => {
    const original = new NotFoundError('No user 7');
    expect(createError(original)).toBe(original);
  });

  it('wraps an ApiError given with a message, keeping its status', () => {
    const original = new NotFoundError('No user 7');
    const error = createError(original, 'Gone away');
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.cause).toBe(original);
  });
});

describe('createError: what it refuses', () => {
  it.each([200, 302, 399, 600, 404.5, Number.NaN, -1])(
    'refuses status %p with a RangeError, where http-errors makes a 500',
    (status) => {
      expectOptionError(
        () => createError(status),
        'ERR_EAE_OPTION_RANGE',
        `createError(): \`status\` must be an error status from 400 to 599, got ${status}`,
      );
    },
  );

  it('refuses an error status without a class, pointing at ApiError', () => {
    expectOptionError(
      () => createError(509 as number),
      'ERR_EAE_OPTION_RANGE',
      'createError(): `status` 509 has no class: use new ApiError(509, …), or defineErrorClass() with a catalog entry for it',
    );
  });

  it.each([['404'], ['abc'], [undefined], [null], [{ status: 404 }]])(
    'refuses %p as first argument with a TypeError',
    (first) => {
      expectOptionError(
        () => (createError as (value: unknown) => unknown)(first),
        'ERR_EAE_OPTION_TYPE',
        /^createError\(\): `status` must be an error status or an Error, got /,
      );
    },
  );

  it('refuses an option that is none of the class’s, where http-errors copies it', () => {
    expectOptionError(
      () => createError(404, 'x', { code: 'E_USER' } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      'createError(): `code` is not an option: put members for the client in `extensions` and data for the log in `cause`. The options are `subCode`, `headers`, `cause`, `expose`, `extensions`.',
    );
  });

  it.each([
    ['subcode', 'subCode'],
    ['sub_code', 'subCode'],
    ['Expose', 'expose'],
  ])('refuses `%s`, suggesting `%s`', (name, nearest) => {
    expectOptionError(
      () => createError(404, { [name]: '404.1' } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      new RegExp(
        `^createError\\(\\): \`${name}\` is not an option\\. Did you mean \`${nearest}\`\\?`,
      ),
    );
  });

  it('checks the options of the class of the status: a 405 takes `allow`, a 404 does not', () => {
    expect(createError(405, { allow: ['GET'] }).headers).toEqual({ Allow: 'GET' });
    expectOptionError(
      () => createError(404, { allow: ['GET'] } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      /^createError\(\): `allow` is not an option: .* The options are `subCode`, `headers`, `cause`, `expose`, `extensions`\.$/,
    );
    expectOptionError(
      () => createError(405, { alow: ['GET'] } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      /^createError\(\): `alow` is not an option\. Did you mean `allow`\?/,
    );
  });

  it('checks the options of a wrapped error without a class against ApiError’s', () => {
    const teapot = Object.assign(new Error('short and stout'), { status: 509 });
    expectOptionError(
      () => createError(teapot, { subcode: '509.1' } as never),
      'ERR_EAE_UNKNOWN_OPTION',
      /^createError\(\): `subcode` is not an option\. Did you mean `subCode`\?/,
    );
  });

  it('refuses a sub-code of another status, as the class does', () => {
    expectOptionError(
      () => createError(404, 'x', { subCode: '401.24' as never }),
      'ERR_EAE_OPTION_TYPE',
      'new NotFoundError(): `subCode` "401.24" does not belong to status 404: use "404.<n>"',
    );
  });

  it('refuses a 405 without `allow`, as the class does', () => {
    expectOptionError(
      () => (createError as (status: number) => unknown)(405),
      'ERR_EAE_OPTION_MISSING',
      'new MethodNotAllowedError(): `allow` is required',
    );
  });

  it('refuses two causes', () => {
    expectOptionError(
      () => createError(500, new Error('a'), { cause: new Error('b') }),
      'ERR_EAE_OPTION_CONFLICT',
      'createError(): was given two causes: an Error argument and `cause`',
    );
  });

  it.each<[string, unknown[], OptionErrorCode, string]>([
    [
      'a number as message',
      [404, 7],
      'ERR_EAE_OPTION_TYPE',
      '`message` must be a string, or options an object, after the status, got 7',
    ],
    [
      'options that are not an object',
      [404, 'x', 'y'],
      'ERR_EAE_OPTIONS',
      'options must be an object, got "y"',
    ],
    ['an array as options', [404, 'x', []], 'ERR_EAE_OPTIONS', 'options must be an object, got []'],
    [
      'a fourth argument',
      [404, 'x', {}, {}],
      'ERR_EAE_OPTIONS',
      'takes at most a status or an Error, a message and options; got 1 more',
    ],
  ])('refuses %s with a TypeError', (_case, args, code, message) => {
    expectOptionError(
      () => (createError as (...values: unknown[]) => unknown)(...args),
      code,
      `createError(): ${message}`,
    );
  });

  it('does not change the options object it is given', () => {
    const options = Object.freeze({ subCode: '404.1' as const, expose: false });
    createError(404, new Error('cause'), 'x', options);
    expect(options).toEqual({ subCode: '404.1', expose: false });
  });
});

describe('createError through errorHandler', () => {
  it('answers with the status, headers and problem body of the class', async () => {
    const res = await request(
      appThrowing(() =>
        createError(404, 'No user 7', { subCode: '404.1', headers: { 'X-Hint': 'users' } }),
      ),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.headers['x-hint']).toBe('users');
    expect(res.headers['x-status-sub-code']).toBe('404.1');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No user 7',
      instance: '/throw',
      code: 'USER_NOT_FOUND',
      subCode: '404.1',
    });
  });

  it('answers a wrapped Error with a 500 that does not leak its message', async () => {
    const res = await request(
      appThrowing(() => createError(new Error('password=hunter2 rejected'))),
    ).get('/throw');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('hunter2');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: defaultCatalog.get(500)!.description,
      instance: '/throw',
      code: 'INTERNAL_SERVER_ERROR',
    });
  });
});
