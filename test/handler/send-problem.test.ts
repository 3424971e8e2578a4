/**
 * What the error response keeps of the response it replaces, read off the
 * socket: Node's client and supertest would hide or reject a conflict.
 */
import { ConflictError, NotFoundError } from '../../src/index.js';
import { appFailingAfter } from '../helpers/app.js';
import { rawProblemOf } from '../helpers/problem.js';
import { fieldValues, rawGet } from '../helpers/raw-http.js';

const NOT_FOUND = {
  type: 'about:blank',
  title: 'Not Found',
  status: 404,
  detail: 'No such order.',
  instance: '/throw',
  code: 'NOT_FOUND',
};

describe('sendProblem: framing (RFC 9112 §6)', () => {
  it('frames the problem with Content-Length alone after the handler set Transfer-Encoding: chunked', async () => {
    const app = appFailingAfter(
      (res) => res.setHeader('Transfer-Encoding', 'chunked'),
      () => new NotFoundError('No such order.'),
    );
    const res = await rawGet(app, '/throw');

    expect(res.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(fieldValues(res, 'Transfer-Encoding')).toEqual([]);
    expect(fieldValues(res, 'Content-Length')).toEqual([String(res.body.length)]);
    expect(rawProblemOf(res)).toEqual(NOT_FOUND);
  });

  it('frames the problem with its own Content-Length after the handler set another', async () => {
    const app = appFailingAfter(
      (res) => res.setHeader('Content-Length', '5'),
      () => new NotFoundError('No such order.'),
    );
    const res = await rawGet(app, '/throw');

    expect(res.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(fieldValues(res, 'Content-Length')).toEqual([String(res.body.length)]);
    expect(rawProblemOf(res)).toEqual(NOT_FOUND);
  });

  it('answers with the error, and no Trailer field, after the handler announced trailers', async () => {
    const app = appFailingAfter(
      (res) => res.setHeader('Trailer', 'Server-Timing'),
      () => new NotFoundError('No such order.'),
    );
    const res = await rawGet(app, '/throw');

    expect(res.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(fieldValues(res, 'Trailer')).toEqual([]);
    expect(rawProblemOf(res)).toEqual(NOT_FOUND);
  });
});

describe('sendProblem: the status line (RFC 9112 §4)', () => {
  it('sends the reason phrase of its status, not the statusMessage the handler had set', async () => {
    const app = appFailingAfter(
      (res) => {
        res.statusMessage = 'All Good';
      },
      () => new ConflictError('Order 7 is already paid.'),
    );
    const res = await rawGet(app, '/throw');

    expect(res.statusLine).toBe('HTTP/1.1 409 Conflict');
    expect(rawProblemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'Order 7 is already paid.',
      instance: '/throw',
      code: 'CONFLICT',
    });
  });

  it('sends 409 Conflict, not a 500 under the phrase of 409, after the handler announced trailers', async () => {
    const app = appFailingAfter(
      (res) => res.setHeader('Trailer', 'Server-Timing'),
      () => new ConflictError('Order 7 is already paid.'),
    );
    const res = await rawGet(app, '/throw');

    expect(res.statusLine).toBe('HTTP/1.1 409 Conflict');
    expect(fieldValues(res, 'Trailer')).toEqual([]);
  });
});

describe('sendProblem: what the abandoned response said of its result', () => {
  it.each([
    ['Location', '/orders/42'],
    ['Content-Digest', 'sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:'],
    ['Repr-Digest', 'sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:'],
  ])('drops its %s', async (name, value) => {
    const app = appFailingAfter(
      (res) => res.setHeader(name, value),
      () => new Error('the database went away'),
    );
    const res = await rawGet(app, '/throw');

    expect(res.status).toBe(500);
    expect(fieldValues(res, name)).toEqual([]);
  });

  it('sends the Location of the error itself', async () => {
    const app = appFailingAfter(
      (res) => res.location('/orders/42'),
      () => new ConflictError('Taken.', { location: '/orders/7' }),
    );
    const res = await rawGet(app, '/throw');

    expect(res.status).toBe(409);
    expect(fieldValues(res, 'Location')).toEqual(['/orders/7']);
  });
});

describe('sendProblem: caching (RFC 9111)', () => {
  const ABANDONED_CACHING = {
    'Cache-Control': 'public, max-age=3600',
    Expires: 'Thu, 01 Jan 2037 00:00:00 GMT',
    ETag: '"v42"',
    'Last-Modified': 'Mon, 01 Jun 2026 12:00:00 GMT',
    Age: '120',
  };
  const failingAfterCaching = (makeError: () => unknown = () => new ConflictError('Taken.')) =>
    appFailingAfter((res) => res.set(ABANDONED_CACHING), makeError);

  it.each(['Expires', 'ETag', 'Last-Modified', 'Age'])(
    'drops the %s of the abandoned response',
    async (name) => {
      const res = await rawGet(failingAfterCaching(), '/throw');

      expect(res.status).toBe(409);
      expect(fieldValues(res, name)).toEqual([]);
    },
  );

  it('names Accept in Vary, since the media type of the problem depends on it', async () => {
    const app = appFailingAfter(
      () => undefined,
      () => new ConflictError('Taken.'),
    );
    const res = await rawGet(app, '/throw');

    expect(fieldValues(res, 'Vary')).toEqual(['Accept']);
  });

  it('replaces the abandoned Cache-Control with no-store', async () => {
    const res = await rawGet(failingAfterCaching(), '/throw');

    expect(res.status).toBe(409);
    expect(fieldValues(res, 'Cache-Control')).toEqual(['no-store']);
  });

  it('adds no Cache-Control when the abandoned response had none', async () => {
    const app = appFailingAfter(
      (res) => res.setHeader('ETag', '"v42"'),
      () => new ConflictError('Taken.'),
    );
    const res = await rawGet(app, '/throw');

    expect(fieldValues(res, 'Cache-Control')).toEqual([]);
  });

  it('sends the error’s own Cache-Control, Expires and ETag over those rules', async () => {
    const app = failingAfterCaching(
      () =>
        new NotFoundError('No such order.', {
          headers: {
            'Cache-Control': 'max-age=60',
            Expires: 'Thu, 01 Jan 2026 00:01:00 GMT',
            ETag: '"gone"',
          },
        }),
    );
    const res = await rawGet(app, '/throw');

    expect(res.status).toBe(404);
    expect(fieldValues(res, 'Cache-Control')).toEqual(['max-age=60']);
    expect(fieldValues(res, 'Expires')).toEqual(['Thu, 01 Jan 2026 00:01:00 GMT']);
    expect(fieldValues(res, 'ETag')).toEqual(['"gone"']);
    expect(fieldValues(res, 'Last-Modified')).toEqual([]);
    expect(fieldValues(res, 'Age')).toEqual([]);
  });

  it('keeps the Vary and CORS fields of the abandoned response, Vary naming Accept too', async () => {
    const app = appFailingAfter(
      (res) =>
        res.set({
          ...ABANDONED_CACHING,
          Vary: 'Origin, Accept-Encoding',
          'Access-Control-Allow-Origin': 'https://app.example',
          'Access-Control-Expose-Headers': 'X-Request-Id',
        }),
      () => new ConflictError('Taken.'),
    );
    const res = await rawGet(app, '/throw');

    expect(fieldValues(res, 'Vary')).toEqual(['Origin, Accept-Encoding, Accept']);
    expect(fieldValues(res, 'Access-Control-Allow-Origin')).toEqual(['https://app.example']);
    expect(fieldValues(res, 'Access-Control-Expose-Headers')).toEqual(['X-Request-Id']);
  });
});
