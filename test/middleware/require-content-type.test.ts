import request from 'supertest';
import { requireContentType } from '../../src/middleware/require-content-type.js';
import { createApp } from '../helpers/app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { problemOf } from '../helpers/problem.js';

const unsupported = (accept: string[]) => ({
  type: 'about:blank',
  title: 'Unsupported Media Type',
  status: 415,
  detail: 'The request body is in a media type or encoding that this resource does not accept.',
  instance: '/items',
  code: 'UNSUPPORTED_MEDIA_TYPE',
  accept,
});

describe('requireContentType', () => {
  const app = createApp((a) => {
    a.use('/items', requireContentType('application/json', 'application/*+json'));
    a.all('/items', (req, res) => {
      res.json({ method: req.method, type: req.headers['content-type'] ?? null });
    });
  });

  it('lets a body of a listed type through', async () => {
    const res = await request(app)
      .post('/items')
      .set('Content-Type', 'application/json')
      .send('{"a":1}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ method: 'POST', type: 'application/json' });
  });

  it('ignores parameters such as charset', async () => {
    const res = await request(app)
      .post('/items')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send('{}');
    expect(res.status).toBe(200);
  });

  it.each([
    'application/json;',
    'application/json; charset=utf-8;',
    'application/json;;charset=utf-8',
    'application/json; foo',
    ' application/json ',
  ])(
    'ignores parameters, even empty or malformed ones, on Express 4 and 5 alike: %j',
    async (type) => {
      const res = await request(app).post('/items').set('Content-Type', type).send('{}');
      expect(res.status).toBe(200);
    },
  );

  it.each([
    'application/json/x',
    'application/',
    '/json',
    'application /json',
    'appl{ication/json',
  ])('refuses a Content-Type that is no media type: %j', async (type) => {
    const res = await request(app).post('/items').set('Content-Type', type).send('{}');
    expect(res.status).toBe(415);
  });

  it('matches media types case-insensitively', async () => {
    const res = await request(app)
      .post('/items')
      .set('Content-Type', 'Application/JSON; Charset=UTF-8')
      .send('{}');
    expect(res.status).toBe(200);
  });

  it('matches a structured-syntax suffix wildcard like application/*+json', async () => {
    const res = await request(app)
      .put('/items')
      .set('Content-Type', 'application/merge-patch+json')
      .send('{}');
    expect(res.status).toBe(200);
  });

  it('answers a POST of another type with 415, the accepted types and Accept-Post', async () => {
    const res = await request(app).post('/items').set('Content-Type', 'text/plain').send('hello');
    expect(res.status).toBe(415);
    expect(res.headers['accept-post']).toBe('application/json, application/*+json');
    expect(res.headers['accept-patch']).toBeUndefined();
    expect(problemOf(res)).toEqual(unsupported(['application/json', 'application/*+json']));
  });

  it('answers a PATCH of another type with Accept-Patch (RFC 5789 §3.1), leaving out wildcard ranges', async () => {
    const res = await request(app)
      .patch('/items')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('a=1');
    expect(res.status).toBe(415);
    // Accept-Patch lists media types, not ranges: application/*+json is left out.
    expect(res.headers['accept-patch']).toBe('application/json');
    expect(res.headers['accept-post']).toBeUndefined();
    expect(problemOf(res)).toEqual(unsupported(['application/json', 'application/*+json']));
  });

  it('answers a PUT of another type with 415 and no Accept-* header, none being defined for PUT', async () => {
    const res = await request(app).put('/items').set('Content-Type', 'text/csv').send('a,b');
    expect(res.status).toBe(415);
    expect(res.headers['accept-post']).toBeUndefined();
    expect(res.headers['accept-patch']).toBeUndefined();
    expect(problemOf(res)).toEqual(unsupported(['application/json', 'application/*+json']));
  });

  it('rejects a body without Content-Type', async () => {
    const res = await request(app)
      .post('/items')
      .set('Content-Length', '5')
      .send(Buffer.from('hello'));
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['accept-post']).toBe('application/json, application/*+json');
    expect(problemOf(res)).toEqual(unsupported(['application/json', 'application/*+json']));
  });

  it('rejects a body sent with Transfer-Encoding: chunked', async () => {
    const streaming = request(app)
      .post('/items')
      .set('Content-Type', 'text/plain')
      .set('Transfer-Encoding', 'chunked');
    streaming.write('hello');
    const res = await streaming;
    expect(res.status).toBe(415);
  });

  it('rejects a Content-Type that does not parse', async () => {
    const res = await request(app).post('/items').set('Content-Type', 'json').send('{}');
    expect(res.status).toBe(415);
  });

  it('does not accept a suffix wildcard match on another top-level type', async () => {
    const res = await request(app).post('/items').set('Content-Type', 'text/x+json').send('{}');
    expect(res.status).toBe(415);
  });

  it('lets a request without a body through, whatever its Content-Type', async () => {
    const res = await request(app).post('/items').set('Content-Type', 'text/plain');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ method: 'POST', type: 'text/plain' });
  });

  it('treats Content-Length: 0 as no body', async () => {
    const res = await request(app)
      .post('/items')
      .set('Content-Type', 'text/plain')
      .set('Content-Length', '0');
    expect(res.status).toBe(200);
  });

  it('lets GET, HEAD and OPTIONS without a body through', async () => {
    expect((await request(app).get('/items')).status).toBe(200);
    const head = await request(app).head('/items');
    expect(head.status).toBe(200);
    expect(head.text).toBeUndefined();
    expect((await request(app).options('/items')).status).toBe(200);
  });

  it('sends no body on a 415 to HEAD with a body', async () => {
    const res = await request(app)
      .head('/items')
      .set('Content-Type', 'text/plain')
      .set('Content-Length', '3')
      .send('abc');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.text).toBeUndefined();
  });

  it('applies to the path with a trailing slash too', async () => {
    const res = await request(app).post('/items/').set('Content-Type', 'text/plain').send('x');
    expect(res.status).toBe(415);
    expect(problemOf(res)).toEqual({
      ...unsupported(['application/json', 'application/*+json']),
      instance: '/items/',
    });
  });

  it('lists the types lower-cased and once', async () => {
    const lenient = createApp((a) => {
      a.post('/items', requireContentType('Text/Plain', 'text/plain', 'TEXT/*'), (_req, res) => {
        res.end();
      });
    });
    const res = await request(lenient)
      .post('/items')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(res.status).toBe(415);
    expect(res.headers['accept-post']).toBe('text/plain, text/*');
    expect(problemOf(res)).toMatchObject({ accept: ['text/plain', 'text/*'] });
    const ok = await request(lenient).post('/items').set('Content-Type', 'text/csv').send('a');
    expect(ok.status).toBe(200);
  });

  it('accepts anything with */*', async () => {
    const any = createApp((a) => {
      a.post('/items', requireContentType('*/*'), (_req, res) => {
        res.end();
      });
    });
    const res = await request(any).post('/items').set('Content-Type', 'image/png').send('x');
    expect(res.status).toBe(200);
  });

  it('refuses to be created without a type', () => {
    expectOptionError(
      () => requireContentType(),
      'ERR_EAE_OPTION_MISSING',
      "requireContentType(): `types` are required: at least one media type, e.g. requireContentType('application/json')",
    );
  });

  it.each([
    ['json'],
    ['+json'],
    ['application/json; charset=utf-8'],
    ['application/'],
    ['application/json/x'],
    ['*/json'],
    ['app*/json'],
    ['application/x*'],
    ['application/*+'],
    ['text/pl ain'],
    [''],
  ])('refuses to be created with %p, naming it by its position', (type) => {
    expectOptionError(
      () => requireContentType('application/json', type),
      'ERR_EAE_OPTION_TYPE',
      `requireContentType(): \`types[1]\` must be a media type such as "application/json", "text/*" or "application/*+json", without parameters, got ${JSON.stringify(type)}`,
    );
  });

  it('refuses a type that is not a string', () => {
    expectOptionError(
      () => requireContentType(42 as never),
      'ERR_EAE_OPTION_TYPE',
      /^requireContentType\(\): `types\[0\]` must be a media type .*, got 42$/,
    );
  });
});
