import express from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import {
  InternalServerError,
  NotFoundError,
  UnauthorizedError,
  errorHandler,
  redactPaths,
} from '../../src/index.js';
import { redactUrl } from '../../src/handler/log-error.js';
import { appThrowing, createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { abandonMidBody } from '../helpers/raw-http.js';
import { serve } from '../helpers/server.js';
import { sleep } from '../helpers/event-loop.js';

const SECRET_HEADERS = {
  Authorization: 'Bearer SECRET-TOKEN',
  Cookie: 'sid=SECRET-COOKIE',
  'Proxy-Authorization': 'Basic SECRET-PROXY',
};

describe('errorHandler logging', () => {
  it('logs one warn line for a 4xx with what happened and where', async () => {
    const { logger, lines } = captureLogs();
    await request(
      appThrowing(() => new NotFoundError('No user 9', { subCode: '404.1' }), { logger }),
    )
      .get('/throw?page=2')
      .set('X-Request-Id', 'req-1');
    await flushed();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 40,
      method: 'GET',
      url: '/throw?page=2',
      status: 404,
      code: 'USER_NOT_FOUND',
      subCode: '404.1',
      requestId: 'req-1',
      msg: 'GET /throw?page=2 failed with 404 USER_NOT_FOUND',
      err: { type: 'NotFoundError', message: 'No user 9', status: 404 },
    });
    // No stack frames for a 4xx: the client's doing, and formatting stacks is costly.
    expect((line!.err as { stack: string }).stack).toBe('NotFoundError: No user 9');
  });

  it('logs a 5xx at error with the original error, its stack and its cause', async () => {
    const { logger, lines } = captureLogs();
    const cause = new Error('connection refused');
    await request(appThrowing(() => new TypeError('cannot read id', { cause }), { logger })).get(
      '/throw',
    );
    await flushed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      // pino's err serializer joins the causes into message and stack.
      err: { type: 'TypeError', message: 'cannot read id: connection refused' },
    });
    const { stack } = lines[0]!.err as { stack: string };
    expect(stack).toMatch(/^TypeError: cannot read id\n\s+at /);
    expect(stack).toContain('caused by: Error: connection refused');
  });

  it('logs a thrown non-error value as the cause of the 500', async () => {
    const { logger, lines } = captureLogs();
    await request(appThrowing(() => 'plain string', { logger })).get('/throw');
    await flushed();
    expect(lines[0]).toMatchObject({
      err: { type: 'InternalServerError', message: 'Internal Server Error: plain string' },
    });
  });

  it('builds nothing when the logger’s level drops the line', async () => {
    const { logger, lines } = captureLogs();
    logger.level = 'fatal';
    let stackReads = 0;
    const thrown = Object.defineProperty(new Error('x'), 'stack', {
      get: () => {
        stackReads++;
        return 'Error: x';
      },
    });
    const res = await request(appThrowing(() => thrown, { logger })).get('/throw');
    await flushed();
    expect(res.status).toBe(500);
    expect(lines).toEqual([]);
    expect(stackReads).toBe(0);
  });

  it('uses the configured level per status, and silent to skip one', async () => {
    const { logger, lines } = captureLogs();
    const options = { logger, logLevels: { 404: 'info', 401: 'silent' } as const };
    await request(appThrowing(() => new NotFoundError(), options)).get('/throw');
    await request(appThrowing(() => new UnauthorizedError(), options)).get('/throw');
    await flushed();
    expect(lines.map((line) => [line.level, line.status])).toEqual([[30, 404]]);
  });

  it('logs nothing with logger: false', async () => {
    const spy = jest.spyOn(process.stdout, 'write');
    await request(appThrowing(() => new InternalServerError(), { logger: false })).get('/throw');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('never logs credentials from headers, error properties or the query string', async () => {
    const { logger, lines } = captureLogs();
    // An error like an HTTP client's, carrying the outgoing request's headers.
    const clientError = Object.assign(new Error('upstream failed'), {
      config: { headers: { Authorization: 'Bearer SECRET-UPSTREAM' } },
      response: { headers: { 'set-cookie': 'SECRET-SET-COOKIE' } },
    });
    await request(appThrowing(() => clientError, { logger }))
      .get('/throw?access_token=SECRET-QUERY&page=1')
      .set(SECRET_HEADERS);
    await flushed();
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toMatch(/SECRET/);
    expect(lines[0]!.url).toBe('/throw?access_token=[Redacted]&page=1');
  });

  it('logs on req.log when pino-http is mounted, once, without credentials when given redactPaths', async () => {
    const { logger, lines } = captureLogs();
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, _res, next) => {
          next(new NotFoundError('No user 9'));
        }),
      {},
      [
        pinoHttp({
          logger: pino({ redact: [...redactPaths] }, streamOf(logger)),
          autoLogging: false,
        }),
      ],
    );
    await request(app).get('/throw').set(SECRET_HEADERS);
    await flushed();
    expect(lines).toHaveLength(1);
    // pino-http binds the request to req.log, so the line carries its id and (redacted) headers.
    expect(lines[0]).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      req: {
        method: 'GET',
        url: '/throw',
        headers: { authorization: '[Redacted]', cookie: '[Redacted]' },
      },
    });
    expect(lines[0]!.requestId).toBe(String((lines[0]!.req as { id: unknown }).id));
    expect(JSON.stringify(lines)).not.toMatch(/SECRET/);
  });

  it('prefers its logger option over req.log', async () => {
    const own = captureLogs();
    const http = captureLogs();
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, _res, next) => {
          next(new NotFoundError());
        }),
      { logger: own.logger },
      [pinoHttp({ logger: http.logger, autoLogging: false })],
    );
    await request(app).get('/throw');
    await flushed();
    expect(own.lines).toHaveLength(1);
    expect(http.lines).toHaveLength(0);
  });

  it('logs once when the headers were already sent', async () => {
    const { logger, lines } = captureLogs();
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, res, next) => {
          res.writeHead(200);
          res.write('partial');
          next(new Error('stream broke'));
        }),
      { logger },
    );
    await request(app)
      .get('/throw')
      .catch(() => undefined);
    await flushed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      status: 200,
      cutShort: true,
      err: { message: 'stream broke' },
    });
  });
});

describe('redactUrl', () => {
  it('leaves a long query without secrets as it is', () => {
    for (const query of ['a'.repeat(20_000), ';'.repeat(20_000), 'a=;'.repeat(7_000)]) {
      expect(redactUrl(`/a?${query}`)).toBe(`/a?${query}`);
    }
  });

  it.each([
    ['/a', '/a'],
    ['/a?page=1', '/a?page=1'],
    ['/a?token=x&b=2', '/a?token=[Redacted]&b=2'],
    ['/a?api_key=x&password=y&sig=z', '/a?api_key=[Redacted]&password=[Redacted]&sig=[Redacted]'],
    ['/a?flag&session=1', '/a?flag&session=[Redacted]'],
    [
      '/a?jwt=x&pwd=y&pass=z&otp=1',
      '/a?jwt=[Redacted]&pwd=[Redacted]&pass=[Redacted]&otp=[Redacted]',
    ],
    ['/a?bearer=x&credentials=y', '/a?bearer=[Redacted]&credentials=[Redacted]'],
    ['/a?x=1;token=s3cr3t;y=2', '/a?x=1;token=[Redacted]'],
    ['/a?password=hunter;SECRET&page=2', '/a?password=[Redacted]&page=2'],
    ['/a?x=1;y=2&b=3', '/a?x=1;y=2&b=3'],
    ['/a?token=abc==&b=2', '/a?token=[Redacted]&b=2'],
    // Names as the query parser decodes them (percent-encoding, `+` for a space, qs brackets).
    ['/a?%74oken=s3cr3t&b=2', '/a?%74oken=[Redacted]&b=2'],
    ['/a?%54%4F%4B%45%4E=s3cr3t', '/a?%54%4F%4B%45%4E=[Redacted]'],
    ['/a?my+%74oken=s3cr3t', '/a?my+%74oken=[Redacted]'],
    ['/a?token[]=s3cr3t', '/a?token[]=[Redacted]'],
    ['/a?a[token]=s3cr3t', '/a?a[token]=[Redacted]'],
    ['/a?%74oken%5B%5D=s3cr3t', '/a?%74oken%5B%5D=[Redacted]'],
    ['/a?a%5B%74oken%5D=s3cr3t', '/a?a%5B%74oken%5D=[Redacted]'],
  ])('turns %s into %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    ['/a?%74oken%ZZ=s3cr3t', '/a?%74oken%ZZ=[Redacted]'],
    ['/a?%E0%A4%A=1&%=2&b%=3', '/a?%E0%A4%A=1&%=2&b%=3'],
    ['/a?%C0%74oken=s3cr3t', '/a?%C0%74oken=[Redacted]'],
  ])('reads the valid escapes of a malformed name without throwing: %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('the logged url', () => {
  it('redacts a parameter whose percent-encoded name the query parser reads as token', async () => {
    const { logger, lines } = captureLogs();
    let parsed: unknown;
    const app = createApp(
      (a) =>
        a.get('/throw', (req, _res, next) => {
          parsed = req.query.token;
          next(new NotFoundError());
        }),
      { logger },
    );
    await request(app).get('/throw?%74oken=s3cr3t');
    await flushed();

    expect(parsed).toBe('s3cr3t');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.url).toBe('/throw?%74oken=[Redacted]');
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });
});

describe('the default logger', () => {
  it('is used when there is neither a logger option nor req.log, and redacts nothing it does not log', () => {
    expect(() => errorHandler()).not.toThrow();
  });
});

/** The destination stream behind a captureLogs() logger, to build another pino on it. */
function streamOf(logger: pino.Logger): pino.DestinationStream {
  return (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym]!;
}

describe('the line of a request whose client had gone', () => {
  it('has no status, says the client had gone, and keeps the level of the error’s status', async () => {
    const logs = captureLogs();
    const app = createApp(
      (a) => {
        a.post('/items', express.json(), (_req, res) => {
          res.status(201).end();
        });
      },
      { logger: logs.logger },
    );
    const server = await serve(app);
    try {
      await abandonMidBody(server.server, '/items');
      while (logs.lines.length === 0) await sleep(5);

      expect(logs.lines).toHaveLength(1);
      const { time, pid, hostname, requestId, ...line } = logs.lines[0]!;
      expect([typeof time, typeof pid, typeof hostname, typeof requestId]).toEqual([
        'number',
        'number',
        'string',
        'string',
      ]);
      expect(line).toEqual({
        level: 40,
        err: {
          type: 'BadRequestError',
          message: 'request aborted',
          stack: 'BadRequestError: request aborted',
          code: 'ECONNABORTED',
          status: 400,
        },
        method: 'POST',
        url: '/items',
        code: 'BAD_REQUEST',
        clientGone: true,
        msg: 'POST /items failed with BAD_REQUEST, but the client had gone: no 400 was sent',
      });
    } finally {
      await server.close();
    }
  });
});
