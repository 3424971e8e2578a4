/**
 * The fallback answer when handling itself fails (here: a `problemType`
 * that throws), read off the socket.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { RequestHandler, Response } from 'express';
import request from 'supertest';
import {
  CHANNEL_NAMES,
  ConflictError,
  defaultEntries,
  defineCatalog,
  type ErrorHandlerOptions,
  type ErrorMessage,
} from '../../src/index.js';
import { MAX_TEXT } from '../../src/logging/log-bounds.js';
import { wasCutShort } from '../../src/responses/cut-short.js';
import { appFailingAfter, appFailingMidStream, appThrowing, createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { fieldValues, rawGet } from '../helpers/raw-http.js';

const failingProblemType = () => {
  throw new Error('problemType is broken');
};

/**
 * A middleware that hooks `res.writeHead` as on-headers does (compression,
 * express-session, response-time, metrics), and whose hook throws for a 5xx.
 */
const writeHeadHookFailingOn5xx: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
    if (res.statusCode >= 500) throw new TypeError('label value must be a string');
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
};

/**
 * An app whose `GET /throw` fails with `thrown`, behind the failing hook: the
 * problem and the fallback 500 both fail to be sent.
 */
function appUnableToAnswer(thrown: unknown, options: ErrorHandlerOptions) {
  let response: Response | undefined;
  const app = createApp(
    (a) => {
      a.get('/throw', (_req, res, next) => {
        response = res;
        jest.spyOn(res, 'destroy');
        next(thrown);
      });
    },
    options,
    [writeHeadHookFailingOn5xx],
  );
  return { app, response: () => response! };
}

describe('lastResort', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('sends the reason phrase of 500, not the statusMessage the handler had set', async () => {
    const app = appFailingAfter(
      (res) => {
        res.statusMessage = 'All Good';
      },
      () => new ConflictError('Order 7 is already paid.'),
      { logger: false, problemType: failingProblemType },
    );
    const res = await rawGet(app, '/throw');

    expect(res.statusLine).toBe('HTTP/1.1 500 Internal Server Error');
  });

  it('answers 500 with the request id, nosniff and the negotiated Content-Type, varying by Accept', async () => {
    const res = await request(
      appThrowing(() => new ConflictError('Order 7 is already paid.'), {
        logger: false,
        problemType: failingProblemType,
      }),
    )
      .get('/throw')
      .set('Accept', 'application/json')
      .set('X-Request-Id', 'req-7');

    expect(res.status).toBe(500);
    expect(res.headers['x-request-id']).toBe('req-7');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers.vary).toBe('Accept');
    expect(JSON.parse(res.text)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The server hit an unexpected error. The problem is on our side.',
      instance: '/throw',
      code: 'INTERNAL_SERVER_ERROR',
      requestId: 'req-7',
    });
  });

  it('writes the 500 as the catalog and problem type write every other 500', async () => {
    const catalog = defineCatalog([
      ...defaultEntries.filter((entry) => entry.status !== 500),
      {
        status: 500,
        name: 'SERVER_FAULT',
        title: 'Server fault',
        description: 'Something broke on our side.',
      },
    ]);
    const res = await request(
      appThrowing(() => new ConflictError('Order 7 is already paid.'), {
        logger: false,
        catalog,
        // Broken for the 409 it was asked to answer, sound for the 500.
        problemType: (entry) => {
          if (entry.status !== 500) throw new Error('problemType is broken');
          return `https://api.example.com/problems#${entry.status}`;
        },
      }),
    )
      .get('/throw')
      .set('X-Request-Id', 'req-7');

    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual({
      type: 'https://api.example.com/problems#500',
      title: 'Server fault',
      status: 500,
      detail: 'Something broke on our side.',
      instance: '/throw',
      code: 'SERVER_FAULT',
      requestId: 'req-7',
    });
  });

  it('logs one line, at error, with the 500 it sent and what broke', async () => {
    const { logger, lines } = captureLogs();
    await request(
      appThrowing(() => new ConflictError('Order 7 is already paid.'), {
        logger,
        problemType: failingProblemType,
      }),
    )
      .get('/throw')
      .set('X-Request-Id', 'req-7');
    await flushed();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      requestId: 'req-7',
      handlerFailure: 'Error: problemType is broken',
      err: { type: 'ConflictError', message: 'Order 7 is already paid.' },
      msg: 'GET /throw failed with 500 INTERNAL_SERVER_ERROR',
    });
  });

  it('closes the connection of a response whose headers were sent when handling fails, and hands nothing on to Express', async () => {
    const { logger, lines } = captureLogs();
    const { app, handedOn, destroyed } = appFailingMidStream({ logger }, (res) => {
      // A response object broken after its headers went out: handling then fails.
      res.getHeader = () => {
        throw new Error('getHeader is broken');
      };
    });
    await expect(request(app).get('/throw')).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    await flushed();
    expect(handedOn).not.toHaveBeenCalled();
    expect(destroyed()).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        status: 200,
        cutShort: true,
        handlerFailure: 'Error: getHeader is broken',
        err: expect.objectContaining({ type: 'Error', message: 'failed mid-stream' }),
      }),
    ]);
  });

  it('bounds what it says of a 1 MB failure, in the process warning and in the log', async () => {
    const { logger, lines } = captureLogs();
    const failure = new Error('x'.repeat(1_000_000));
    await request(
      appThrowing(() => new ConflictError(), {
        logger,
        problemType: () => {
          throw failure;
        },
      }),
    ).get('/throw');
    await flushed();

    const described = `Error: ${'x'.repeat(MAX_TEXT - 'Error: '.length)}…`;
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      `express-api-errors: the error handler failed: ${described}`,
      { code: 'EXPRESS_API_ERRORS_HANDLER_FAILED' },
    );
    expect(lines[0]!.handlerFailure).toBe(described);
  });

  it('closes the connection as a response it cut short when even the 500 cannot be sent', async () => {
    const { app, response } = appUnableToAnswer(new Error('DB connection lost'), {
      logger: false,
    });
    await expect(request(app).get('/throw')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(response().destroy).toHaveBeenCalledTimes(1);
    // So that operationLock lets the key go at once: the handler is done, the client did not leave.
    expect(wasCutShort(response())).toBe(true);
  });

  it('logs the one line of the original error, with what broke, when even the 500 cannot be sent', async () => {
    const { logger, lines } = captureLogs();
    const { app } = appUnableToAnswer(new Error('DB connection lost'), { logger });
    await expect(request(app).get('/throw').set('X-Request-Id', 'req-7')).rejects.toThrow();
    await flushed();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      requestId: 'req-7',
      handlerFailure:
        'TypeError: label value must be a string (sending the 500 failed the same way)',
      err: { type: 'Error', message: 'DB connection lost' },
      msg: 'GET /throw failed with 500 INTERNAL_SERVER_ERROR',
    });
    expect(lines[0]).not.toHaveProperty('cutShort');
  });

  it('names both failures when the 500 fails otherwise than the handler did', async () => {
    const { logger, lines } = captureLogs();
    const { app } = appUnableToAnswer(new ConflictError('Order 7 is already paid.'), {
      logger,
      problemType: failingProblemType,
    });
    await expect(request(app).get('/throw')).rejects.toThrow();
    await flushed();

    expect(lines).toHaveLength(1);
    expect(lines[0]!.handlerFailure).toBe(
      'Error: problemType is broken; sending the 500 failed too: TypeError: label value must be a string',
    );
  });

  it('warns once, naming what broke the handler, when even the 500 cannot be sent', async () => {
    const { app } = appUnableToAnswer(new Error('DB connection lost'), { logger: false });
    await expect(request(app).get('/throw')).rejects.toThrow();

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      'express-api-errors: the error handler failed: TypeError: label value must be a string',
      { code: 'EXPRESS_API_ERRORS_HANDLER_FAILED' },
    );
  });

  it('tells the error channel once, of the 500, when even the 500 cannot be sent', async () => {
    const thrown = new Error('DB connection lost');
    const { app } = appUnableToAnswer(thrown, { logger: false });
    const messages: ErrorMessage[] = [];
    const listener = (message: unknown) => messages.push(message as ErrorMessage);
    subscribe(CHANNEL_NAMES.error, listener);
    try {
      await expect(request(app).get('/throw')).rejects.toThrow();
    } finally {
      unsubscribe(CHANNEL_NAMES.error, listener);
    }

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      thrown,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      subCode: undefined,
      refusal: false,
    });
  });

  it('warns once when handling fails after the headers were sent', async () => {
    const { app } = appFailingMidStream({ logger: false }, (res) => {
      res.getHeader = () => {
        throw new Error('getHeader is broken');
      };
    });
    await expect(request(app).get('/throw')).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      'express-api-errors: the error handler failed: Error: getHeader is broken',
      { code: 'EXPRESS_API_ERRORS_HANDLER_FAILED' },
    );
  });

  it('replaces an abandoned Cache-Control with no-store, and drops the rest', async () => {
    const app = appFailingAfter(
      (res) => res.set({ 'Cache-Control': 'public, max-age=3600', ETag: '"v42"' }),
      () => new ConflictError(),
      { logger: false, problemType: failingProblemType },
    );
    const res = await rawGet(app, '/throw');

    expect(res.status).toBe(500);
    expect(fieldValues(res, 'Cache-Control')).toEqual(['no-store']);
    expect(fieldValues(res, 'ETag')).toEqual([]);
  });
});
