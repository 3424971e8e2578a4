/**
 * The server the property tests of `errorHandler` throw values through: a
 * real Express app on 127.0.0.1, one per test file.
 *
 * How values reach the handler. A test keeps each value in `pending` under a
 * fresh id and requests `/throw/<id>`; the route takes the value back and
 * passes it to `next(value)`, which Express 4 and 5 treat alike. Two things
 * Express decides before our handler runs:
 * - `next('route')` and `next('router')` are control signals, not errors, so
 *   those two exact strings are never generated (their behaviour is pinned
 *   in a test of their own, `/signal/<signal>` here).
 * - A falsy value (`undefined`, `null`, `false`, `0`, `-0`, `NaN`, `''`, `0n`)
 *   means "no error", whether passed to `next()` or thrown synchronously (the
 *   router catches the throw and calls `next(value)`). The route throws those,
 *   the request falls through to `notFound()`, and the answer is a 404
 *   `NOT_FOUND` problem: that is what the properties expect for them.
 *
 * Values also reach the handler after a handler began a response: the route
 * `/abandon/<id>` first sets framing, caching and other header fields and a
 * status message on `res` (an `Abandoned`), then passes the value on; the
 * route `/unwritable/<id>` first breaks `writeHead` or `end` (a `Breakage`).
 *
 * The process must stay up. jest-circus replaces the real process's
 * `uncaughtException` and `unhandledRejection` listeners with its own, which
 * fail the test that is running; listeners added here would sit on jest's
 * sandboxed copy of `process` and never fire. So a crash fails the property
 * that caused it, and after each property a request must still be answered
 * (`expectServerAlive`).
 */
import http from 'node:http';
import type { Express, RequestHandler, Response } from 'express';
import { notFound } from '../../src/index.js';
import { createApp } from './app.js';
import { captureLogs } from './logs.js';
import { serve } from './server.js';

// Counts sized so that the property files together stay well under 30 s per Express project.
export const RUNS = {
  anything: 2000,
  errorLike: 2000,
  hostile: 1000,
  library: 1500,
  logged: 1000,
  abandoned: 400,
  unwritable: 300,
  accept: 1000,
  typed: 1000,
};
export const PROPERTY_TIMEOUT = 60_000;
/** The `typeBaseUri` of the app under `/typed`. */
export const TYPE_BASE_URI = 'https://api.example.com/docs/errors';

/** What a handler set on `res` before failing: header fields and a status message. */
export interface Abandoned {
  readonly headers: Readonly<Record<string, string>>;
  readonly statusMessage?: string;
}

/**
 * How a middleware that hooks the response (as on-headers does) breaks it:
 * `writeHead` throws, `end` throws before it sends, or after.
 */
export type Breakage = 'writeHead' | 'end before' | 'end after';

function breakResponse(res: Response, breaks: Breakage): void {
  const broken = new Error(`the ${breaks.split(' ')[0]} hook is broken`);
  if (breaks === 'writeHead') {
    res.writeHead = () => {
      throw broken;
    };
    return;
  }
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (breaks === 'end after') end(...args);
    throw broken;
  }) as Response['end'];
}

export interface Reply {
  status: number;
  /** The reason phrase of the status line. */
  reason: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/**
 * Starts the server before the file's tests and stops it after them. It
 * answers `/throw/<id>` with `logger: false`, `/logged/throw/<id>` with a
 * real pino logger writing into `logs`, and `/typed/throw/<id>` with
 * `typeBaseUri: TYPE_BASE_URI`; `/abandon/<id>` and `/unwritable/<id>` under
 * each prefix, `/next/<id>` and `/signal/<signal>`, and `/alive`.
 */
export function throwServer() {
  const pending = new Map<string, unknown>();
  let nextId = 0;
  const logs = captureLogs();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let server: Awaited<ReturnType<typeof serve>> | undefined;

  function mountThrowRoute(app: Express): void {
    const take = (id: unknown): unknown => {
      const value = pending.get(String(id));
      pending.delete(String(id));
      return value;
    };
    const throwRoute: RequestHandler = (req, _res, next) => {
      const value = take(req.params.id);
      // Express treats a falsy argument to next() as "no error"; a falsy value is
      // thrown instead, to show that a synchronous throw is treated the same way.
      if (!value) throw value;
      next(value);
    };
    app.all('/throw/:id', throwRoute);
    // A response begun, then abandoned: see `Abandoned`.
    app.get('/abandon/:id', (req, res, next) => {
      const { value, begun } = take(req.params.id) as { value: unknown; begun: Abandoned };
      for (const [name, field] of Object.entries(begun.headers)) res.setHeader(name, field);
      if (begun.statusMessage !== undefined) res.statusMessage = begun.statusMessage;
      if (!value) throw value;
      next(value);
    });
    // A response whose writeHead or end a hooking middleware broke: see `Breakage`.
    app.get('/unwritable/:id', (req, res, next) => {
      const { value, breaks } = take(req.params.id) as { value: unknown; breaks: Breakage };
      breakResponse(res, breaks);
      if (!value) throw value;
      next(value);
    });
    // For the tests of what Express does with falsy values and control strings.
    app.get('/next/:id', (req, _res, next) => next(take(req.params.id)));
    app.get('/signal/:signal', (req, _res, next) => next(req.params.signal));
    app.get('/alive', (_req, res) => {
      res.send('yes');
    });
    app.use(notFound());
  }

  beforeAll(async () => {
    const logged = createApp(mountThrowRoute, { logger: logs.logger });
    const typed = createApp(mountThrowRoute, { logger: false, typeBaseUri: TYPE_BASE_URI });
    const app = createApp((root) => {
      root.use('/logged', logged);
      root.use('/typed', typed);
      mountThrowRoute(root);
    });
    server = await serve(app);
  });

  afterAll(async () => {
    agent.destroy();
    await server?.close();
  });

  /** The port the server listens on, once it does. */
  const port = (): number => server!.port;

  /** Keeps `value` for the route that asks for it, under the id this returns. */
  function park(value: unknown): string {
    const id = String(nextId++);
    pending.set(id, value);
    return id;
  }

  function request(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: port(), path, method: 'GET', agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              reason: res.statusMessage ?? '',
              headers: res.headers,
              rawHeaders: res.rawHeaders,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      req.setTimeout(5000, () => req.destroy(new Error(`no answer to GET ${path} within 5 s`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Throws `value` through the app and returns the request path and the reply. */
  async function throwThrough(
    value: unknown,
    { prefix = '', headers = {} }: { prefix?: string; headers?: Record<string, string> } = {},
  ): Promise<{ path: string; reply: Reply }> {
    const id = park(value);
    const path = `${prefix}/throw/${id}`;
    // The query is not part of `instance` (it may hold secrets).
    const reply = await request(`${path}?access_token=SECRET-query-${id}`, headers);
    return { path, reply };
  }

  async function expectServerAlive(): Promise<void> {
    const reply = await request('/alive');
    expect(reply.status).toBe(200);
    expect(pending.size).toBe(0);
  }

  return { logs, port, park, request, throwThrough, expectServerAlive };
}
