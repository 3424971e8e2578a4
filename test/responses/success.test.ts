import type { Response as ExpressResponse } from 'express';
import request from 'supertest';
import { accepted, created, found, noContent } from '../../src/responses/success.js';
import type { OptionErrorCode } from '../../src/options/option-error.js';
import { createApp } from '../helpers/app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { problemOf } from '../helpers/problem.js';

const JSON_TYPE = 'application/json; charset=utf-8';

const app = createApp((a) => {
  a.post('/orders', (_req, res) => {
    created(res, '/orders/7', { id: 7, total: 12.5 });
  });
  a.post('/orders-with-id', (_req, res) => {
    created(
      res,
      '/orders/7',
      { id: 7 },
      { globalId: 'urn:uuid:0d6c5d5e-1f35-4d4a-9b1e-3c2f6a1c8f00' },
    );
  });
  a.post('/orders-empty', (_req, res) => {
    created(res, '/orders/7');
  });
  a.post('/orders-null', (_req, res) => {
    created(res, '/orders/7', null);
  });
  a.post('/files', (_req, res) => {
    created(res, '/files/année 2024.pdf');
  });
  a.post('/bad-location', (_req, res) => {
    created(res, '/orders/7\r\nSet-Cookie: a=b', { id: 7 });
  });
  a.post('/bad-global-id', (_req, res) => {
    created(res, '/orders/7', { id: 7 }, { globalId: 'a\nb' });
  });
  a.all('/jobs', (_req, res) => {
    accepted(res, { job: '/jobs/9', state: 'queued' });
  });
  a.post('/jobs-empty', (_req, res) => {
    accepted(res);
  });
  a.all('/nothing', (_req, res) => {
    noContent(res);
  });
  a.all('/moved', (_req, res) => {
    found(res, '/new place?q=1');
  });
  a.get('/bad-found', (_req, res) => {
    found(res, '');
  });
  a.all('/order', (_req, res) => {
    res.json({ id: 7 });
  });
});

describe('created', () => {
  it('answers 201 with Location and the JSON body', async () => {
    const res = await request(app).post('/orders');
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/orders/7');
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.text).toBe('{"id":7,"total":12.5}');
    expect(res.headers['x-global-identifier']).toBeUndefined();
  });

  it('sends the global identifier of the new resource in X-Global-Identifier', async () => {
    const res = await request(app).post('/orders-with-id');
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/orders/7');
    expect(res.headers['x-global-identifier']).toBe(
      'urn:uuid:0d6c5d5e-1f35-4d4a-9b1e-3c2f6a1c8f00',
    );
    expect(res.body).toEqual({ id: 7 });
  });

  it('sends no body, and no Content-Type, without a body', async () => {
    const res = await request(app).post('/orders-empty');
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/orders/7');
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
    expect(res.text).toBe('');
  });

  it('sends a null body as JSON null: only undefined means no body', async () => {
    const res = await request(app).post('/orders-null');
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.text).toBe('null');
  });

  it('percent-encodes the location through the one Location formatter', async () => {
    const res = await request(app).post('/files');
    expect(res.headers.location).toBe('/files/ann%C3%A9e%202024.pdf');
  });

  it('refuses a location with CR/LF before writing anything: the error handler answers 500', async () => {
    const res = await request(app).post('/bad-location');
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(problemOf(res)).toMatchObject({ status: 500, code: 'INTERNAL_SERVER_ERROR' });
  });

  it('refuses a global identifier with a line break: the error handler answers 500 without Location', async () => {
    const res = await request(app).post('/bad-global-id');
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['x-global-identifier']).toBeUndefined();
  });

  it.each<[string, unknown[], OptionErrorCode, string]>([
    [
      'a number location',
      [42],
      'ERR_EAE_OPTION_TYPE',
      '`location` must be a non-empty URI reference without control characters, got 42',
    ],
    [
      'an empty location',
      [''],
      'ERR_EAE_OPTION_TYPE',
      '`location` must be a non-empty URI reference without control characters, got ""',
    ],
    [
      'options that are not an object',
      ['/a', {}, 'id'],
      'ERR_EAE_OPTIONS',
      `options must be an object such as { globalId: 'urn:uuid:…' }, got "id"`,
    ],
    [
      'an empty globalId',
      ['/a', {}, { globalId: '' }],
      'ERR_EAE_OPTION_TYPE',
      '`globalId` must be a non-empty string, got ""',
    ],
    [
      'a number globalId',
      ['/a', {}, { globalId: 7 }],
      'ERR_EAE_OPTION_TYPE',
      '`globalId` must be a non-empty string, got 7',
    ],
    [
      'a non-ASCII globalId',
      ['/a', {}, { globalId: 'é' }],
      'ERR_EAE_OPTION_TYPE',
      '`globalId` must be a string of printable ASCII, without control characters (CR, LF, NUL…), got "é"',
    ],
    [
      'an unknown option',
      ['/a', {}, { globalID: 'urn:x' }],
      'ERR_EAE_UNKNOWN_OPTION',
      '`globalID` is not an option. Did you mean `globalId`? The options are `globalId`.',
    ],
    [
      'an option spelt another way',
      ['/a', {}, { global_id: 'urn:x' }],
      'ERR_EAE_UNKNOWN_OPTION',
      '`global_id` is not an option. Did you mean `globalId`? The options are `globalId`.',
    ],
  ])('throws for %s, before touching the response', (_name, args, code, message) => {
    const untouched = {} as ExpressResponse; // any use of it would throw another message
    expectOptionError(
      () => (created as (res: ExpressResponse, ...rest: unknown[]) => void)(untouched, ...args),
      code,
      `created(): ${message}`,
    );
  });

  it('does not change the options object', () => {
    const options = Object.freeze({ globalId: 'urn:x' });
    const res = { status: () => res, set: () => res, end: () => res } as unknown as ExpressResponse;
    created(res, '/a', undefined, options);
    expect(options).toEqual({ globalId: 'urn:x' });
  });
});

describe('accepted', () => {
  it('answers 202 with the JSON body and no Location', async () => {
    const res = await request(app).post('/jobs');
    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.text).toBe('{"job":"/jobs/9","state":"queued"}');
    expect(res.headers.location).toBeUndefined();
  });

  it('answers 202 with an empty body without one', async () => {
    const res = await request(app).post('/jobs-empty');
    expect(res.status).toBe(202);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toBe('');
  });

  it('answers HEAD with 202 and the body’s length, without the body', async () => {
    const res = await request(app).head('/jobs');
    expect(res.status).toBe(202);
    expect(res.headers['content-length']).toBe(
      String(Buffer.byteLength('{"job":"/jobs/9","state":"queued"}')),
    );
    expect(res.text).toBeUndefined();
  });
});

describe('noContent', () => {
  it('answers 204 with neither body nor Content-Type, Content-Length or ETag', async () => {
    const res = await request(app).delete('/nothing');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
  });
});

describe('found', () => {
  it('answers 302 with the encoded Location and an empty body', async () => {
    const res = await request(app).get('/moved').redirects(0);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/new%20place?q=1');
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.text).toBe('');
  });

  it('refuses an empty location: the error handler answers 500 without Location', async () => {
    const res = await request(app).get('/bad-found').redirects(0);
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
  });

  it('throws a TypeError for a location that is not a string', () => {
    expectOptionError(
      () => found({} as ExpressResponse, undefined as unknown as string),
      'ERR_EAE_OPTION_TYPE',
      'found(): `location` must be a non-empty URI reference without control characters, got undefined',
    );
  });
});

describe('conditional GET (If-None-Match)', () => {
  it('answers 304 without a body to a GET of res.json whose ETag matches', async () => {
    const first = await request(app).get('/order');
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const res = await request(app).get('/order').set('If-None-Match', etag);
    expect(res.status).toBe(304);
    expect(res.headers.etag).toBe(etag);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
  });

  it('answers 304 to a HEAD whose ETag matches', async () => {
    const { etag } = (await request(app).get('/order')).headers as { etag: string };
    const res = await request(app).head('/order').set('If-None-Match', etag);
    expect(res.status).toBe(304);
    expect(res.headers.etag).toBe(etag);
  });

  it('answers 200 with the body when the ETag does not match', async () => {
    const res = await request(app).get('/order').set('If-None-Match', 'W/"other"');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 7 });
  });

  it('answers 304 to a GET of accepted() whose ETag matches: Express checks every 2xx', async () => {
    const first = await request(app).get('/jobs');
    expect(first.status).toBe(202);
    const res = await request(app)
      .get('/jobs')
      .set('If-None-Match', first.headers.etag as string);
    expect(res.status).toBe(304);
    expect(res.text).toBe('');
  });

  it('never answers 304 to a POST: created() and accepted() send their status and body', async () => {
    const first = await request(app).post('/orders');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const res = await request(app).post('/orders').set('If-None-Match', etag);
    expect(res.status).toBe(201);
    expect(res.text).toBe('{"id":7,"total":12.5}');
    const job = await request(app).post('/jobs').set('If-None-Match', '*');
    expect(job.status).toBe(202);
    expect(job.body).toEqual({ job: '/jobs/9', state: 'queued' });
  });

  it('never answers 304 for noContent() or found(): no body, so no ETag', async () => {
    const nothing = await request(app).get('/nothing').set('If-None-Match', '*');
    expect(nothing.status).toBe(204);
    expect(nothing.headers.etag).toBeUndefined();
    const moved = await request(app).get('/moved').set('If-None-Match', '*').redirects(0);
    expect(moved.status).toBe(302);
    expect(moved.headers.etag).toBeUndefined();
  });
});

describe('noContent after other middleware described a body', () => {
  it('drops Content-Type, Content-Length and ETag set earlier', async () => {
    const app = createApp((a) =>
      a.delete('/x', (_req, res) => {
        res.type('json');
        res.set('Content-Length', '5');
        res.set('ETag', '"abc"');
        noContent(res);
      }),
    );
    const res = await request(app).delete('/x');
    expect(res.status).toBe(204);
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
    expect(res.text).toBe('');
  });
});
