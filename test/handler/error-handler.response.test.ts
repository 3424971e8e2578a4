import request from 'supertest';
import { ApiError, NotFoundError, UnauthorizedError } from '../../src/index.js';
import { appFailingMidStream, appThrowing, createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';

describe('errorHandler: the response', () => {
  it('sends no body for HEAD but the same status and headers', async () => {
    const app = appThrowing(() => new NotFoundError('x', { subCode: '404.1' }));
    const get = await request(app).get('/throw');
    const head = await request(app).head('/throw');
    expect(head.status).toBe(404);
    expect(head.text).toBeUndefined();
    expect(head.headers['content-type']).toBe('application/problem+json');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers['x-status-sub-code']).toBe('404.1');
  });

  it.each([
    [undefined, 'application/problem+json'],
    ['*/*', 'application/problem+json'],
    ['application/problem+json', 'application/problem+json'],
    ['application/json', 'application/json'],
    ['application/json, application/problem+json;q=0.5', 'application/json'],
    ['application/*', 'application/problem+json'],
    ['text/html', 'application/problem+json'],
  ])('answers Accept: %s with %s', async (accept, type) => {
    const req = request(appThrowing(() => new NotFoundError())).get('/throw');
    const res = await (accept === undefined ? req : req.set('Accept', accept));
    expect(res.headers['content-type']).toBe(type);
    expect(JSON.parse(res.text)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('titles problems by sub-code when given its own type URIs', async () => {
    const res = await request(
      appThrowing(() => new UnauthorizedError({ subCode: '401.24' }), {
        logger: false,
        problemType: (entry) => `https://api.example.com/problems#${entry.name.toLowerCase()}`,
      }),
    ).get('/throw');
    expect(problemOf(res)).toMatchObject({
      type: 'https://api.example.com/problems#token_expired',
      title: 'Token expired',
      detail: 'The access token has expired. Obtain a new one and retry.',
    });
  });

  it('points each problem type at its code on the page at typeBaseUri, titled by the entry', async () => {
    const typeBaseUri = 'https://api.example.com/docs/errors';
    const expired = await request(
      appThrowing(() => new UnauthorizedError({ subCode: '401.24' }), {
        logger: false,
        typeBaseUri,
      }),
    ).get('/throw');
    expect(problemOf(expired)).toMatchObject({
      type: 'https://api.example.com/docs/errors#401.24',
      title: 'Token expired',
      code: 'TOKEN_EXPIRED',
      subCode: '401.24',
    });
    const plain = await request(
      appThrowing(() => new ApiError(409), { logger: false, typeBaseUri }),
    ).get('/throw');
    expect(problemOf(plain)).toMatchObject({
      type: 'https://api.example.com/docs/errors#409',
      title: 'Conflict',
      code: 'CONFLICT',
    });
  });

  it('closes the connection of a response whose headers were sent, logging once, and hands nothing on to Express', async () => {
    const logs = captureLogs();
    // Express's final handler would print the raw error, stack and all, to stderr.
    const { app, handedOn, destroyed } = appFailingMidStream({ logger: logs.logger });
    await expect(request(app).get('/throw')).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    await flushed();
    expect(handedOn).not.toHaveBeenCalled();
    expect(destroyed()).toHaveBeenCalledTimes(1);
    // At the level of the 500 it is, under the status that went out.
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 50,
        status: 200,
        code: 'INTERNAL_SERVER_ERROR',
        cutShort: true,
        err: expect.objectContaining({ type: 'Error', message: 'failed mid-stream' }),
        msg: 'GET /throw failed with INTERNAL_SERVER_ERROR after its 200 was sent',
      }),
    ]);
  });

  it('leaves a response the handler had ended to finish, logging the error that came after it', async () => {
    const logs = captureLogs();
    const body = 'x'.repeat(4 * 1024 * 1024);
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, res, next) => {
          res.type('text').send(body);
          next(new Error('failed after the response'));
        }),
      { logger: logs.logger },
    );
    const res = await request(app).get('/throw');
    expect(res.status).toBe(200);
    expect(res.text).toBe(body);
    await flushed();
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 50,
        status: 200,
        cutShort: false,
        err: expect.objectContaining({ message: 'failed after the response' }),
        msg: 'GET /throw failed with INTERNAL_SERVER_ERROR after its 200 was sent',
      }),
    ]);
  });

  it('still answers correctly when the logger throws', async () => {
    const throwingLogger = {
      error: () => {
        throw new Error('log sink down');
      },
      warn: () => {
        throw new Error('log sink down');
      },
      info: () => undefined,
      debug: () => undefined,
      trace: () => undefined,
      fatal: () => undefined,
    };
    const res = await request(
      appThrowing(() => new NotFoundError(), { logger: throwingLogger }),
    ).get('/throw');
    expect(res.status).toBe(404);
  });
});
