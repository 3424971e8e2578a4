/**
 * `res.err`: what pino-http (mounted plainly, without `pinoHttpOptions()`)
 * logs in its completion line for a request the handler answered.
 */
import type { Response } from 'express';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { ConflictError, NotFoundError, type ErrorHandlerOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';

type Line = Record<string, unknown> & { err?: { type?: string; message?: string; stack?: string } };

/** An app whose `GET /throw` passes `makeError()` on, with pino-http mounted before it. */
function appWithPinoHttp(makeError: () => unknown, options: ErrorHandlerOptions = {}) {
  const logs = captureLogs();
  const app = createApp(
    (a) =>
      a.get('/throw', (_req, _res, next) => {
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

  it('is set only when a request logger is mounted (req.log): without one, no stack is formatted', async () => {
    let stackReads = 0;
    const thrown = new Error('database down');
    Object.defineProperty(thrown, 'stack', {
      get: () => {
        stackReads++;
        return 'Error: database down\n    at query (db.js:1:1)';
      },
    });
    let seen: unknown = 'not read';
    const withLog = { on: false };
    const app = createApp(
      (a) =>
        a.get('/throw', (req, res, next) => {
          if (withLog.on) (req as unknown as { log: object }).log = {};
          res.on('finish', () => {
            seen = (res as Response & { err?: unknown }).err;
          });
          next(thrown);
        }),
      { logger: false },
    );

    await request(app).get('/throw').expect(500);
    await flushed();
    expect(stackReads).toBe(0);
    expect(seen).toBeUndefined();

    withLog.on = true;
    await request(app).get('/throw').expect(500);
    await flushed();
    expect(stackReads).toBeGreaterThan(0);
    expect(seen).toMatchObject({ message: 'database down' });
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
    );
    await request(app).get('/throw').expect(404);
    await flushed();
    expect(seen).toBe(replacement);
  });
});
