/**
 * The README's CORS set-up, with the real `cors` mounted first and the list of
 * exposed fields read from the README: a browser can read every answer of the
 * library, refusals included, and every field it sends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cors from 'cors';
import express from 'express';
import request from 'supertest';
import {
  created,
  deprecated,
  errorHandler,
  methodNotAllowed,
  notFound,
  operationLock,
  rateLimit,
  requireContentType,
} from '../../src/index.js';

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('<!-- cors-exposed-headers -->'));
const code = /```ts\n([\s\S]*?)\n```/.exec(section)![1]!;
const EXPOSED = [...code.slice(code.indexOf('exposedHeaders')).matchAll(/'([A-Za-z-]+)',/g)].map(
  (match) => match[1]!,
);
const ORIGIN = 'https://app.example.com';

/** Fields a script may read without being exposed (Fetch standard), or that are not the library's. */
const NOT_TO_EXPOSE = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
  'connection',
  'keep-alive',
  'date',
  'etag',
  'vary',
  'x-powered-by',
  'x-content-type-options',
]);

function corsApp() {
  const app = express();
  app.use(cors({ origin: ORIGIN, exposedHeaders: EXPOSED }));
  app.use(rateLimit({ limit: 7, windowMs: 60_000, logger: false }));
  app.post('/orders', operationLock({ replay: true, logger: false }), (_req, res) => {
    created(
      res,
      '/orders/1',
      { id: 1 },
      { globalId: 'urn:uuid:6f1c0a4e-2b7d-4c1e-9a55-0c7a1e3b8d21' },
    );
  });
  app.post('/carts', requireContentType('application/json'), (_req, res) => {
    res.json({ id: 1 });
  });
  app.patch('/orders/1', requireContentType('application/merge-patch+json'), (_req, res) => {
    res.json({ id: 1 });
  });
  app.get(
    '/v1/orders',
    deprecated({ since: '2025-01-01', link: 'https://example.com/v2' }),
    (_req, res) => {
      res.json([]);
    },
  );
  app.use(methodNotAllowed(app));
  app.use(notFound());
  app.use(errorHandler({ logger: false }));
  return app;
}

describe('README: CORS before the library', () => {
  it('reads the exposed fields from the README', () => {
    expect(EXPOSED).toContain('Retry-After');
    expect(EXPOSED).toHaveLength(18);
  });

  it('answers a preflight without counting it, and every answer after it, a 429 included, readable by the page and with every field of the library exposed', async () => {
    const app = corsApp();
    const preflight = await request(app)
      .options('/orders')
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'POST');
    const post = () =>
      request(app).post('/orders').set('Origin', ORIGIN).set('Idempotency-Key', '"order-1"');
    const made = await post();
    const replayed = await post();
    const notAllowed = await request(app).delete('/orders').set('Origin', ORIGIN);
    const unsupported = await request(app)
      .patch('/orders/1')
      .set('Origin', ORIGIN)
      .set('Content-Type', 'text/plain')
      .send('id=1');
    const unsupportedPost = await request(app)
      .post('/carts')
      .set('Origin', ORIGIN)
      .set('Content-Type', 'text/plain')
      .send('id=1');
    const old = await request(app).get('/v1/orders').set('Origin', ORIGIN);
    const unknown = await request(app).get('/nowhere').set('Origin', ORIGIN);
    const refused = await post();

    expect(preflight.status).toBe(204);
    expect(preflight.headers['x-rate-limit-remaining']).toBeUndefined();
    const answers = [
      made,
      replayed,
      notAllowed,
      unsupported,
      unsupportedPost,
      old,
      unknown,
      refused,
    ];
    expect(answers.map((res) => res.status)).toEqual([201, 201, 405, 415, 415, 200, 404, 429]);
    expect(made.headers['x-global-identifier']).toBeDefined();
    expect(unsupported.headers['accept-patch']).toBe('application/merge-patch+json');
    expect(unsupportedPost.headers['accept-post']).toBe('application/json');
    expect(old.headers.deprecation).toBeDefined();
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    for (const res of answers) {
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(res.headers['access-control-expose-headers']).toBe(EXPOSED.join(','));
    }
    const sent = new Set(answers.flatMap((res) => Object.keys(res.headers)));
    const exposed = new Set(EXPOSED.map((name) => name.toLowerCase()));
    const unreadable = [...sent].filter(
      (name) =>
        !NOT_TO_EXPOSE.has(name) && !name.startsWith('access-control-') && !exposed.has(name),
    );
    expect(unreadable).toEqual([]);
  });
});
