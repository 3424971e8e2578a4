import { createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gracefulShutdown } from '../../examples/shutdown.js';

/**
 * A server whose every response takes `ms`, listening on a free port. Its
 * kept-alive connections stay open a minute: a shutdown that waited for
 * them would outlast the test.
 */
async function slowServer(ms: number): Promise<Server> {
  const server = createServer((_req, res) => {
    const timer = setTimeout(() => res.end('done'), ms);
    res.on('close', () => clearTimeout(timer));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A GET through Node's default agent, which keeps connections alive: its body and `Connection`. */
function fetchText(server: Server): Promise<{ body: string; connection: string | undefined }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/`, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ body, connection: res.headers.connection }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Resolves once `server` has a request in flight. */
const inFlight = (server: Server) =>
  new Promise<void>((resolve) => server.once('request', () => resolve()));

describe('gracefulShutdown', () => {
  it('lets a request in flight finish, closes its kept-alive connection, then cleans up', async () => {
    const server = await slowServer(200);
    const events: string[] = [];
    const shutDown = gracefulShutdown(server, {
      timeoutMs: 5_000,
      cleanup: async () => {
        events.push('cleanup');
      },
    });
    server.on('request', (_req, res: ServerResponse) =>
      res.on('finish', () => events.push('response sent')),
    );
    const arrived = inFlight(server);
    const response = fetchText(server);
    await arrived;

    const clean = await shutDown();

    expect(clean).toBe(true);
    expect(events).toEqual(['response sent', 'cleanup']);
    expect(await response).toEqual({ body: 'done', connection: 'close' });
    expect(server.listening).toBe(false);
  });

  it('cuts a request still running after timeoutMs, and says so', async () => {
    const server = await slowServer(10_000);
    const cleanup = jest.fn(async () => undefined);
    const shutDown = gracefulShutdown(server, { timeoutMs: 100, cleanup });
    const arrived = inFlight(server);
    const response = fetchText(server);
    await arrived;

    expect(await shutDown()).toBe(false);
    await expect(response).rejects.toThrow('socket hang up');
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it('says so when the cleanup fails, and shuts down once however often asked', async () => {
    const server = await slowServer(0);
    const cleanup = jest.fn(() => Promise.reject(new Error('Redis is gone')));
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const shutDown = gracefulShutdown(server, { timeoutMs: 100, cleanup });

    const [first, second] = await Promise.all([shutDown(), shutDown()]);

    expect([first, second]).toEqual([false, false]);
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('Shutdown: Redis is gone');
    error.mockRestore();
  });
});
