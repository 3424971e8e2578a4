import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { createExampleApp } from '../../examples/app.js';
import { handleExpectations, loadShedding, type LoadSheddingMiddleware } from '../../src/index.js';
import { problemOf } from '../helpers/problem.js';
import { expectedProblem } from './expected-problem.js';
import { blockEventLoop, sleep } from '../helpers/event-loop.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const MAINTENANCE_DETAIL = 'The service is down for maintenance.';

describe('maintenance', () => {
  it('answers 503 with Retry-After: 300 while on', async () => {
    const app = createExampleApp({ logger: false, now: () => NOW, maintenance: true });

    const res = await request(app).get('/users').expect(503);

    expect(res.headers['retry-after']).toBe('300');
    expect(problemOf(res)).toEqual(expectedProblem(503, '/users', { detail: MAINTENANCE_DETAIL }));
  });

  it('answers 503 before checking the method or the body', async () => {
    const app = createExampleApp({ logger: false, now: () => NOW, maintenance: true });

    const res = await request(app).post('/users').type('text/plain').send('hi').expect(503);

    expect(problemOf(res)).toEqual(expectedProblem(503, '/users', { detail: MAINTENANCE_DETAIL }));
  });

  it('lets GET /health through while on', async () => {
    const app = createExampleApp({ logger: false, now: () => NOW, maintenance: true });

    await request(app).get('/health').expect(200, { status: 'ok' });
  });

  it('reads a function flag on every request', async () => {
    let on = false;
    const app = createExampleApp({ logger: false, now: () => NOW, maintenance: () => on });
    await request(app).get('/users/1').expect(200);

    on = true;
    await request(app).get('/users/1').expect(503);

    on = false;
    await request(app).get('/users/1').expect(200);
  });

  it('is off by default', async () => {
    await request(createExampleApp({ logger: false }))
      .get('/users')
      .expect(200);
  });
});

/**
 * Stalls the event loop, then sends `GET /users/1`, until the shedder
 * refuses it. After a stall the overdue sample runs first, before the
 * timeout here; the next sample is 200 ms away. Retried, in case a busy
 * machine delays the request past it.
 */
async function overloaded(app: Express): Promise<request.Response> {
  let res: request.Response | undefined;
  for (let attempt = 0; attempt < 5 && res?.status !== 503; attempt++) {
    blockEventLoop(400);
    await sleep(0);
    res = await request(app).get('/users/1');
  }
  return res!;
}

describe('load shedding', () => {
  let shedder: LoadSheddingMiddleware;
  let app: Express;

  beforeEach(() => {
    shedder = loadShedding({ maxEventLoopDelayMs: 100, sampleIntervalMs: 200 });
    app = createExampleApp({ logger: false, now: () => NOW, loadShedding: shedder });
  });

  afterEach(() => shedder.close());

  it('lets requests through while the event loop keeps up', async () => {
    await request(app).get('/users/1').expect(200);
  });

  it('answers 503 with Retry-After: 10 after the event loop stalled', async () => {
    const res = await overloaded(app);

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('10');
    expect(problemOf(res)).toEqual(
      expectedProblem(503, '/users/1', { detail: 'The server is overloaded.' }),
    );
  });

  it('lets GET /health through while shedding', async () => {
    expect((await overloaded(app)).status).toBe(503);

    await request(app).get('/health').expect(200, { status: 'ok' });
  });

  it('lets every request through once closed', async () => {
    expect((await overloaded(app)).status).toBe(503);

    shedder.close();

    await request(app).get('/users/1').expect(200);
  });
});

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a real socket, without a client library that might handle `Expect` itself. */
function send(server: Server, headers: Record<string, string>, body = ''): Promise<RawResponse> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/users', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('Expect', () => {
  let server: Server;

  beforeEach(async () => {
    const app = createExampleApp({ logger: false, now: () => NOW });
    server = app.listen(0, '127.0.0.1');
    handleExpectations(server, app);
    await new Promise((resolve) => server.once('listening', resolve));
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers 417 as a problem to an Expect other than 100-continue', async () => {
    const res = await send(server, {
      Expect: 'something-else',
      'Content-Type': 'application/json',
    });

    expect(res.status).toBe(417);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const { requestId, ...problem } = JSON.parse(res.body) as Record<string, unknown>;
    expect(requestId).toBe(res.headers['x-request-id']);
    expect(problem).toEqual(expectedProblem(417, '/users'));
  });

  it('keeps Node’s handling of Expect: 100-continue', async () => {
    const body = JSON.stringify({ name: 'Alan Turing', email: 'alan@example.com' });
    const res = await send(
      server,
      { Expect: '100-continue', 'Content-Type': 'application/json' },
      body,
    );

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/users/3');
  });
});
