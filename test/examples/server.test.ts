/**
 * `examples/server.ts` run as a process, as `npm start` runs it: what only
 * the server adds to the app (its environment, its signals).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis, redisUrl } from '../helpers/redis.js';
import { startExampleServer, stopExampleServers } from './example-server.js';

afterEach(stopExampleServers);

function signUp(port: number, key = '"signup-radia"'): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ name: 'Radia Perlman', email: 'radia@example.com' }),
  });
}

describe('the example server', () => {
  it('links problem types to http://localhost:<the port it listens on> when PUBLIC_URL is unset, PORT=0 included', async () => {
    const { port } = await startExampleServer({ PUBLIC_URL: undefined });

    const res = await fetch(`http://127.0.0.1:${port}/users/42`);

    expect(((await res.json()) as { type: string }).type).toBe(
      `http://localhost:${port}/docs/errors#404.1`,
    );
  }, 30_000);

  it('links problem types to PUBLIC_URL when set', async () => {
    const { port } = await startExampleServer({ PUBLIC_URL: 'https://api.example.com' });

    const res = await fetch(`http://127.0.0.1:${port}/users/42`);

    expect(((await res.json()) as { type: string }).type).toBe(
      'https://api.example.com/docs/errors#404.1',
    );
  }, 30_000);

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s, lets the sign-up in flight finish, then exits 0',
    async (signal) => {
      const server = await startExampleServer({ WELCOME_DELAY_MS: '2000' });
      // Two sign-ups with one key: the one answered first, 409.1, shows the other running (it
      // waits two seconds).
      const [a, b] = [signUp(server.port), signUp(server.port)];
      const { duplicate, running } = await Promise.race([
        a.then((res) => ({ duplicate: res, running: b })),
        b.then((res) => ({ duplicate: res, running: a })),
      ]);
      expect(duplicate.status).toBe(409);

      server.process.kill(signal);

      expect((await running).status).toBe(201);
      expect(await server.exited).toEqual({ code: 0, signal: null });
    },
    30_000,
  );

  it('stops when `npm start` gets SIGTERM, the server with it', async () => {
    const npm = await startExampleServer({}, { viaNpm: true });

    npm.process.kill('SIGTERM');

    expect(await npm.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`http://127.0.0.1:${npm.port}/health`)).rejects.toThrow('fetch failed');
  }, 30_000);
});

// Two servers on one Redis, as behind a load balancer: the first shuts down mid-request.
describeWithRedis('the example server on Redis', () => {
  const id = randomUUID();
  const key = `"signup-${id}"`;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true });
    redis.on('error', () => undefined);
    await redis.connect();
  });
  afterAll(async () => {
    // The record the test made, under the example's prefix; the rate limits expire by themselves.
    for (const found of await redis.keys(`example:users-lock:*${id}*`)) await redis.del(found);
    redis.disconnect();
  });

  it('on SIGTERM, lets a sign-up whose connection was cut record its response before closing Redis, so another instance replays it', async () => {
    const env = { REDIS_URL: redisUrl, WELCOME_DELAY_MS: '3000', SHUTDOWN_TIMEOUT_MS: '2000' };
    const first = await startExampleServer(env);
    const [a, b] = [signUp(first.port, key), signUp(first.port, key)];
    const { duplicate, running } = await Promise.race([
      a.then((res) => ({ duplicate: res, running: b })),
      b.then((res) => ({ duplicate: res, running: a })),
    ]);
    expect(duplicate.status).toBe(409);

    first.process.kill('SIGTERM');

    // Cut after 2 s, a second before the sign-up ends: the server exits 1 for it.
    await expect(running).rejects.toThrow('fetch failed');
    expect(await first.exited).toEqual({ code: 1, signal: null });
    const second = await startExampleServer(env);
    const retry = await signUp(second.port, key);
    expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
  }, 30_000);
});
