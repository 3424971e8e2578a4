/**
 * `pinoHttpOptions()` with real pino-http mounted as the README shows, every
 * log line captured: one line per failed request whatever `autoLogging` is,
 * the client's request id everywhere, no secret in any line.
 */
import { pinoHttp, type Options } from 'pino-http';
import request from 'supertest';
import {
  NotFoundError,
  errorHandler,
  maintenance,
  rateLimit,
  pinoHttpOptions,
  type ErrorHandlerOptions,
  type PinoHttpRecipeOptions,
} from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { rawGet } from '../helpers/raw-http.js';

type Line = Record<string, unknown> & {
  err?: { type?: string; message?: string; stack?: string };
  req?: {
    id?: unknown;
    url?: string;
    query?: Record<string, unknown>;
    headers?: Record<string, unknown>;
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The README's recipe: pino-http with `pinoHttpOptions()` first, then the
 * routes, then `errorHandler()` logging on `req.log`.
 */
function appWithRecipe(
  own: Options = {},
  recipe: PinoHttpRecipeOptions = {},
  handler: ErrorHandlerOptions = {},
) {
  const logs = captureLogs();
  const app = createApp(
    (a) => {
      a.get('/crash', (_req, _res, next) => {
        next(new Error('database down'));
      });
      a.get('/orders/:id', (_req, _res, next) => {
        next(new NotFoundError('No such order.'));
      });
      a.get('/ok', (_req, res) => {
        res.json({ ok: true });
      });
      a.get('/sent/:status', (req, res) => {
        res.status(Number(req.params.status)).json({ sent: true });
      });
      a.get('/stream', (_req, res, next) => {
        res.writeHead(200);
        res.write('partial');
        next(new Error('stream broke'));
      });
    },
    handler,
    [pinoHttp({ ...pinoHttpOptions(recipe), logger: logs.logger, ...own })],
  );
  return { app, lines: logs.lines as Line[] };
}

const AUTO_LOGGING: [string, Options['autoLogging']][] = [
  ['true', true],
  ['false', false],
  ['{ ignore } that ignores nothing', { ignore: () => false }],
  ['{ ignore } that ignores everything', { ignore: () => true }],
];

describe('pinoHttpOptions() with pino-http', () => {
  describe.each(AUTO_LOGGING)('with autoLogging: %s', (_name, autoLogging) => {
    it('logs a 5xx once: the handler’s line, at error, with the real error and no made-up one', async () => {
      const { app, lines } = appWithRecipe({ autoLogging });
      await request(app).get('/crash').expect(500);
      await flushed();

      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 50,
        status: 500,
        code: 'INTERNAL_SERVER_ERROR',
        err: { type: 'Error', message: 'database down' },
        req: { method: 'GET', url: '/crash' },
      });
      expect(lines[0]!.err!.stack).toMatch(/^Error: database down\n\s+at /);
      expect(JSON.stringify(lines)).not.toContain('failed with status code');
    });

    it('logs a 4xx once: the handler’s line, at warn', async () => {
      const { app, lines } = appWithRecipe({ autoLogging });
      await request(app).get('/orders/7').expect(404);
      await flushed();

      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 40,
        status: 404,
        code: 'NOT_FOUND',
        err: { type: 'NotFoundError', message: 'No such order.' },
        msg: 'GET /orders/7 failed with 404 NOT_FOUND',
      });
    });

    it('logs a failure after the headers were sent once', async () => {
      const { app, lines } = appWithRecipe({ autoLogging });
      await request(app)
        .get('/stream')
        .catch(() => undefined);
      await flushed();

      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 50, err: { message: 'stream broke' } });
    });
  });

  it('leaves pino-http’s completion line of a request the handler did not answer, at info', async () => {
    const { app, lines } = appWithRecipe();
    await request(app).get('/ok').expect(200);
    await flushed();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      res: { statusCode: 200 },
    });
  });

  it('keeps the client’s X-Request-Id in the response header, the body and every line', async () => {
    const { app, lines } = appWithRecipe();
    const failed = await request(app).get('/orders/7').set('X-Request-Id', 'client-abc');
    const ok = await request(app).get('/ok').set('X-Request-Id', 'client-def');
    await flushed();

    expect(failed.headers['x-request-id']).toBe('client-abc');
    expect(JSON.parse(failed.text).requestId).toBe('client-abc');
    expect(ok.headers['x-request-id']).toBe('client-def');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ requestId: 'client-abc', req: { id: 'client-abc' } });
    expect(lines[1]).toMatchObject({ req: { id: 'client-def' } });
  });

  it('makes one UUID for a request without an id, the same in the header, the body and the line', async () => {
    const { app, lines } = appWithRecipe();
    const res = await request(app).get('/orders/7');
    await flushed();

    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(UUID);
    expect(JSON.parse(res.text).requestId).toBe(id);
    expect(lines[0]).toMatchObject({ requestId: id, req: { id } });
  });

  it('redacts a secret URL and credential headers in every line', async () => {
    const { app, lines } = appWithRecipe({}, {}, {});
    const crash = await rawGet(
      app,
      'http://admin:SECRET-password@example.test/crash?access_token=SECRET-token&page=2',
      'Authorization: Bearer SECRET-authorization\r\nCookie: sid=SECRET-cookie\r\n',
    );
    const ok = await rawGet(app, '/ok?api_key=SECRET-key', 'X-Api-Key: SECRET-x-api-key\r\n');
    await flushed();

    expect([crash.status, ok.status]).toEqual([500, 200]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      url: 'http://[Redacted]@example.test/crash?access_token=[Redacted]&page=2',
      req: {
        url: 'http://[Redacted]@example.test/crash?access_token=[Redacted]&page=2',
        headers: { authorization: '[Redacted]', cookie: '[Redacted]' },
      },
    });
    expect({ ...lines[0]!.req!.query }).toEqual({ access_token: '[Redacted]', page: '2' });
    expect(lines[1]).toMatchObject({
      req: { url: '/ok?api_key=[Redacted]', headers: { 'x-api-key': '[Redacted]' } },
    });
    expect({ ...lines[1]!.req!.query }).toEqual({ api_key: '[Redacted]' });
    expect(JSON.stringify(lines)).not.toContain('SECRET-');
  });

  it('uses its customLogLevel for requests the handler did not answer, never for those it did', async () => {
    const customLogLevel = jest.fn(() => 'debug' as const);
    const { app, lines } = appWithRecipe({}, { customLogLevel });
    await request(app).get('/ok').expect(200);
    await request(app).get('/orders/7').expect(404);
    await flushed();

    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [20, 'request completed'],
      [40, 'GET /orders/7 failed with 404 NOT_FOUND'],
    ]);
    expect(customLogLevel).toHaveBeenCalledTimes(1);
  });

  it('works with the request id header errorHandler is given', async () => {
    const { app, lines } = appWithRecipe(
      {},
      { requestIdHeader: 'X-Correlation-Id' },
      { requestIdHeader: 'X-Correlation-Id' },
    );
    const res = await request(app).get('/orders/7').set('X-Correlation-Id', 'corr-1');
    await flushed();

    expect(res.headers['x-correlation-id']).toBe('corr-1');
    expect(res.headers['x-request-id']).toBeUndefined();
    expect(JSON.parse(res.text).requestId).toBe('corr-1');
    expect(lines[0]).toMatchObject({ requestId: 'corr-1', req: { id: 'corr-1' } });
  });

  it.each([
    ['500', 50],
    ['503', 50],
    ['404', 40],
    ['201', 30],
  ])(
    'logs pino-http’s line of a %s a route sent itself at the handler’s level for it',
    async (status, level) => {
      const { app, lines } = appWithRecipe();
      await request(app).get(`/sent/${status}`).expect(Number(status));
      await flushed();

      expect(lines.map((line) => [line.level, line.res])).toEqual([
        [level, expect.objectContaining({ statusCode: Number(status) })],
      ]);
    },
  );

  it('leaves the line to pino-http when the handler has no logger: every failure, with the safe error', async () => {
    const { app, lines } = appWithRecipe({}, {}, { logger: false });
    await request(app).get('/crash').expect(500);
    await request(app).get('/orders/7').expect(404);
    await request(app)
      .get('/stream')
      .catch(() => undefined);
    await flushed();

    expect(lines.map((line) => [line.level, line.msg, line.err?.type, line.err?.message])).toEqual([
      [50, 'request errored', 'Error', 'database down'],
      [40, 'request errored', 'NotFoundError', 'No such order.'],
      [50, 'request errored', 'Error', 'stream broke'],
    ]);
    expect(lines[0]!.err!.stack).toMatch(/^Error: database down\n\s+at /);
    // A 4xx is the client's doing: no frames.
    expect(lines[1]!.err!.stack).toBe('NotFoundError: No such order.');
  });

  it('leaves refusals to pino-http at the handler’s refusal level (info), one line per client and interval', async () => {
    const logs = captureLogs();
    const app = createApp(
      (a) => {
        a.use('/closed', maintenance({ enabled: true }));
        a.use('/limited', rateLimit({ limit: 1, windowMs: 60_000 }));
        a.get('/limited', (_req, res) => {
          res.json({ ok: true });
        });
      },
      { logger: false },
      [pinoHttp({ ...pinoHttpOptions(), logger: logs.logger })],
    );
    for (let i = 0; i < 5; i++) await request(app).get('/closed').expect(503);
    for (let i = 0; i < 5; i++) await request(app).get('/limited');
    await flushed();

    const lines = logs.lines as (Line & { res?: { statusCode?: number } })[];
    expect(lines.map((line) => [line.level, line.msg, line.res?.statusCode, line.refusal])).toEqual(
      [
        [30, 'request errored', 503, true],
        [30, 'request completed', 200, undefined],
        [30, 'request errored', 429, true],
      ],
    );
  });

  it('carries the count of refusals the handler left unlogged to pino-http’s next line of that client', async () => {
    const logs = captureLogs();
    // The refusal log's clock.
    let now = 0;
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const app = createApp(
        (a) => {
          a.use(rateLimit({ limit: 1, windowMs: 60_000 }));
          a.get('/', (_req, res) => {
            res.json({ ok: true });
          });
        },
        { logger: false, refusals: { intervalMs: 1000 } },
        [pinoHttp({ ...pinoHttpOptions(), logger: logs.logger })],
      );
      for (let i = 0; i < 4; i++) await request(app).get('/');
      now += 1001;
      await request(app).get('/');
      await flushed();
    } finally {
      clock.mockRestore();
    }

    const lines = logs.lines as (Line & { res?: { statusCode?: number } })[];
    expect(
      lines.map((line) => [line.res?.statusCode, line.refusal, line.refusalsNotLogged]),
    ).toEqual([
      [200, undefined, undefined],
      [429, true, undefined],
      [429, true, 2],
    ]);
  });

  it('logs nothing for a failure the handler is told not to log', async () => {
    const { app, lines } = appWithRecipe({}, {}, { logLevels: { 404: 'silent' } });
    await request(app).get('/orders/7').expect(404);
    await flushed();

    expect(lines).toEqual([]);
  });
});

describe('pinoHttpOptions()', () => {
  it('returns pino-http options to spread', () => {
    const recipe = pinoHttpOptions();
    expect(Object.keys(recipe).sort()).toEqual([
      'customErrorObject',
      'customLogLevel',
      'genReqId',
      'redact',
      'serializers',
    ]);
    // A fresh array each time: adding your own paths changes no one else's.
    expect(pinoHttpOptions().redact).not.toBe(recipe.redact);
    expect(recipe.redact).toEqual(expect.arrayContaining(['req.headers["authorization"]']));
  });

  it('leaves the caller’s options unchanged', () => {
    const options = { requestIdHeader: 'X-Correlation-Id' };
    const copy = structuredClone(options);
    pinoHttpOptions(options);
    expect(options).toEqual(copy);
  });

  it.each([
    [null, 'ERR_EAE_OPTIONS', /options must be an object such as .*, got null/],
    [[], 'ERR_EAE_OPTIONS', /options must be an object such as .*, got \[\]/],
    [
      { requestIdHeadr: 'X-Id' },
      'ERR_EAE_UNKNOWN_OPTION',
      /`requestIdHeadr` is not an option\. Did you mean `requestIdHeader`\?/,
    ],
    [{ useLevel: 'debug' }, 'ERR_EAE_UNKNOWN_OPTION', /`useLevel` is not an option/],
    [
      { requestIdHeader: 'X Request Id' },
      'ERR_EAE_OPTION_TYPE',
      'pinoHttpOptions(): `requestIdHeader` must be a header name (an RFC 9110 token) such as X-Request-Id, got "X Request Id"',
    ],
    [
      { requestIdHeader: false },
      'ERR_EAE_OPTION_TYPE',
      'pinoHttpOptions(): `requestIdHeader` must be a header name (an RFC 9110 token) such as X-Request-Id, got false',
    ],
    [
      // errorHandler refuses it as its requestIdHeader: the two must name one field.
      { requestIdHeader: 'Retry-After' },
      'ERR_EAE_OPTION_TYPE',
      'pinoHttpOptions(): `requestIdHeader` must name a field of its own, not Retry-After, which HTTP or the handler already uses; the default is X-Request-Id',
    ],
    [
      { customLogLevel: 'debug' },
      'ERR_EAE_OPTION_TYPE',
      'pinoHttpOptions(): `customLogLevel` must be a function, got "debug"',
    ],
  ])('refuses %p with %s', (options, code, message) => {
    const attempt = () => pinoHttpOptions(options as PinoHttpRecipeOptions);
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(expect.objectContaining({ code }));
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/^pinoHttpOptions\(\): /);
  });

  it('type-checks as pino-http options, beside the caller’s own', () => {
    const { logger } = captureLogs();
    const middleware = pinoHttp({ ...pinoHttpOptions(), logger, autoLogging: false });
    expect(typeof middleware).toBe('function');
    expect(typeof errorHandler()).toBe('function');
  });
});
