import request from 'supertest';
import { ConflictError, NotFoundError } from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { expectedProblem, problemOf } from '../helpers/problem.js';

class OrderMissing extends Error {}
class PaymentDeclined extends Error {
  constructor(readonly reason: string) {
    super(`Payment declined: ${reason}`);
  }
}

describe('errorHandler: what it maps, in order', () => {
  it('maps a domain error class to a status, exposing its message below 500', async () => {
    const res = await request(
      appThrowing(() => new OrderMissing('Order 7 does not exist'), {
        logger: false,
        mappings: [{ match: OrderMissing, to: 404 }],
      }),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(problemOf(res)).toEqual(expectedProblem(404, '/throw', 'Order 7 does not exist'));
  });

  it('maps a domain error to a sub-code, which also sets the status', async () => {
    const res = await request(
      appThrowing(() => new OrderMissing('No user 9'), {
        logger: false,
        mappings: [{ match: OrderMissing, to: '404.1' }],
      }),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.headers['x-status-sub-code']).toBe('404.1');
    expect(problemOf(res)).toMatchObject({
      code: 'USER_NOT_FOUND',
      subCode: '404.1',
      detail: 'No user 9',
    });
  });

  it('maps with a predicate and a factory that builds the ApiError', async () => {
    const res = await request(
      appThrowing(() => Object.assign(new Error('unique violation'), { code: 'P2002' }), {
        logger: false,
        mappings: [
          {
            match: (error) => (error as { code?: string }).code === 'P2002',
            to: () => new ConflictError('This email is taken', { location: '/users/3' }),
          },
        ],
      }),
    ).get('/throw');
    expect(res.status).toBe(409);
    expect(res.headers.location).toBe('/users/3');
    expect(problemOf(res)).toMatchObject({ detail: 'This email is taken', code: 'CONFLICT' });
  });

  it('hides the message of a domain error mapped to 5xx', async () => {
    const res = await request(
      appThrowing(() => new PaymentDeclined('card 4242 blocked'), {
        logger: false,
        mappings: [{ match: PaymentDeclined, to: 503 }],
      }),
    ).get('/throw');
    expect(res.status).toBe(503);
    // Not '4242' alone: the body's random request id holds it about once in 2,300 runs.
    expect(res.text).not.toContain('card');
  });

  it('uses the first matching mapping, before ApiErrors themselves', async () => {
    const res = await request(
      appThrowing(() => new NotFoundError('x'), {
        logger: false,
        mappings: [
          { match: NotFoundError as never, to: 410 },
          { match: () => true, to: 400 },
        ],
      }),
    ).get('/throw');
    expect(res.status).toBe(410);
  });

  it('answers 500 when a mapping throws or returns something else than an ApiError', async () => {
    const throwing = await request(
      appThrowing(() => new OrderMissing(), {
        logger: false,
        mappings: [
          {
            match: () => {
              throw new Error('bug in predicate');
            },
            to: 400,
          },
        ],
      }),
    ).get('/throw');
    expect(throwing.status).toBe(500);
    const wrong = await request(
      appThrowing(() => new OrderMissing(), {
        logger: false,
        mappings: [{ match: OrderMissing, to: () => new Error('not an ApiError') as never }],
      }),
    ).get('/throw');
    expect(wrong.status).toBe(500);
  });
});
