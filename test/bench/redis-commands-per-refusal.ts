/**
 * `npx tsx test/bench/redis-commands-per-refusal.ts [--requests N]`: how
 * many Redis commands a refused request costs, for each limiter of the
 * refusals-redis scenario, read from `INFO commandstats` of a redis-server
 * this script starts on a free loopback port (so that nothing else counts).
 * A flood from one client: the first request is allowed, every other one
 * refused. A count, not a time: the machine's load does not change it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/free-port.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' } } });
const REQUESTS = Number(values.requests);

/** A redis-server of this script's own, answering PING. */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
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

/** Total calls of every command so far, from INFO commandstats. */
async function commandCalls(client: Redis): Promise<number> {
  const info = await client.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/gm)) {
    if (match[1] !== 'info') calls += Number(match[2]);
  }
  return calls;
}

async function main(): Promise<void> {
  const port = await freePort();
  const server = await startRedisServer(port);
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  const observer = new Redis(port, '127.0.0.1');
  try {
    // Imported after REDIS_URL is set: the apps connect to this server.
    const apps = await import('./scenarios/refusal-apps.js');
    const variants = {
      'ours-redis-429 (deny cache)': apps.oursRedis(true),
      'ours-redis-429-no-cache': apps.oursRedis(false),
      'rate-limiter-flexible-redis-429': apps.flexibleRedis(false),
      'rate-limiter-flexible-redis-429-in-memory-block': apps.flexibleRedis(true),
      'express-rate-limit-redis-429': apps.expressRateLimitRedis,
    };
    console.log(`| Limiter | Redis commands per refused request (${REQUESTS - 1} refused) |`);
    console.log('| --- | --: |');
    for (const [name, createApp] of Object.entries(variants)) {
      const http = createServer(createApp());
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const { port: appPort } = http.address() as AddressInfo;
      // The first request, allowed, and the connection set-up are not counted.
      await fetch(`http://127.0.0.1:${appPort}/items/1`);
      const before = await commandCalls(observer);
      let refused = 0;
      for (let i = 1; i < REQUESTS; i++) {
        const res = await fetch(`http://127.0.0.1:${appPort}/items/1`);
        await res.arrayBuffer();
        if (res.status === 429) refused++;
      }
      const calls = (await commandCalls(observer)) - before;
      console.log(`| ${name} | ${(calls / refused).toFixed(4)} |`);
      await new Promise((resolve) => http.close(resolve));
    }
  } finally {
    observer.disconnect();
    server.kill('SIGKILL');
  }
  process.exit(0);
}

void main();
