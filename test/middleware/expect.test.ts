import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { expectationFailed, handleExpectations } from '../../src/middleware/expect.js';
import { createApp } from '../helpers/app.js';
import { expectOptionError } from '../helpers/option-error.js';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Whether the server sent `100 Continue` before the response. */
  continued: boolean;
}

/** A raw request, so that `Expect` reaches the server as written. */
function send(
  server: Server,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path: '/upload', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text, continued }),
        );
      },
    );
    req.on('error', reject);
    // With `Expect: 100-continue` the body waits for the server's go-ahead.
    const waits = headers.Expect?.toLowerCase() === '100-continue';
    req.on('continue', () => {
      continued = true;
      if (waits) req.end(body);
    });
    if (!waits) req.end(body);
  });
}

function listen(app: Express, withHelper: boolean): Promise<Server> {
  const server = createServer(app);
  if (withHelper) handleExpectations(server, app);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const app = createApp(
  (a) => {
    a.post('/upload', (req, res) => {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      req.on('end', () => res.json({ received: size }));
    });
  },
  { logger: false },
  [expectationFailed()],
);

describe('handleExpectations and expectationFailed, on a real server', () => {
  let server: Server;
  beforeAll(async () => {
    server = await listen(app, true);
  });
  afterAll(() => close(server));

  it('answers an unknown expectation with a 417 problem through errorHandler', async () => {
    const res = await send(
      server,
      'POST',
      { Expect: 'something-else', 'Content-Type': 'text/plain' },
      'hi',
    );
    expect(res.status).toBe(417);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body.requestId).toBe(res.headers['x-request-id']);
    delete body.requestId;
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Expectation Failed',
      status: 417,
      detail: 'The server cannot meet the expectation given in the Expect request header.',
      instance: '/upload',
      code: 'EXPECTATION_FAILED',
    });
    expect(res.continued).toBe(false);
  });

  it('answers 417 to any method, HEAD without a body', async () => {
    const head = await send(server, 'HEAD', { Expect: 'x-custom=1' });
    expect(head.status).toBe(417);
    expect(head.headers['content-type']).toBe('application/problem+json');
    expect(head.text).toBe('');
    const get = await send(server, 'GET', { Expect: 'x-custom' });
    expect(get.status).toBe(417);
  });

  it('keeps 100-continue as Node handles it: 100, then the route’s answer', async () => {
    const res = await send(
      server,
      'POST',
      { Expect: '100-continue', 'Content-Type': 'text/plain', 'Content-Length': '5' },
      'hello',
    );
    expect(res.continued).toBe(true);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ received: 5 });
  });

  it('matches 100-continue case-insensitively, as Node does', async () => {
    const res = await send(
      server,
      'POST',
      { Expect: '100-Continue', 'Content-Type': 'text/plain', 'Content-Length': '2' },
      'ok',
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ received: 2 });
  });

  it.each(['100-continue, x-custom', 'x-custom, 100-continue', '100-continue;x=1'])(
    'answers 417 to Expect: %s, which Node would handle as 100-continue alone, with no 100 Continue before it (RFC 9110 §10.1.1)',
    async (expectation) => {
      const res = await send(
        server,
        'POST',
        { Expect: expectation, 'Content-Type': 'text/plain', 'Content-Length': '2' },
        'ok',
      );

      expect({ status: res.status, continued: res.continued }).toEqual({
        status: 417,
        continued: false,
      });
      expect(JSON.parse(res.text)).toMatchObject({ status: 417, code: 'EXPECTATION_FAILED' });
    },
  );

  it('lets a request without Expect through untouched', async () => {
    const res = await send(server, 'POST', { 'Content-Length': '3' }, 'abc');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ received: 3 });
  });

  it('keeps the connection usable after a 417', async () => {
    const { port } = server.address() as AddressInfo;
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const statuses: number[] = [];
    for (const expectHeader of ['nope', undefined]) {
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/upload',
              agent,
              headers: expectHeader === undefined ? {} : { Expect: expectHeader },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode!));
            },
          );
          req.on('error', reject);
          req.end();
        }),
      );
    }
    agent.destroy();
    expect(statuses).toEqual([417, 200]);
  });
});

describe('without handleExpectations', () => {
  it('leaves Node’s own bare 417, which the helper replaces', async () => {
    const server = await listen(app, false);
    try {
      const res = await send(server, 'POST', { Expect: 'something-else' }, '');
      expect(res.status).toBe(417);
      expect(res.headers['content-type']).toBeUndefined();
      expect(res.text).toBe('');
    } finally {
      await close(server);
    }
  });
});

describe('handleExpectations beside a checkContinue listener of the app’s', () => {
  it.each(['before', 'after'])(
    'leaves the 100 to that listener, added %s it, and runs the app once',
    async (order) => {
      let runs = 0;
      const server = createServer((req, res) => {
        runs += 1;
        app(req, res);
      });
      // As Node's docs suggest: decide on the 100 (an authorization check, say), then hand on.
      const own = (req: IncomingMessage, res: ServerResponse) => {
        res.writeContinue();
        server.emit('request', req, res);
      };
      if (order === 'before') server.on('checkContinue', own);
      handleExpectations(server, app);
      if (order === 'after') server.on('checkContinue', own);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const res = await send(
          server,
          'POST',
          { Expect: '100-continue', 'Content-Type': 'text/plain', 'Content-Length': '2' },
          'ok',
        );
        const list = await send(
          server,
          'POST',
          { Expect: '100-continue, x-custom', 'Content-Type': 'text/plain', 'Content-Length': '2' },
          'ok',
        );

        expect([res.status, res.continued, JSON.parse(res.text)]).toEqual([
          200,
          true,
          { received: 2 },
        ]);
        expect(list.status).toBe(417);
        expect(runs).toBe(2);
      } finally {
        await close(server);
      }
    },
  );
});

describe('handleExpectations: arguments', () => {
  it('refuses something that is not a server', () => {
    expectOptionError(
      () => handleExpectations({} as never, app),
      'ERR_EAE_OPTION_TYPE',
      'handleExpectations(): `server` must be the http.Server the app listens on, got {}',
    );
  });

  it('refuses an app that is not a request listener', () => {
    expectOptionError(
      () => handleExpectations(createServer(), {} as never),
      'ERR_EAE_OPTION_TYPE',
      'handleExpectations(): `app` must be the app (a request listener), got {}',
    );
  });

  it('refuses a third argument, and options given to expectationFailed(), which they would ignore', () => {
    expectOptionError(
      () => handleExpectations(createServer(), app, { strict: true } as never),
      'ERR_EAE_OPTIONS',
      'handleExpectations(): takes two arguments, the server and the app, got 1 more: {"strict":true}',
    );
    expectOptionError(
      () => expectationFailed({ foo: 1 } as never),
      'ERR_EAE_OPTIONS',
      'expectationFailed(): takes no options, got 1 more: {"foo":1}',
    );
  });

  it('refuses a second call for the same server, which would run the app twice', () => {
    const server = createServer();
    handleExpectations(server, app);
    expectOptionError(
      () => handleExpectations(server, app),
      'ERR_EAE_OPTION_CONFLICT',
      'handleExpectations(): was already called for this `server`; a second listener would run the app twice for one request',
    );
    expect(server.listenerCount('checkExpectation')).toBe(1);
  });
});

describe('expectationFailed without the helper', () => {
  it('ignores an Expect header it was not told about', () => {
    const next = jest.fn();
    expectationFailed()({ headers: { expect: 'x' } } as never, {} as never, next);
    expect(next).toHaveBeenCalledWith();
  });

  it('ignores the expectations of an HTTP/1.0 request, as RFC 9110 §10.1.1 asks', () => {
    const request = (httpVersionMinor: number) =>
      ({
        headers: { expect: '100-continue, x-custom' },
        httpVersionMajor: 1,
        httpVersionMinor,
      }) as never;
    const next = jest.fn();
    expectationFailed()(request(0), {} as never, next);
    expectationFailed()(request(1), {} as never, next);
    expect(next.mock.calls.map((call) => call.length)).toEqual([0, 1]);
  });
});
