import request from 'supertest';
import { MemoryStore } from '../../src/index.js';
import { createExampleApp } from '../../examples/app.js';
import { fakeClock } from '../helpers/clock.js';
import { problemOf } from '../helpers/problem.js';

function exampleApp() {
  const clock = fakeClock();
  const app = createExampleApp({
    logger: false,
    rateLimitStores: () => new MemoryStore({ now: clock.now }),
  });
  return { app, clock };
}

describe('the example API’s rate limits', () => {
  it('allows 15 requests per second, then answers 429 with Retry-After and the limits', async () => {
    const { app } = exampleApp();
    for (let i = 0; i < 15; i++) expect((await request(app).get('/users')).status).toBe(200);
    const refused = await request(app).get('/users');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['x-rate-limit-limit']).toBe('15');
    expect(refused.headers['x-rate-limit-remaining']).toBe('0');
    expect(refused.headers['ratelimit-policy']).toBe('"burst";q=15;w=1, "hourly";q=1000;w=3600');
    expect(refused.headers.ratelimit).toBe('"burst";r=0;t=1');
    expect(problemOf(refused)).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
  });

  it('lets a client back once Retry-After has passed', async () => {
    const { app, clock } = exampleApp();
    for (let i = 0; i < 15; i++) await request(app).get('/users');
    const refused = await request(app).get('/users');
    expect(refused.status).toBe(429);
    clock.advance(Number(refused.headers['retry-after']) * 1000);
    expect((await request(app).get('/users')).status).toBe(200);
  });

  it('blocks a client refused 10 times within a minute for 5 minutes with 403.30', async () => {
    const { app, clock } = exampleApp();
    for (let i = 0; i < 15; i++) await request(app).get('/users');
    const refusals = [];
    for (let i = 0; i < 10; i++) refusals.push((await request(app).get('/users')).status);
    expect(refusals).toEqual([...Array(9).fill(429), 403]);
    clock.advance(1000);
    const blocked = await request(app).get('/users');
    expect(blocked.status).toBe(403);
    expect(blocked.headers['retry-after']).toBe('299');
    expect(blocked.headers['x-status-sub-code']).toBe('403.30');
    expect(problemOf(blocked)).toMatchObject({ code: 'TEMPORARILY_BLOCKED', subCode: '403.30' });
    clock.advance(299_000);
    expect((await request(app).get('/users')).status).toBe(200);
  });

  it('counts only failed token requests against the token limit', async () => {
    const { app, clock } = exampleApp();
    const mint = (userId: string) =>
      request(app).post('/tokens').set('Content-Type', 'application/json').send({ userId });
    for (let i = 0; i < 6; i++) {
      expect((await mint('1')).status).toBe(200);
      clock.advance(1000);
    }
    for (let i = 0; i < 5; i++) {
      expect((await mint('no-such-user')).status).toBe(404);
      clock.advance(1000);
    }
    const refused = await mint('1');
    expect(refused.status).toBe(429);
    expect(refused.headers.ratelimit).toContain('"token-failures";r=0');
  });
});
