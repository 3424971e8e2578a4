import Boom from '@hapi/boom';
import Wreck from '@hapi/wreck';
import { parse as parseAuthHeader } from 'auth-header';
import express from 'express';
import request from 'supertest';
import { defaultCatalog } from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { errorFieldsOf, problemOf } from '../helpers/problem.js';
import { serve } from '../helpers/server.js';

/** The problem body errorHandler sends for a status, with the catalog's description unless `detail`. */
function problem(status: number, detail?: string) {
  const entry = defaultCatalog.get(status)!;
  return {
    type: 'about:blank',
    title: entry.title,
    status,
    detail: detail ?? entry.description,
    instance: '/throw',
    code: entry.name,
  };
}

describe('errorHandler: @hapi/boom errors', () => {
  it('answers Boom.notFound() with 404 and its message', async () => {
    const res = await request(appThrowing(() => Boom.notFound('No user 7'))).get('/throw');
    expect(res.status).toBe(404);
    expect(problemOf(res)).toEqual(problem(404, 'No user 7'));
  });

  it('sends the WWW-Authenticate of Boom.unauthorized() as Boom built it', async () => {
    const res = await request(
      appThrowing(() => Boom.unauthorized('bad', 'Bearer', { realm: 'api' })),
    ).get('/throw');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="bad"');
    expect(parseAuthHeader(res.headers['www-authenticate']!)).toMatchObject({
      scheme: 'Bearer',
      params: { realm: 'api', error: 'bad' },
    });
    expect(problemOf(res)).toEqual(problem(401, 'bad'));
  });

  it('answers Boom.tooManyRequests() with 429 and the catalog’s detail for Boom’s default message', async () => {
    const res = await request(appThrowing(() => Boom.tooManyRequests())).get('/throw');
    expect(res.status).toBe(429);
    expect(problemOf(res)).toEqual(problem(429));
  });

  it('answers Boom.badImplementation() with 500 and leaks nothing of its message', async () => {
    const res = await request(appThrowing(() => Boom.badImplementation('secret db error'))).get(
      '/throw',
    );
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('secret');
    expect(problemOf(res)).toEqual(problem(500));
  });

  it('never sends the message of another 5xx, which Boom puts in its payload', async () => {
    const error = Boom.badGateway('upstream 10.0.0.7 said: secret');
    expect(error.output.payload.message).toContain('secret');
    const res = await request(appThrowing(() => error)).get('/throw');
    expect(res.status).toBe(502);
    expect(res.text).not.toContain('secret');
    expect(problemOf(res)).toEqual(problem(502));
  });

  it('answers an Error boomified with a 409 with 409 and its message', async () => {
    const res = await request(
      appThrowing(() => Boom.boomify(new Error('Already exists'), { statusCode: 409 })),
    ).get('/throw');
    expect(res.status).toBe(409);
    expect(problemOf(res)).toEqual(problem(409, 'Already exists'));
  });

  it('takes the status from Boom’s output over a status the error itself carries', async () => {
    const original = Object.assign(new Error('Already exists'), { status: 404 });
    const res = await request(appThrowing(() => Boom.boomify(original, { statusCode: 409 }))).get(
      '/throw',
    );
    expect(res.status).toBe(409);
  });

  it('never sends `data`', async () => {
    const res = await request(
      appThrowing(() => Boom.badRequest('Invalid input', { password: 'hunter2' })),
    ).get('/throw');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('hunter2');
    expect(problemOf(res)).toEqual(problem(400, 'Invalid input'));
  });

  it('drops output headers that cannot be sent safely, and those the handler controls', async () => {
    const error = Boom.badRequest('x');
    Object.assign(error.output.headers, {
      'X-Kept': 'yes',
      'X-Split': 'a\r\nSet-Cookie: s=1',
      'Content-Length': '0',
    });
    const res = await request(appThrowing(() => error)).get('/throw');
    expect(res.headers['x-kept']).toBe('yes');
    expect(res.get('x-split')).toBeUndefined();
    expect(res.get('set-cookie')).toBeUndefined();
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
  });

  it.each([
    ['a status outside 400–599', { isBoom: true, output: { statusCode: 302 } }],
    ['no output', { isBoom: true }],
    ['isBoom other than true', { isBoom: 'yes', output: { statusCode: 404 } }],
  ])('answers 500 for a Boom look-alike with %s', async (_case, thrown) => {
    const res = await request(appThrowing(() => thrown)).get('/throw');
    expect(res.status).toBe(500);
  });

  it('logs a 5xx Boom error with its own message, which the body hides', async () => {
    const { logger, lines } = captureLogs();
    await request(appThrowing(() => Boom.badImplementation('secret db error'), { logger })).get(
      '/throw',
    );
    await flushed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, status: 500, code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(lines[0])).toContain('secret db error');
  });
});

/**
 * @hapi/wreck (and simple-oauth2, which calls it) rejects with a Boom error
 * of the upstream's status, its message "Response Error: 401 Unauthorized",
 * the response in `data`: made by the real wreck against a local upstream
 * that answers the status its path names, with a challenge and a cookie.
 */
describe('errorHandler: @hapi/wreck errors about the response it got', () => {
  const upstreamApp = express();
  upstreamApp.use((req, res) => {
    res
      .status(Number(/^\/status\/(\d{3})$/.exec(req.path)?.[1] ?? 500))
      .set('WWW-Authenticate', 'Basic realm="idp"')
      .set('Set-Cookie', 'idp-session=s3cr3t')
      .set('Retry-After', '120')
      .json({ error: 'invalid_client', error_description: 'upstream secret detail' });
  });

  let upstream: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    upstream = await serve(upstreamApp);
  });
  afterAll(() => upstream.close());

  async function wreckRejection(status: number): Promise<unknown> {
    try {
      await Wreck.get(`${upstream.url}/status/${status}`, { json: true });
    } catch (error) {
      return error;
    }
    throw new Error('wreck did not reject');
  }

  it.each([400, 401, 403, 404, 429, 503])(
    'answers 500 to an upstream %i, with none of its headers or its message',
    async (status) => {
      const error = await wreckRejection(status);

      const res = await request(appThrowing(() => error)).get('/throw');

      expect(res.status).toBe(500);
      expect(errorFieldsOf(res)).toEqual({});
      expect(problemOf(res)).toEqual(problem(500));
    },
  );

  it('logs it as a fault, at error with its stack', async () => {
    const error = await wreckRejection(401);
    const logs = captureLogs();

    await request(appThrowing(() => error, { logger: logs.logger })).get('/throw');

    await flushed();
    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).toMatchObject({ level: 50, status: 500 });
    expect((logs.lines[0]!.err as { stack?: string }).stack).toEqual(expect.any(String));
  });
});
