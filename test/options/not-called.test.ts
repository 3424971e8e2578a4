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
function refusal(factory: string, usage: string): string {
  return `${factory}(): it was called as a middleware (with a request, a response and next), but it makes the middleware: call it, \`${usage}\`, not \`app.use(${factory})\``;
}

const FACTORIES: readonly [string, unknown, string][] = [
  ['errorHandler', errorHandler, 'app.use(errorHandler())'],
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

/** An app with `factory` mounted uncalled, then an error middleware that shows what reached it. */
function appMounting(factory: unknown) {
  const app = express();
  app.use(factory as express.RequestHandler);
  app.use((error: Error & { code?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ name: error.name, code: error.code, message: error.message });
  });
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

  it('refuses errorHandler called by hand as an error middleware, (err, req, res, next)', () => {
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    expectOptionError(
      () =>
        (errorHandler as (...args: unknown[]) => unknown)(new Error('boom'), req, res, () => {}),
      'ERR_EAE_NOT_CALLED',
      refusal('errorHandler', 'app.use(errorHandler())'),
    );
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
