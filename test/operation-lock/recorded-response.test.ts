/**
 * What `operationLock` records of a response when other middleware also
 * wraps `res.write` and `res.end`, with the real `compression`.
 */
import compression from 'compression';
import express, { type Express, type RequestHandler } from 'express';
import request from 'supertest';
import { errorHandler, operationLock } from '../../src/index.js';
import { sleep } from '../helpers/event-loop.js';
import { abandonedOrder, Gate } from '../helpers/lock-app.js';
import { captureLogs, flushed } from '../helpers/logs.js';

const KEY = '"order-7f3a"';

/** `POST /orders` with `lock`: 201 `{"order":<run>}`, written in two parts or as one JSON body. */
function ordersApp(
  mount: (app: Express, lock: RequestHandler) => void,
  options: Parameters<typeof operationLock>[0],
  { parts }: { parts: boolean },
): { app: Express; runs(): number } {
  const app = express();
  let runs = 0;
  mount(app, operationLock({ replay: true, ...options }));
  app.post('/orders', (_req, res) => {
    runs++;
    res.status(201).type('json');
    if (!parts) {
      res.json({ order: runs });
      return;
    }
    res.write('{"order":');
    res.end(`${runs}}`);
  });
  app.use(errorHandler({ logger: false }));
  return { app, runs: () => runs };
}

function order(app: Express, acceptEncoding = 'identity'): request.Test {
  return request(app)
    .post('/orders')
    .set('Idempotency-Key', KEY)
    .set('Accept-Encoding', acceptEncoding);
}

describe('operationLock beside compression()', () => {
  it('does not record a body written in parts behind compression(): a retry runs again', async () => {
    const logs = captureLogs();
    const { app, runs } = ordersApp(
      (target, lock) => target.use(compression({ threshold: 0 }), lock),
      { logger: logs.logger },
      { parts: true },
    );

    const first = await order(app, 'gzip');
    const retry = await order(app);

    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.text).toBe('{"order":1}');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.text).toBe('{"order":2}');
    expect(runs()).toBe(2);
    await flushed();
    expect(logs.lines.map((line) => line.code)).toEqual(['OPERATION_LOCK_NOT_RECORDED']);
  });

  it('records a whole body behind compression(), and replays it plain to a client that takes no gzip', async () => {
    const { app, runs } = ordersApp(
      (target, lock) => target.use(compression({ threshold: 0 }), lock),
      { logger: false },
      { parts: false },
    );

    const first = await order(app, 'gzip');
    const retry = await order(app);

    expect(first.headers['content-encoding']).toBe('gzip');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers['content-encoding']).toBeUndefined();
    expect(retry.headers['content-length']).toBe('11');
    expect(retry.text).toBe('{"order":1}');
    expect(runs()).toBe(1);
  });

  it('with compression() mounted after it, records nothing and says to mount such middleware before it', async () => {
    const logs = captureLogs();
    const { app, runs } = ordersApp(
      (target, lock) => target.use(lock, compression({ threshold: 0 })),
      { logger: logs.logger },
      { parts: false },
    );

    await order(app, 'gzip');
    const retry = await order(app);

    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(runs()).toBe(2);
    await flushed();
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 40,
        code: 'OPERATION_LOCK_NOT_RECORDED',
        status: 201,
        msg: 'A response was not recorded for replay: its body was written in parts (res.write: a stream, res.sendFile, or middleware mounted after operationLock that writes the body itself, such as compression or express-session: mount those before it), or it is larger than `maxBodyBytes`. The request ran normally and its key was released, so a retry runs it again.',
      }),
    ]);
  });
});

/**
 * What express-session does at `res.end` when it must save the session (index.js, `writetop`
 * and `writeend`; it is not a dependency here): with the `write` and `end` it took when it was
 * mounted, it writes all of a body of known length but its last byte, saves the session
 * (asynchronously, as its MemoryStore does), then ends with that byte.
 */
const savesSessionAtEnd: RequestHandler = (_req, res, next) => {
  const write = res.write.bind(res) as (chunk: Buffer) => boolean;
  const end = res.end.bind(res) as (chunk?: unknown) => typeof res;
  res.end = function (chunk?: unknown) {
    const length = Number(res.getHeader('Content-Length'));
    if (!Buffer.isBuffer(chunk) || !(length > 0)) return end(chunk);
    write(chunk.subarray(0, -1));
    setImmediate(() => end(chunk.subarray(-1)));
    return res;
  } as typeof res.end;
  next();
};

describe('operationLock before middleware that writes the body itself', () => {
  it('records nothing of a response whose client went away: the retry runs again, whole', async () => {
    const gate = new Gate();
    const app = express();
    app.use(express.json());
    app.use(operationLock({ replay: true, logger: false }), savesSessionAtEnd);
    app.post('/orders', (_req, res, next) => {
      gate.pass().then((run) => res.status(201).type('text/plain').send(`order ${run}`), next);
    });
    const first = await abandonedOrder(app, KEY);
    try {
      await gate.entered();
      await first.abort(); // Node's `write` now sends nothing, not even the headers
      gate.open();
      const order = () =>
        request(app).post('/orders').set('Idempotency-Key', KEY).send({ item: 'book' });
      let retry = await order();
      for (let attempt = 0; retry.status === 409 && attempt < 200; attempt++) {
        await sleep(10);
        retry = await order();
      }
      expect([retry.status, retry.headers['idempotent-replayed'], retry.text]).toEqual([
        201,
        undefined,
        'order 2',
      ]);
    } finally {
      gate.open();
      await first.close();
    }
  });
});
