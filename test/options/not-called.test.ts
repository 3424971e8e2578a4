/**
 * `app.use(errorHandler)` for `app.use(errorHandler())`: every middleware
 * factory, mounted uncalled, refuses the request Express calls it with and
 * says how to call it (see `checkNotCalledAsMiddleware`).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import {
  deprecated,
  errorHandler,
  expectationFailed,
  loadShedding,
  maintenance,
  methodNotAllowed,
  notFound,
  operationLock,
  rateLimit,
  requireContentType,
} from '../../src/index.js';
import { checkNotCalledAsMiddleware } from '../../src/options/parse.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { expectOptionError } from '../helpers/option-error.js';

/** What Express says when a factory is mounted uncalled, as each factory's usage reads. */
function refusal(factory: string, usage: string, call: 'request' | 'error' = 'request'): string {
  const as =
    call === 'error'
      ? 'an error middleware (with an error, a request, a response and next)'
      : 'a middleware (with a request, a response and next)';
  return `${factory}(): it was called as ${as}, but it makes the middleware: call it, \`${usage}\`, not \`app.use(${factory})\``;
}

/** The factories of request middleware; errorHandler, an error middleware's, has tests of its own below. */
const FACTORIES: readonly [string, unknown, string][] = [
  ['notFound', notFound, 'app.use(notFound())'],
  ['methodNotAllowed', methodNotAllowed, 'app.use(methodNotAllowed(app))'],
  ['rateLimit', rateLimit, 'app.use(rateLimit({ limit: 100, windowMs: 60_000 }))'],
  ['operationLock', operationLock, 'app.use(operationLock())'],
  ['maintenance', maintenance, 'app.use(maintenance({ enabled: true }))'],
  ['loadShedding', loadShedding, 'app.use(loadShedding({ maxEventLoopDelayMs: 200 }))'],
  ['requireContentType', requireContentType, "app.use(requireContentType('application/json'))"],
  ['deprecated', deprecated, "app.use(deprecated({ since: '2025-01-01' }))"],
  ['expectationFailed', expectationFailed, 'app.use(expectationFailed())'],
];

/** An error middleware that shows what reached it. */
function showError(
  error: Error & { code?: string },
  _req: Request,
  res: Response,
  _next: NextFunction,
) {
  res.status(500).json({ name: error.name, code: error.code, message: error.message });
}

/** An app with `factory` mounted uncalled, then an error middleware that shows what reached it. */
function appMounting(factory: unknown) {
  const app = express();
  app.use(factory as express.RequestHandler);
  app.use(showError);
  return app;
}

describe('a middleware factory mounted without being called', () => {
  it.each(FACTORIES)(
    'app.use(%s) passes on, for a request it reaches, a TypeError that says to call it',
    async (name, factory, usage) => {
      const res = await request(appMounting(factory)).get('/missing');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        name: 'TypeError',
        code: 'ERR_EAE_NOT_CALLED',
        message: refusal(name, usage),
      });
    },
  );

  it('says to call it in the log line of the 500 that errorHandler() sends for it', async () => {
    const { logger, lines } = captureLogs();
    const app = express();
    app.use(notFound as unknown as express.RequestHandler);
    app.use(errorHandler({ logger }));
    const res = await request(app).get('/missing');
    await flushed();

    expect(res.status).toBe(500);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      err: { type: 'TypeError', message: refusal('notFound', 'app.use(notFound())') },
    });
  });

  it('passes on the error of a call by hand as an error middleware, (err, req, res, next)', () => {
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    const error = new Error('boom');
    const next = jest.fn();
    (errorHandler as (...args: unknown[]) => unknown)(error, req, res, next);
    expect(next.mock.calls).toEqual([[error]]);
  });
});

describe('errorHandler mounted without being called', () => {
  /** The README's mount order, a limited route, one that throws and notFound(), but `app.use(errorHandler)`. */
  function appMountingErrorHandler(after: express.ErrorRequestHandler[] = [showError]) {
    const app = express();
    app.set('env', 'test'); // Express's final handler prints nothing
    app.get('/fails', () => {
      throw new Error('boom');
    });
    app.get('/limited', rateLimit({ limit: 1, windowMs: 60_000, logger: false }), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(notFound());
    app.use(errorHandler as unknown as express.ErrorRequestHandler);
    for (const middleware of after) app.use(middleware);
    return app;
  }

  it('declares four parameters, so that Express takes it for an error middleware', () => {
    expect(errorHandler).toHaveLength(4);
  });

  it('passes on the 404 of a notFound() mounted before it, as it came', async () => {
    const res = await request(appMountingErrorHandler()).get('/missing');
    expect([res.status, res.body]).toEqual([
      500,
      { name: 'NotFoundError', code: 'NOT_FOUND', message: 'Not Found' },
    ]);
  });

  it('passes on the error a route throws, as it came', async () => {
    const res = await request(appMountingErrorHandler()).get('/fails');
    expect([res.status, res.body]).toEqual([500, { name: 'Error', message: 'boom' }]);
  });

  it('leaves a 429 its status and Retry-After, which Express’s final handler sends', async () => {
    const app = appMountingErrorHandler([]);
    expect((await request(app).get('/limited')).status).toBe(200);
    const refused = await request(app).get('/limited');
    expect([refused.status, refused.headers['retry-after']]).toEqual([429, '60']);
  });

  it('says to call it in a process warning, once however many errors reach it', async () => {
    await jest.isolateModulesAsync(async () => {
      const fresh = (await import('../../src/handler/error-handler.js')).errorHandler;
      const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const app = express();
        app.set('env', 'test');
        app.use(fresh as unknown as express.ErrorRequestHandler);
        for (let i = 0; i < 3; i++) expect((await request(app).get('/missing')).status).toBe(404);
        app.use((_req, _res, next) => next(new Error('boom')));
        app.use(fresh as unknown as express.ErrorRequestHandler);
        expect((await request(app).get('/missing')).status).toBe(500);
        expect(emitWarning.mock.calls).toEqual([
          [
            refusal('errorHandler', 'app.use(errorHandler())', 'error'),
            { code: 'ERR_EAE_NOT_CALLED' },
          ],
        ]);
      } finally {
        emitWarning.mockRestore();
      }
    });
  });
});

describe('checkNotCalledAsMiddleware', () => {
  const check = (args: unknown[]) => () =>
    checkNotCalledAsMiddleware('factory()', args, 'app.use(factory())');

  it.each<[string, unknown[]]>([
    ['options', [{ limit: 5 }]],
    ['no arguments', []],
    ['options with a method and a url, but no request', [{ method: 'GET', url: '/' }]],
    ['a response without next', [{}, new ServerResponse(new IncomingMessage(new Socket()))]],
  ])('accepts %s', (_case, args) => {
    expect(check(args)).not.toThrow();
  });

  it('leaves options whose getters throw to the option checks', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('getter');
        },
      },
    );
    expect(check([hostile])).not.toThrow();
  });

  it('refuses a request-shaped first argument, such as a test double', () => {
    const fakeRequest = { method: 'GET', url: '/', headers: {}, on: () => undefined };
    expectOptionError(
      check([fakeRequest]),
      'ERR_EAE_NOT_CALLED',
      refusal('factory', 'app.use(factory())'),
    );
  });
});
