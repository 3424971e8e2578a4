import { brotliDecompressSync, gzipSync } from 'node:zlib';
import createHttpError from 'http-errors';
import { appThrowing } from '../helpers/app.js';
import express from 'express';
import request from 'supertest';
import { captureLogs, flushed } from '../helpers/logs.js';
import { createApp } from '../helpers/app.js';
import { expectedProblem, problemOf } from '../helpers/problem.js';

// Real bodies through Express's own parsers (body-parser 2 under Express 5,
// 1.x under Express 4), answered by errorHandler.
const app = createApp((a) => {
  a.post('/json', express.json({ limit: '1kb' }), (req, res) => {
    res.json({ parsed: req.body as unknown });
  });
  a.post(
    '/form',
    express.urlencoded({ extended: true, limit: 200, parameterLimit: 5 }),
    (req, res) => {
      res.json({ parsed: req.body as unknown });
    },
  );
  a.post('/strict-inflate', express.json({ inflate: false }), (_req, res) => {
    res.end();
  });
  // A webhook's signature checked as body-parser documents it: `verify` throws on a mismatch.
  a.post(
    '/webhook',
    express.json({
      verify: (req, _res, body) => {
        if (req.headers['x-signature'] !== 'valid') {
          throw new Error(`HMAC mismatch: expected 9f86d081 for body ${body.toString()}`);
        }
      },
    }),
    (_req, res) => {
      res.json({ received: true });
    },
  );
});

const SECRET = 'sk_live_4242';

/** Sends `bytes` as they are: superagent would serialise a Buffer to JSON under a JSON type. */
function sendBytes(test: request.Test, bytes: Buffer): request.Test {
  test.set('Content-Length', String(bytes.length));
  test.write(bytes);
  return test;
}

describe('body parsing: malformed bodies are 400s that never echo the payload', () => {
  it.each([
    ['a truncated object', `{"token":"${SECRET}"`],
    ['a lone string, refused by strict mode', `"${SECRET}"`],
    ['a trailing comma', `{"token":"${SECRET}",}`],
    ['bare words', `token=${SECRET}`],
  ])('answers 400 to %s', async (_name, payload) => {
    const res = await request(app)
      .post('/json')
      .set('Content-Type', 'application/json')
      .send(payload);
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain('JSON at position');
    expect(problemOf(res)).toEqual(
      expectedProblem(400, '/json', 'The request body could not be parsed.'),
    );
  });

  it('lets a well-formed body through', async () => {
    const res = await request(app)
      .post('/json')
      .send({ a: [1, 2] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ parsed: { a: [1, 2] } });
  });

  it('answers 400 to a gzip body that does not inflate', async () => {
    const res = await sendBytes(
      request(app)
        .post('/json')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip'),
      Buffer.from(`not gzip ${SECRET}`),
    );
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(SECRET);
    // body-parser's error here has no `type`, only zlib's `code: 'Z_DATA_ERROR'`.
    expect(problemOf(res)).toEqual(
      expectedProblem(
        400,
        '/json',
        'The request body could not be decoded with its Content-Encoding.',
      ),
    );
  });

  it('answers 400 to a brotli body that does not decode, as a body parser reports it', async () => {
    // Express 5's parser reads brotli and hands on zlib's error as a 400; Express 4's refuses `br`.
    let decodeError: unknown;
    try {
      brotliDecompressSync(Buffer.from(`not brotli ${SECRET}`));
    } catch (error) {
      decodeError = createHttpError(400, error as Error);
    }
    expect((decodeError as { code?: unknown }).code).toMatch(/^ERR__ERROR_/);
    const res = await request(appThrowing(() => decodeError, { logger: false })).get('/throw');
    expect(res.status).toBe(400);
    expect(problemOf(res)).toEqual(
      expectedProblem(
        400,
        '/throw',
        'The request body could not be decoded with its Content-Encoding.',
      ),
    );
  });

  it('parses a gzip body that inflates', async () => {
    const res = await sendBytes(
      request(app)
        .post('/json')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip'),
      gzipSync('{"ok":true}'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ parsed: { ok: true } });
  });

  it('answers 400, without the payload, to a form nested deeper than the default depth of 32', async () => {
    const deep = `a${'[b]'.repeat(40)}=${SECRET}`;
    const lenient = createApp((a) => {
      a.post('/form', express.urlencoded({ extended: true }), (_req, res) => {
        res.end();
      });
    });
    const res = await request(lenient)
      .post('/form')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(deep);
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(SECRET);
    expect(problemOf(res)).toEqual(
      expectedProblem(400, '/form', 'The request body is nested too deeply.'),
    );
  });

  it('logs the 400 once at warn, without body-parser’s copy of the payload', async () => {
    const { logger, lines } = captureLogs();
    const logged = createApp(
      (a) => {
        a.post('/json', express.json(), (_req, res) => {
          res.end();
        });
      },
      { logger },
    );
    const res = await request(logged)
      .post('/json')
      .set('Content-Type', 'application/json')
      .send(`token=${SECRET}`);
    await flushed();
    expect(res.status).toBe(400);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, status: 400, code: 'BAD_REQUEST' });
    // body-parser keeps the raw payload in `err.body`, and Express 5's JSON
    // parser quotes it in the message: the log keeps neither.
    expect(lines[0]!.err).not.toHaveProperty('body');
    expect(lines[0]!.err).toMatchObject({
      type: 'SyntaxError',
      message: 'The request body could not be parsed.',
    });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});

describe('body parsing: oversized bodies are 413s that name the limit', () => {
  it('answers 413 to JSON above the limit, with the limit in bytes', async () => {
    const res = await request(app)
      .post('/json')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(2000) }));
    expect(res.status).toBe(413);
    expect(problemOf(res)).toEqual(
      expectedProblem(413, '/json', 'The request body is larger than the limit of 1024 bytes.'),
    );
  });

  it('answers 413 to a chunked body that grows past the limit, without Content-Length', async () => {
    const streaming = request(app)
      .post('/json')
      .set('Content-Type', 'application/json')
      .set('Transfer-Encoding', 'chunked');
    streaming.write(`{"blob":"${'x'.repeat(800)}`);
    streaming.write(`${'x'.repeat(800)}"}`);
    const res = await streaming;
    expect(res.status).toBe(413);
    expect(problemOf(res).detail).toBe('The request body is larger than the limit of 1024 bytes.');
  });

  it('answers 413 to a gzip body that inflates past the limit', async () => {
    const res = await sendBytes(
      request(app)
        .post('/json')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip'),
      gzipSync(JSON.stringify({ blob: 'x'.repeat(5000) })),
    );
    expect(res.status).toBe(413);
    expect(problemOf(res).detail).toBe('The request body is larger than the limit of 1024 bytes.');
  });

  it('answers 413 to a form above the limit', async () => {
    const res = await request(app)
      .post('/form')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(`a=${'x'.repeat(300)}`);
    expect(res.status).toBe(413);
    expect(problemOf(res)).toEqual(
      expectedProblem(413, '/form', 'The request body is larger than the limit of 200 bytes.'),
    );
  });

  it('answers 413 to a form with more parameters than allowed', async () => {
    const res = await request(app)
      .post('/form')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('a=1&b=2&c=3&d=4&e=5&f=6');
    expect(res.status).toBe(413);
    expect(problemOf(res)).toEqual(
      expectedProblem(413, '/form', 'The request body has too many parameters.'),
    );
  });

  it('lets a form within the limits through', async () => {
    const res = await request(app)
      .post('/form')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('a=1&b[c]=2');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ parsed: { a: '1', b: { c: '2' } } });
  });
});

describe('body parsing: unsupported charsets and encodings are 415s', () => {
  it('answers 415 to JSON in a charset other than UTF', async () => {
    const res = await request(app)
      .post('/json')
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{}');
    expect(res.status).toBe(415);
    expect(problemOf(res)).toEqual(
      expectedProblem(415, '/json', 'The charset of the request body is not supported.'),
    );
  });

  it('answers 415 to a form in UTF-16', async () => {
    const res = await request(app)
      .post('/form')
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=utf-16')
      .send('a=1');
    expect(res.status).toBe(415);
    expect(problemOf(res)).toEqual(
      expectedProblem(415, '/form', 'The charset of the request body is not supported.'),
    );
  });

  it('answers 415 to a content coding the parser does not know, without echoing it', async () => {
    const res = await request(app)
      .post('/json')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'x-evil<script>')
      .send('{}');
    expect(res.status).toBe(415);
    expect(res.text).not.toContain('script');
    expect(problemOf(res)).toEqual(
      expectedProblem(415, '/json', 'The content encoding of the request body is not supported.'),
    );
  });

  it('answers 415 to gzip when the parser was told not to inflate', async () => {
    const res = await sendBytes(
      request(app)
        .post('/strict-inflate')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip'),
      gzipSync('{}'),
    );
    expect(res.status).toBe(415);
    expect(problemOf(res).detail).toBe(
      'The content encoding of the request body is not supported.',
    );
  });

  it('answers 403 to a body its `verify` refuses, with a detail of its own rather than the message thrown', async () => {
    const res = await request(app)
      .post('/webhook')
      .set('X-Signature', 'forged')
      .send({ card: SECRET });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain('HMAC');
    expect(problemOf(res)).toEqual(
      expectedProblem(403, '/webhook', 'The request body failed verification.'),
    );
  });
});
