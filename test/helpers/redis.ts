import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { freePort } from './free-port.js';
import { sleep } from './event-loop.js';

export { freePort };

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `describe` when Redis answered in the global set-up, else `describe.skip` (the set-up said why). */
export const describeWithRedis = process.env.REDIS_AVAILABLE === '1' ? describe : describe.skip;

/**
 * `describe` where `redis-server` and `redis-cli` are installed, so that a
 * suite can start its own Redis Cluster (`./redis-cluster.ts`), else
 * `describe.skip` (the global set-up said why). In CI a missing
 * `redis-server` fails the run in the global set-up instead.
 */
export const describeWithRedisCluster =
  process.env.REDIS_CLUSTER_AVAILABLE === '1' ? describe : describe.skip;

/** A key prefix of its own for each test, so that runs sharing one Redis never meet. */
export function uniquePrefix(): string {
  return `eae-test:${randomUUID()}:`;
}

export type ClientKind = 'ioredis' | 'node-redis';

/** A connected client of either kind, and a way to close it. */
export async function connectClient(kind: ClientKind, url = redisUrl) {
  if (kind === 'ioredis') {
    const client = new Redis(url, { lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    return { client, close: async () => void client.disconnect() };
  }
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return { client, close: async () => void (await client.quit()) };
}

/**
 * A private redis-server on `port`, for fault tests: started and stopped by
 * the test itself; `config` is more of its command line (`['--maxmemory-policy', 'allkeys-lru']`).
 */
export async function startRedisServer(
  port: number,
  config: readonly string[] = [],
): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...config],
    { stdio: 'ignore' },
  );
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return server;
    } catch {
      await sleep(50);
    }
  }
  server.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

export async function stopRedisServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

/**
 * A private Redis Sentinel on `port`, watching the master on `masterPort`
 * under the name `master`; its configuration lives in a folder of its own,
 * removed when it is stopped (`stopRedisSentinel`).
 */
export async function startRedisSentinel(
  port: number,
  masterPort: number,
): Promise<{ server: ChildProcess; dir: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eae-sentinel-'));
  const config = join(dir, 'sentinel.conf');
  writeFileSync(
    config,
    `port ${port}\nbind 127.0.0.1\nsentinel monitor master 127.0.0.1 ${masterPort} 1\n`,
  );
  const server = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await client.connect();
      const master = (await client.call('sentinel', 'get-master-addr-by-name', 'master')) as
        string[] | null;
      client.disconnect();
      if (master?.[1] === String(masterPort)) return { server, dir, port };
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server --sentinel did not start on port ${port}`);
}

export async function stopRedisSentinel(sentinel: {
  server: ChildProcess;
  dir: string;
}): Promise<void> {
  await stopRedisServer(sentinel.server);
  rmSync(sentinel.dir, { recursive: true, force: true });
}
