/**
 * `res.err`: what pino-http (mounted plainly, without `pinoHttpOptions()`)
 * logs in its completion line for a request the handler answered.
 */
import type { Response } from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { ConflictError, NotFoundError, type ErrorHandlerOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';

type Line = Record<string, unknown> & { err?: { type?: string; message?: string; stack?: string } };

/** An app whose `GET /throw` passes `makeError()` on, with pino-http mounted before it. */
function appWithPinoHttp(
  makeError: () => unknown,
  options: ErrorHandlerOptions = {},
  onFinish: (res: Response) => void = () => undefined,
) {
  const logs = captureLogs();
  const app = createApp(
    (a) =>
      a.get('/throw', (_req, res, next) => {
        res.on('finish', () => onFinish(res));
        next(makeError());
      }),
    options,
    [pinoHttp({ logger: logs.logger })],
  );
  return { app, lines: logs.lines as Line[] };
}

const completion = (lines: Line[]) => lines.filter((line) => line.res !== undefined);

describe('res.err, as pino-http reads it', () => {
  it('carries the real error of a 5xx into pino-http’s completion line, with its stack, and no made-up one', async () => {
    const { app, lines } = appWithPinoHttp(() => new TypeError('cannot read id'));
    await request(app).get('/throw').expect(500);
    await flushed();

    const [line] = completion(lines);
    expect(completion(lines)).toHaveLength(1);
    expect(line).toMatchObject({ msg: 'request errored', res: { statusCode: 500 } });
    expect(line!.err).toMatchObject({ type: 'TypeError', message: 'cannot read id' });
    expect(line!.err!.stack).toMatch(/^TypeError: cannot read id\n\s+at /);
    expect(JSON.stringify(lines)).not.toContain('failed with status code');
  });

  it('carries a 4xx’s error without its stack frames', async () => {
    const { app, lines } = appWithPinoHttp(() => new NotFoundError('No such order.'));
    await request(app).get('/throw').expect(404);
    await flushed();

    const [line] = completion(lines);
    expect(line!.err).toEqual({
      type: 'NotFoundError',
      message: 'No such order.',
      code: 'NOT_FOUND',
      stack: 'NotFoundError: No such order.',
      status: 404,
    });
  });

  it('carries a safe copy: none of the thrown error’s other properties', async () => {
    const thrown = Object.assign(new Error('upstream failed'), {
      config: { headers: { Authorization: 'Bearer SECRET-UPSTREAM' } },
    });
    const { app, lines } = appWithPinoHttp(() => thrown);
    await request(app).get('/throw').expect(500);
    await flushed();

    expect(completion(lines)[0]!.err).toMatchObject({ message: 'upstream failed' });
    expect(JSON.stringify(lines)).not.toContain('SECRET-UPSTREAM');
  });

  it('carries the error the last resort logs when handling itself failed', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { app, lines } = appWithPinoHttp(() => new ConflictError('Order 7 is already paid.'), {
      problemType: () => {
        throw new Error('problemType is broken');
      },
    });
    await request(app).get('/throw').expect(500);
    await flushed();
    warn.mockRestore();

    expect(completion(lines)[0]!.err).toMatchObject({
      type: 'ConflictError',
      message: 'Order 7 is already paid.',
    });
    expect(JSON.stringify(lines)).not.toContain('failed with status code');
  });

  it('is built when read, not before: a res.err no logger reads formats no stack', async () => {
    let stackReads = 0;
    const thrown = new Error('database down');
    Object.defineProperty(thrown, 'stack', {
      get: () => {
        stackReads++;
        return 'Error: database down\n    at query (db.js:1:1)';
      },
    });
    let read: (res: Response) => unknown = () => undefined;
    let seen: unknown;
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, res, next) => {
          res.on('finish', () => {
            seen = read(res);
          });
          next(thrown);
        }),
      { logger: false },
      [pinoHttp({ logger: pino({ level: 'silent' }), autoLogging: false })],
    );

    await request(app).get('/throw').expect(500);
    await flushed();
    expect(stackReads).toBe(0);

    // As pino's err serializer does.
    read = (res) => ({ message: res.err?.message, stack: res.err?.stack });
    await request(app).get('/throw').expect(500);
    await flushed();
    expect(stackReads).toBeGreaterThan(0);
    expect(seen).toEqual({
      message: 'database down',
      stack: 'Error: database down\n    at query (db.js:1:1)',
    });
  });

  it('can be replaced by assigning res.err', async () => {
    const replacement = new Error('replaced');
    let seen: unknown;
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, res, next) => {
          res.on('finish', () => {
            res.err = replacement;
            seen = res.err;
          });
          next(new NotFoundError());
        }),
      { logger: false },
      [pinoHttp({ logger: pino({ level: 'silent' }), autoLogging: false })],
    );
    await request(app).get('/throw').expect(404);
    await flushed();
    expect(seen).toBe(replacement);
  });

  it('is the same safe copy of the error as the handler’s line logs, and an Error', async () => {
    const thrown = Object.assign(
      new Error('query failed', { cause: new Error('connect ECONNREFUSED') }),
      { code: 'E_QUERY', status: 503.5 },
    );
    let err: unknown;
    const { app, lines } = appWithPinoHttp(
      () => thrown,
      {},
      (res) => {
        err = res.err;
      },
    );
    await request(app).get('/throw').expect(500);
    await flushed();

    const [handlerLine, completionLine] = lines;
    expect(completionLine!.err).toEqual(handlerLine!.err);
    expect(completionLine!.err).toMatchObject({
      type: 'Error',
      message: 'query failed: connect ECONNREFUSED',
      code: 'E_QUERY',
      status: 503.5,
    });
    expect(err).toBeInstanceOf(Error);
  });

  it('is left unset without pino-http: nothing reads it, and the error path stays as it was', async () => {
    let err: unknown = 'unread';
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, res, next) => {
          res.on('finish', () => {
            err = res.err;
          });
          next(new Error('database down'));
        }),
      { logger: false },
    );
    await request(app).get('/throw').expect(500);
    await flushed();
    expect(err).toBeUndefined();
  });
});
