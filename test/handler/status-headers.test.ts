import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { parse as parseAuthHeader } from 'auth-header';
import type { Express } from 'express';
import createHttpError from 'http-errors';
import request from 'supertest';
import {
  ApiError,
  NotFoundError,
  ProxyAuthenticationRequiredError,
  RangeNotSatisfiableError,
  RequestTimeoutError,
  UnauthorizedError,
  UpgradeRequiredError,
} from '../../src/index.js';
import { appThrowing, createApp } from '../helpers/app.js';
import { problemOf } from '../helpers/problem.js';

/** Listens on 127.0.0.1 for the test, and closes when it is done. */
async function listen(app: Express): Promise<{ port: number; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A GET through `agent`: the status, headers and whether it went over a reused connection. */
function get(port: number, agent: http.Agent) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; reused: boolean }>(
    (resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/throw', agent }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, reused: req.reusedSocket }),
        );
      });
      req.on('error', reject);
    },
  );
}

/**
 * Sends one raw HTTP/1.1 request and reads until the server ends the
 * connection: resolves with the response head once the server has closed it.
 */
function getAndAwaitClose(port: number, connection: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET /throw HTTP/1.1\r\nHost: localhost\r\nConnection: ${connection}\r\n\r\n`);
    });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(received.split('\r\n\r\n')[0]!));
  });
}

describe('errorHandler: challenges a status requires', () => {
  it('adds the default challenge as Proxy-Authenticate to a 407 that has none', async () => {
    const res = await request(appThrowing(() => new ProxyAuthenticationRequiredError())).get(
      '/throw',
    );
    expect(res.status).toBe(407);
    expect(res.headers['proxy-authenticate']).toBe('Bearer realm="api"');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Proxy Authentication Required',
      status: 407,
      detail:
        'The client must first authenticate with the proxy. The Proxy-Authenticate header says how.',
      instance: '/throw',
      code: 'PROXY_AUTHENTICATION_REQUIRED',
    });
  });

  it('keeps a 407’s own challenge, which an independent parser reads back', async () => {
    const res = await request(
      appThrowing(
        () =>
          new ProxyAuthenticationRequiredError({
            challenge: { scheme: 'Basic', params: { realm: 'corporate proxy' } },
          }),
      ),
    ).get('/throw');
    expect(res.headers['proxy-authenticate']).toBe('Basic realm="corporate proxy"');
    expect(parseAuthHeader(res.headers['proxy-authenticate']!)).toMatchObject({
      scheme: 'Basic',
      params: { realm: 'corporate proxy' },
    });
  });

  it('uses the defaultChallenge option for a 407 as for a 401', async () => {
    const options = {
      logger: false as const,
      defaultChallenge: { scheme: 'Basic', params: { realm: 'edge' } },
    };
    const res = await request(appThrowing(() => new ApiError(407), options)).get('/throw');
    expect(res.headers['proxy-authenticate']).toBe('Basic realm="edge"');
  });

  it('keeps a foreign 407’s challenge whatever the case of its name', async () => {
    const res = await request(
      appThrowing(() => createHttpError(407, { headers: { 'proxy-authenticate': 'Negotiate' } })),
    ).get('/throw');
    expect(res.headers['proxy-authenticate']).toBe('Negotiate');
  });

  it('adds no Proxy-Authenticate to a 401, and no WWW-Authenticate to a 407', async () => {
    const unauthorized = await request(appThrowing(() => new UnauthorizedError())).get('/throw');
    expect(unauthorized.headers['proxy-authenticate']).toBeUndefined();
    const proxy = await request(appThrowing(() => new ProxyAuthenticationRequiredError())).get(
      '/throw',
    );
    expect(proxy.headers['www-authenticate']).toBeUndefined();
  });
});

describe('errorHandler: Content-Range', () => {
  it('sends a 416’s own unsatisfied-range Content-Range with the problem', async () => {
    const res = await request(
      appThrowing(() => new RangeNotSatisfiableError({ completeLength: 1234 })),
    ).get('/throw');
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */1234');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    expect(problemOf(res)).toMatchObject({ status: 416, code: 'RANGE_NOT_SATISFIABLE' });
  });

  it('replaces the Content-Range of the abandoned response with the 416’s own', async () => {
    const app = createApp((a) =>
      a.get('/throw', (_req, res, next) => {
        res.setHeader('Content-Range', 'bytes 0-99/1234');
        next(new RangeNotSatisfiableError({ completeLength: 1234 }));
      }),
    );
    const res = await request(app).get('/throw');
    expect(res.headers['content-range']).toBe('bytes */1234');
  });

  it('drops the Content-Range of the abandoned response from a 416 that has none', async () => {
    const app = createApp((a) =>
      a.get('/throw', (_req, res, next) => {
        res.setHeader('Content-Range', 'bytes 0-99/1234');
        next(new RangeNotSatisfiableError());
      }),
    );
    const res = await request(app).get('/throw');
    expect(res.status).toBe(416);
    expect(res.get('content-range')).toBeUndefined();
  });

  it('drops a Content-Range that an error of another status carries', async () => {
    const res = await request(
      appThrowing(() => new NotFoundError({ headers: { 'Content-Range': 'bytes */1234' } })),
    ).get('/throw');
    expect(res.status).toBe(404);
    expect(res.get('content-range')).toBeUndefined();
  });
});

describe('errorHandler: Upgrade and Connection', () => {
  it('sends a 426’s Upgrade with Connection: upgrade and keeps the connection open', async () => {
    const server = await listen(
      appThrowing(() => new UpgradeRequiredError({ upgrade: 'TLS/1.3' })),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(server.port, agent);
      expect(first.status).toBe(426);
      expect(first.headers.upgrade).toBe('TLS/1.3');
      expect(first.headers.connection).toBe('upgrade');
      const second = await get(server.port, agent);
      expect(second.reused).toBe(true);
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  it('keeps `close` beside `upgrade` for a client that asked to close, and closes (RFC 9112 §9.6)', async () => {
    const server = await listen(
      appThrowing(() => new UpgradeRequiredError({ upgrade: 'TLS/1.3' })),
    );
    try {
      const head = await getAndAwaitClose(server.port, 'close');
      expect(head).toMatch(/^HTTP\/1\.1 426 /);
      expect(head).toContain('\r\nUpgrade: TLS/1.3\r\n');
      expect(head).toContain('\r\nConnection: upgrade, close\r\n');
    } finally {
      await server.close();
    }
  });

  it('keeps the `close` the app had set on the response beside `upgrade`, and closes (RFC 9112 §9.6)', async () => {
    const app = createApp((a) => {
      a.get('/throw', (_req, res, next) => {
        res.setHeader('Connection', 'close'); // as a graceful shutdown does
        next(new UpgradeRequiredError({ upgrade: 'websocket' }));
      });
    });
    const server = await listen(app);
    try {
      const head = await getAndAwaitClose(server.port, 'keep-alive');
      expect(head).toMatch(/^HTTP\/1\.1 426 /);
      expect(head).toContain('\r\nUpgrade: websocket\r\n');
      expect(head).toContain('\r\nConnection: upgrade, close\r\n');
    } finally {
      await server.close();
    }
  });

  it('sends a foreign 426’s Upgrade, with the Connection option it needs', async () => {
    const res = await request(
      appThrowing(() =>
        createHttpError(426, { headers: { Upgrade: 'websocket', Connection: 'keep-alive, x' } }),
      ),
    ).get('/throw');
    expect(res.headers.upgrade).toBe('websocket');
    // supertest asks to close the connection.
    expect(res.headers.connection).toBe('upgrade, close');
  });

  it('sends no Connection option of its own for a 426 without Upgrade', async () => {
    const server = await listen(appThrowing(() => new ApiError(426)));
    const agent = new http.Agent({ keepAlive: true });
    try {
      const res = await get(server.port, agent);
      expect(res.status).toBe(426);
      expect(res.headers.upgrade).toBeUndefined();
      expect(res.headers.connection).toBe('keep-alive');
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  it('drops Upgrade from an error of another status', async () => {
    const res = await request(
      appThrowing(() => new NotFoundError({ headers: { Upgrade: 'websocket' } })),
    ).get('/throw');
    expect(res.get('upgrade')).toBeUndefined();
  });

  it('answers a 408 with Connection: close and closes the connection, even a keep-alive one', async () => {
    const server = await listen(appThrowing(() => new RequestTimeoutError()));
    try {
      const head = await getAndAwaitClose(server.port, 'keep-alive');
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
      expect(head).toContain('\r\nConnection: close\r\n');
    } finally {
      await server.close();
    }
  });
});
