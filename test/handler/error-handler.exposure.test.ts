import request from 'supertest';
import { InternalServerError, NotFoundError } from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { problemOf } from '../helpers/problem.js';

describe('errorHandler: what it hides', () => {
  it('never sends the message of a 5xx ApiError unless exposed', async () => {
    const res = await request(
      appThrowing(() => new InternalServerError('password=hunter2 rejected by db')),
    ).get('/throw');
    expect(res.text).not.toContain('hunter2');
    expect(problemOf(res).detail).toBe(
      'The server hit an unexpected error. The problem is on our side.',
    );
  });

  it('sends the message of a 5xx ApiError that says expose: true', async () => {
    const res = await request(
      appThrowing(() => new InternalServerError('Reports are rebuilt nightly', { expose: true })),
    ).get('/throw');
    expect(problemOf(res).detail).toBe('Reports are rebuilt nightly');
  });

  it('sends the real message and stack of a 5xx only in debug mode', async () => {
    const res = await request(
      appThrowing(() => new TypeError('x is undefined'), { logger: false, debug: true }),
    ).get('/throw');
    const body = problemOf(res);
    expect(body.detail).toBe('x is undefined');
    expect((body.stack as string[])[0]).toBe('TypeError: x is undefined');
  });

  it('never sends a stack for a 4xx, even in debug mode', async () => {
    const res = await request(
      appThrowing(() => new NotFoundError('gone'), { logger: false, debug: true }),
    ).get('/throw');
    expect(problemOf(res).stack).toBeUndefined();
  });

  it('keeps the query string, which may hold tokens, out of instance', async () => {
    const res = await request(appThrowing(() => new NotFoundError())).get(
      '/throw?access_token=SECRET',
    );
    expect(problemOf(res).instance).toBe('/throw');
    expect(res.text).not.toContain('SECRET');
  });

  it('does not let extension members replace standard ones', async () => {
    const res = await request(
      appThrowing(
        () => new NotFoundError('x', { extensions: { status: 200, code: 'OK', balance: 30 } }),
      ),
    ).get('/throw');
    expect(problemOf(res)).toMatchObject({ status: 404, code: 'NOT_FOUND', balance: 30 });
  });
});
