import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  errorHandler,
  ForbiddenError,
  InternalServerError,
  markRefusal,
  maintenance,
  MemoryStore,
  rateLimit,
} from '../../src/index.js';
import { MAX_REFUSAL_KEYS, RefusalLog } from '../../src/handler/refusal-log.js';
import { captureLogs, flushed } from '../helpers/logs.js';

describe('RefusalLog', () => {
  function clockedLog(intervalMs = 60_000) {
    let now = 0;
    const log = new RefusalLog(intervalMs, () => now);
    return { log, advance: (ms: number) => (now += ms) };
  }

  it('admits the first refusal of each client and code, then counts the rest until the interval ends', () => {
    const { log, advance } = clockedLog();
    expect(log.admit('TOO_MANY_REQUESTS', 'a')).toBe(0);
    expect(log.admit('TOO_MANY_REQUESTS', 'a')).toBeUndefined();
    expect(log.admit('TOO_MANY_REQUESTS', 'b')).toBe(0);
    expect(log.admit('TEMPORARILY_BLOCKED', 'a')).toBe(0);
    expect(log.admit('TOO_MANY_REQUESTS', 'a')).toBeUndefined();
    advance(59_999);
    expect(log.admit('TOO_MANY_REQUESTS', 'a')).toBeUndefined();
    advance(1);
    // The line after the interval says how many were left out: three.
    expect(log.admit('TOO_MANY_REQUESTS', 'a')).toBe(3);
    expect(log.admit('TOO_MANY_REQUESTS', 'a')).toBeUndefined();
  });

  it('admits every refusal with an interval of 0', () => {
    const { log } = clockedLog(0);
    expect([1, 2, 3].map(() => log.admit('TOO_MANY_REQUESTS', 'a'))).toEqual([0, 0, 0]);
    expect(log.size).toBe(0);
  });

  it(`times at most ${MAX_REFUSAL_KEYS} clients apart; the rest share one entry, so a flood of keys stays bounded`, () => {
    const { log } = clockedLog();
    let admitted = 0;
    for (let i = 0; i < 3 * MAX_REFUSAL_KEYS; i++) {
      if (log.admit('TOO_MANY_REQUESTS', `client-${i}`) !== undefined) admitted++;
    }
    expect(admitted).toBe(MAX_REFUSAL_KEYS + 1);
    expect(log.size).toBe(MAX_REFUSAL_KEYS + 1);
  });

  it('forgets clients whose interval is over when it is full', () => {
    const { log, advance } = clockedLog(1000);
    for (let i = 0; i < MAX_REFUSAL_KEYS; i++) log.admit('TOO_MANY_REQUESTS', `old-${i}`);
    advance(1000);
    expect(log.admit('TOO_MANY_REQUESTS', 'new')).toBe(0);
    expect(log.size).toBe(1);
  });

  it('keeps a long key as a digest', () => {
    const { log } = clockedLog();
    expect(log.admit('TOO_MANY_REQUESTS', 'k'.repeat(100_000))).toBe(0);
    expect(log.admit('TOO_MANY_REQUESTS', 'k'.repeat(100_000))).toBeUndefined();
    expect(log.admit('TOO_MANY_REQUESTS', `${'k'.repeat(99_999)}j`)).toBe(0);
  });
});

describe('errorHandler: refusals are not faults', () => {
  async function listen(app: express.Express) {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  /** Sends `total` requests on `concurrency` kept-alive connections, each from client `i % clients`. */
  async function flood(base: string, total: number, clients: number, concurrency = 20) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const statuses: number[] = [];
    let sent = 0;
    const one = (i: number) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(
            `${base}/items`,
            { agent, headers: { 'X-Client': `client-${i % clients}` } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode!));
            },
          )
          .on('error', reject);
      });
    try {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (sent < total) statuses.push(await one(sent++));
        }),
      );
    } finally {
      agent.destroy();
    }
    return statuses;
  }

  it('logs a flood of 10,000 refused requests from 10 clients in 10 lines, at info, without stacks', async () => {
    const { logger, lines } = captureLogs();
    const app = express();
    app.use(
      rateLimit({
        limit: 1,
        windowMs: 3_600_000,
        key: (req) => req.get('x-client') ?? '',
        logger: false,
        store: new MemoryStore(),
      }),
    );
    app.get('/items', (_req, res) => {
      res.json([]);
    });
    app.use(errorHandler({ logger }));
    const { server, base } = await listen(app);
    try {
      const statuses = await flood(base, 10_010, 10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(10_000);
      await flushed();
      expect(lines).toHaveLength(10);
      for (const line of lines) {
        expect(line).toMatchObject({
          level: 30,
          status: 429,
          code: 'TOO_MANY_REQUESTS',
          refusal: true,
        });
        expect(line.refusalsNotLogged).toBeUndefined();
        expect((line.err as { stack?: string }).stack).not.toMatch(/\n\s+at /);
      }
      expect(new Set(lines.map((line) => line.requestId)).size).toBe(10);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  it('logs a maintenance 503 once per interval, at info and without a stack, while a real 500 keeps error and its stack', async () => {
    const { logger, lines } = captureLogs();
    const app = express();
    app.get('/broken', () => {
      throw new InternalServerError('database down');
    });
    app.use(maintenance({ enabled: (req) => req.path !== '/broken' }));
    app.use(errorHandler({ logger }));
    const { server, base } = await listen(app);
    try {
      for (let i = 0; i < 200; i++) await (await fetch(`${base}/users`)).arrayBuffer();
      await (await fetch(`${base}/broken`)).arrayBuffer();
      await flushed();
      expect(lines.map((line) => [line.level, line.status, line.refusal])).toEqual([
        [30, 503, true],
        [50, 500, undefined],
      ]);
      expect((lines[0]!.err as { stack: string }).stack).not.toMatch(/\n\s+at /);
      expect((lines[1]!.err as { stack: string }).stack).toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('follows the refusals option and a logLevels entry for the status', async () => {
    const { logger, lines } = captureLogs();
    const app = express();
    app.use(maintenance({ enabled: true }));
    app.use(
      errorHandler({
        logger,
        refusals: { level: 'debug', intervalMs: 0 },
        logLevels: { 429: 'warn' },
      }),
    );
    const { server, base } = await listen(app);
    try {
      for (let i = 0; i < 3; i++) await (await fetch(`${base}/`)).arrayBuffer();
      await flushed();
      expect(lines.map((line) => line.level)).toEqual([20, 20, 20]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('treats an error the app marked with markRefusal as a refusal', async () => {
    const { logger, lines } = captureLogs();
    const app = express();
    app.get('/quota', (req) => {
      throw markRefusal(new ForbiddenError('Monthly quota used up.'), { key: req.ip });
    });
    app.use(errorHandler({ logger }));
    const { server, base } = await listen(app);
    try {
      for (let i = 0; i < 5; i++) await (await fetch(`${base}/quota`)).arrayBuffer();
      await flushed();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 30, status: 403, refusal: true });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    [{ level: 'loud' }, 'errorHandler(): `refusals.level` must be one of'],
    [
      { intervalMs: -1 },
      'errorHandler(): `refusals.intervalMs` must be a whole number of milliseconds from 0 to 2,147,483,647, got -1',
    ],
  ])('refuses refusals %j', (refusals, message) => {
    expect(() => errorHandler({ refusals: refusals as never })).toThrow(message);
  });
});
