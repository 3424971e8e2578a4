import request from 'supertest';
import {
  ApiError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
} from '../../src/index.js';
import { appFailingAfter, appThrowing, createApp } from '../helpers/app.js';

describe('errorHandler: the response', () => {
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
});
