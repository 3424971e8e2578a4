/**
 * `npx tsx test/bench/limiter-steps.ts`: the JavaScript cost of one allowed
 * request through `rateLimit` on the memory store, and of its parts, in one
 * process and without sockets. It shows where the limiter's time goes;
 * `npm run bench -- --scenario rate-limit` shows what a server pays in all.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express, { type Request, type Response } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { ensureBuilt, loadBuild, loadBuildModule } from './library.js';

// Measured from the build, as users run it (see library.ts).
ensureBuilt();
const { MemoryStore, rateLimit } = loadBuild();
const { setXRateLimitHeaders } =
  loadBuildModule<typeof import('../../src/headers/rate-limit.js')>('headers/rate-limit.js');
const { clientKey } =
  loadBuildModule<typeof import('../../src/clients/client-key.js')>('clients/client-key.js');

const CALLS = 200_000;
const RUNS = 7;

const app = express();
app.set('trust proxy', false);

function pair(address: string): { req: Request; res: Response } {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: address });
  const req = new IncomingMessage(socket) as Request;
  req.method = 'GET';
  req.url = '/items/42';
  req.headers = { host: 'localhost' };
  const res = new ServerResponse(req) as Response;
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  (req as { app: unknown }).app = app;
  (res as { req: unknown }).req = req;
  return { req, res };
}

function measure(name: string, setup: () => () => void): void {
  const results: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const call = setup();
    for (let i = 0; i < 10_000; i++) call();
    const start = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) call();
    const { user, system } = process.cpuUsage(start);
    results.push((user + system) / CALLS);
  }
  results.sort((a, b) => a - b);
  console.log(`| ${name} | ${results[RUNS >> 1]!.toFixed(3)} | ${results[0]!.toFixed(3)} |`);
}

const next = () => undefined;
console.log('| Case | CPU µs/call (median) | min |\n| --- | --: | --: |');
measure('baseline: headers reset on a reused req/res pair', () => {
  const { res } = pair('127.0.0.1');
  return () => {
    res.removeHeader('X-Rate-Limit-Remaining');
  };
});
measure('req.ip (Express, trust proxy off)', () => {
  const { req } = pair('127.0.0.1');
  return () => void req.ip;
});
measure('clientKey(IPv4)', () => () => void clientKey('203.0.113.7', 56));
measure('clientKey(IPv4-mapped IPv6)', () => () => void clientKey('::ffff:203.0.113.7', 56));
measure('clientKey(IPv6 /56)', () => () => void clientKey('2001:db8:1234:5678::1', 56));
measure('MemoryStore.consume, one hot key', () => {
  const store = new MemoryStore();
  store.init({
    algorithm: 'gcra',
    windows: [{ limit: 1e9, windowMs: 60_000, name: 'w' }],
    block: undefined,
  });
  return () => void store.consume('127.0.0.1', 1);
});
measure('rateLimit middleware, allowed, one hot key', () => {
  const limiter = rateLimit({ limit: 1e9, windowMs: 60_000, logger: false });
  const { req, res } = pair('127.0.0.1');
  return () => {
    res.removeHeader('X-Rate-Limit-Remaining');
    limiter(req, res, next);
  };
});
measure('setXRateLimitHeaders', () => {
  const { res } = pair('127.0.0.1');
  return () => {
    res.removeHeader('X-Rate-Limit-Remaining');
    setXRateLimitHeaders(res, { limit: 1e9, remaining: 999_999_999, resetSeconds: 1 });
  };
});
measure('req.app.get("trust proxy")', () => {
  const { req } = pair('127.0.0.1');
  return () => void req.app.get('trust proxy');
});
measure('rate-limiter-flexible RateLimiterMemory.consume (promise, not awaited)', () => {
  const limiter = new RateLimiterMemory({ points: 1e9, duration: 60 });
  return () => void limiter.consume('127.0.0.1');
});
