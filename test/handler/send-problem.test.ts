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
