/**
 * What HTTP clients do with the limiter's answers. ky is ESM-only, which
 * jest's CommonJS runtime cannot load: it runs in a child `node`
 * (test/helpers/esm-client.mjs).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { errorHandler, rateLimit } from '../../src/index.js';
import { serve } from '../helpers/server.js';

const run = promisify(execFile);
const ESM_CLIENT = join(__dirname, '..', 'helpers', 'esm-client.mjs');

describe('the limiter and ky', () => {
  it('sends one request for a 413.1 behind another limiter: no reset time makes ky wait and resend it', async () => {
    let received = 0;
    const app = express();
    app.use((_req, _res, next) => {
      received += 1;
      next();
    });
    app.use(rateLimit({ limit: 100, windowMs: 60_000, logger: false }));
    app.get(
      '/batch',
      rateLimit({ limit: 5, windowMs: 1000, cost: () => 6, logger: false }),
      (_req, res) => {
        res.json({});
      },
    );
    app.use(errorHandler({ logger: false }));
    const server = await serve(app);
    try {
      const { stdout } = await run(process.execPath, [
        ESM_CLIENT,
        'ky-default',
        `${server.url}/batch`,
      ]);
      expect(JSON.parse(stdout)).toEqual({ status: 413 });
      expect(received).toBe(1);
    } finally {
      await server.close();
    }
  });
});
