import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { countDecisions } from '../../examples/metrics.js';
import { MemoryStore, NotFoundError, errorHandler, rateLimit } from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';

describe('the Prometheus recipe (examples/metrics.ts, shown in the README)', () => {
  it('counts errors by status and code, and rate-limit decisions by outcome', async () => {
    const registry = new Registry();
    countDecisions(registry);
    const app = express();
    app.use(
      rateLimit({
        limit: 2,
        windowMs: 60_000,
        name: 'api',
        logger: false,
        store: new MemoryStore({ now: fakeClock().now }),
      }),
    );
    app.get('/users/:id', (req) => {
      throw new NotFoundError(`No user ${req.params.id}`, { subCode: '404.1' });
    });
    app.use(errorHandler({ logger: false }));
    for (let i = 0; i < 3; i++) await request(app).get('/users/7');

    const metrics = await registry.metrics();
    expect(metrics).toContain(
      'api_errors_total{status="404",code="USER_NOT_FOUND",refusal="false"} 2',
    );
    expect(metrics).toContain(
      'api_errors_total{status="429",code="TOO_MANY_REQUESTS",refusal="true"} 1',
    );
    expect(metrics).toContain('rate_limit_decisions_total{outcome="allowed",policy="api"} 2');
    expect(metrics).toContain('rate_limit_decisions_total{outcome="refused",policy="api"} 1');
  });

  it('is the code the README shows', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const recipe = readFileSync(join(__dirname, '../../examples/metrics.ts'), 'utf8').replace(
      "from '../src/index.js'",
      "from 'express-api-errors'",
    );
    expect(readme).toContain(`\`\`\`ts\n${recipe}\`\`\``);
  });
});
