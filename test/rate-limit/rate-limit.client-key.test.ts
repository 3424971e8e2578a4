import express from 'express';
import request from 'supertest';
import { MemoryStore, errorHandler, rateLimit } from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';
import { clockedApp } from '../helpers/limited-app.js';

describe('rateLimit: the client key', () => {
  it('limits each IP on its own, honouring trust proxy', async () => {
    const clock = fakeClock();
    const app = express();
    app.set('trust proxy', 1);
    app.use(
      rateLimit({
        limit: 1,
        windowMs: 1000,
        logger: false,
        store: new MemoryStore({ now: clock.now }),
      }),
    );
    app.get('/', (_req, res) => {
      res.json({});
    });
    app.use(errorHandler({ logger: false }));
    const a = await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    const b = await request(app).get('/').set('X-Forwarded-For', '198.51.100.2');
    const a2 = await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    expect([a.status, b.status, a2.status]).toEqual([200, 200, 429]);
  });

  it('cannot be dodged with X-Forwarded-For when trust proxy is off', async () => {
    const { app } = clockedApp({ limit: 1 });
    const first = await request(app).get('/').set('X-Forwarded-For', '198.51.100.1');
    const second = await request(app).get('/').set('X-Forwarded-For', '198.51.100.2');
    expect([first.status, second.status]).toEqual([200, 429]);
  });

  it('uses the key function it is given', async () => {
    const { app } = clockedApp({ limit: 1, key: (req) => String(req.query.user) });
    const responses = [
      await request(app).get('/?user=a'),
      await request(app).get('/?user=b'),
      await request(app).get('/?user=a'),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 429]);
  });

  it('answers 500 when the key function throws or returns no string', async () => {
    const { app } = clockedApp({ key: () => 42 as never });
    expect((await request(app).get('/')).status).toBe(500);
  });
});
