import express from 'express';
import request from 'supertest';
import { MemoryStore, rateLimit, type RateLimitOptions } from '../../src/index.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { hit } from '../helpers/limited-app.js';

describe('rateLimit: warnings', () => {
  function appWith(setup: (app: express.Express) => void, options: Partial<RateLimitOptions> = {}) {
    const { logger, lines } = captureLogs();
    const app = express();
    setup(app);
    app.use(rateLimit({ limit: 100, windowMs: 1000, logger, ...options } as RateLimitOptions));
    app.get('/', (_req, res) => {
      res.json({});
    });
    return { app, lines };
  }

  it('warns once when trust proxy is true', async () => {
    const { app, lines } = appWith((a) => a.set('trust proxy', true));
    await hit(app, 3);
    await flushed();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_TRUST_PROXY_TRUE']);
    expect(lines[0]!.level).toBe(40);
  });

  it('warns once when X-Forwarded-For arrives while trust proxy is off', async () => {
    const { app, lines } = appWith(() => undefined);
    for (let i = 0; i < 3; i++) await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    await flushed();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_FORWARDED_WITHOUT_TRUST_PROXY']);
  });

  it('does not warn about a sound set-up', async () => {
    const { app, lines } = appWith((a) => a.set('trust proxy', 1));
    await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    await flushed();
    expect(lines).toEqual([]);
  });

  it('warns when a limiter is created inside a request handler', async () => {
    const { logger, lines } = captureLogs();
    const app = express();
    app.get('/', (req, res, next) => {
      rateLimit({ limit: 1, windowMs: 1000, logger })(req, res, next);
    });
    app.get('/', (_req, res) => {
      res.json({});
    });
    await request(app).get('/');
    await flushed();
    expect(lines.map((l) => l.code)).toContain('RATE_LIMIT_CREATED_IN_HANDLER');
  });

  it('warns when two limiters share a store', async () => {
    const { logger, lines } = captureLogs();
    const store = new MemoryStore();
    rateLimit({ limit: 1, windowMs: 1000, logger, store });
    rateLimit({ limit: 1, windowMs: 1000, logger, store });
    await flushed();
    expect(lines.map((l) => l.code)).toEqual(['RATE_LIMIT_STORE_SHARED']);
    store.shutdown();
  });
});
