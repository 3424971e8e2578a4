import { request as httpRequest } from 'node:http';
import express from 'express';
import request from 'supertest';
import {
  MemoryLockStore,
  errorHandler,
  operationLock,
  RedisLockStore,
  type OperationLockOptions,
  type OperationLockStore,
} from '../../src/index.js';
import { fakeClock } from '../helpers/clock.js';
import { requestTracker } from '../helpers/heap.js';
import {
  abandonedOrder,
  BINARY_BODY,
  Gate,
  keyReusedProblem,
  lockedApp,
} from '../helpers/lock-app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';
import { connectClient, uniquePrefix } from '../helpers/redis.js';
import { serve } from '../helpers/server.js';
import { sleep } from '../helpers/event-loop.js';

type Clock = ReturnType<typeof fakeClock>;
type MakeStore = (clock: Clock) => Promise<{ store: OperationLockStore; close(): Promise<void> }>;

const STORES: [string, MakeStore][] = [
  [
    'MemoryLockStore',
    async (clock) => ({
      store: new MemoryLockStore({ now: clock.now }),
      close: async () => undefined,
    }),
  ],
];
if (process.env.REDIS_AVAILABLE === '1') {
  STORES.push([
    'RedisLockStore',
    async (clock) => {
      const connection = await connectClient('ioredis');
      const store = new RedisLockStore({
        client: connection.client,
        prefix: uniquePrefix(),
        now: clock.now,
      });
      return { store, close: connection.close };
    },
  ]);
} else {
  it.skip('RedisLockStore: Redis does not answer at REDIS_URL (see the global set-up)', () =>
    undefined);
}

const KEY = '"order-7f3a"';
const IN_PROGRESS = {
  type: 'about:blank',
  title: 'Conflict',
  status: 409,
  detail: 'A request with this Idempotency-Key is still being processed. Retry after it finishes.',
  instance: '/orders',
  code: 'DUPLICATE_REQUEST_IN_PROGRESS',
  subCode: '409.1',
};
const REUSED = keyReusedProblem('/orders');

describe.each(STORES)('operationLock on %s', (_name, makeStore) => {
  let clock: Clock;
  let store: OperationLockStore;
  let close: () => Promise<void>;
  let gate: Gate;

  beforeEach(async () => {
    clock = fakeClock(1_700_000_000_000);
    ({ store, close } = await makeStore(clock));
    gate = new Gate();
  });
  afterEach(async () => {
    gate.open();
    await store.shutdown?.();
    await close();
  });

  // A generous store deadline: on a loaded machine a Redis round trip can pass the default 500 ms,
  // and a timed-out acquire answers 503, which these tests of the lock's logic do not expect.
  const app = (options: OperationLockOptions = {}) =>
    lockedApp({ store, storeTimeoutMs: 10_000, ...options }, gate);
  const order = (target: ReturnType<typeof app>, body: object = { item: 'book' }, key = KEY) =>
    request(target).post('/orders').set('Idempotency-Key', key).send(body);

  describe('duplicates in progress', () => {
    it('answers a duplicate 409.1 with Retry-After while the first runs, and runs the handler once', async () => {
      const target = app();
      const first = order(target).then((res) => res);
      await gate.entered();
      const second = await order(target);
      expect(second.status).toBe(409);
      expect(second.headers['retry-after']).toBe('1');
      expect(second.headers['x-status-sub-code']).toBe('409.1');
      expect(problemOf(second)).toEqual(IN_PROGRESS);
      gate.open();
      expect((await first).status).toBe(201);
      expect(gate.runs).toBe(1);
    });

    it('runs the handler exactly once for 20 concurrent duplicates', async () => {
      const target = app();
      let answered = 0;
      const all = Promise.all(
        Array.from({ length: 20 }, () => order(target).then((res) => (answered++, res))),
      );
      await gate.entered();
      // The 19 duplicates are all answered while the first is still held.
      for (let attempt = 0; answered < 19 && attempt < 500; attempt++) {
        await sleep(10);
      }
      expect(answered).toBe(19);
      gate.open();
      const statuses = (await all).map((res) => res.status).sort();
      expect(statuses).toEqual([201, ...Array<number>(19).fill(409)]);
      expect(gate.runs).toBe(1);
    });

    it('takes the Retry-After of a 409.1 from `retryAfter`', async () => {
      const target = app({ retryAfter: 3 });
      const first = order(target).then((res) => res);
      await gate.entered();
      expect((await order(target)).headers['retry-after']).toBe('3');
      gate.open();
      await first;
    });

    it('answers 422.10 for the same key with another payload while the first runs, before any 409', async () => {
      const target = app();
      const first = order(target).then((res) => res);
      await gate.entered();
      const other = await order(target, { item: 'pen' });
      expect(other.status).toBe(422);
      expect(other.headers['x-status-sub-code']).toBe('422.10');
      expect(other.headers['retry-after']).toBeUndefined();
      expect(problemOf(other)).toEqual(REUSED);
      gate.open();
      await first;
    });

    it('keeps two clients’ identical keys apart', async () => {
      const target = app({ client: (req) => String(req.get('X-Client')) });
      const first = order(target)
        .set('X-Client', 'a')
        .then((res) => res);
      await gate.entered();
      gate.open();
      const second = await order(target).set('X-Client', 'b');
      expect([second.status, (await first).status]).toEqual([201, 201]);
      expect(gate.runs).toBe(2);
    });

    it('answers 422.10 for a key reused on another resource of the route, not its response', async () => {
      const target = app({ replay: true });
      gate.open();
      const charge = (account: string) =>
        request(target)
          .post(`/accounts/${account}/charge`)
          .set('Idempotency-Key', KEY)
          .send({ amount: 10 });
      const first = await charge('1');
      const other = await charge('2');
      expect([first.status, first.body]).toEqual([201, { run: 1, account: '1' }]);
      expect([other.status, problemOf(other)]).toEqual([
        422,
        { ...REUSED, instance: '/accounts/2/charge' },
      ]);
      expect(gate.runs).toBe(1);
    });

    it('locks a route mounted in a router by the path as Express routes it, whatever its case', async () => {
      const target = app();
      const send = (path: string) =>
        request(target)
          .post(path)
          .set('Idempotency-Key', KEY)
          .send({ item: 'book' })
          .then((res) => res);
      const first = send('/api/orders');
      await gate.entered();
      const [upper, trailing] = await Promise.all([send('/API/orders'), send('/Api/orders/')]);
      gate.open();
      expect((await first).status).toBe(201);
      // The same route, the same key: not a second run. Another target as sent: not a retry.
      expect([upper.status, trailing.status]).toEqual([422, 422]);
      expect(gate.runs).toBe(1);
    });

    it('locks a path in a Router by its default routing, even in an app whose own routing heeds case', async () => {
      const target = express();
      target.set('case sensitive routing', true);
      const api = express.Router(); // case-insensitive, whatever the app says
      api.use(operationLock({ store, storeTimeoutMs: 10_000, logger: false }));
      api.post('/orders', (_req, res, next) => {
        gate.pass().then((run) => res.status(201).json({ run }), next);
      });
      target.use('/api', api);
      target.use(errorHandler({ logger: false }));
      const send = (path: string) =>
        request(target)
          .post(path)
          .set('Idempotency-Key', KEY)
          .send({})
          .then((res) => res);
      const first = send('/api/orders');
      await gate.entered();
      const other = await send('/api/ORDERS');
      gate.open();
      expect([(await first).status, other.status]).toEqual([201, 422]);
      expect(gate.runs).toBe(1);
    });

    it('replays to a retry whose query changed: a URL signed anew is the same request', async () => {
      const target = app({ replay: true });
      gate.open();
      const send = (query: string) =>
        request(target).post(`/orders?${query}`).set('Idempotency-Key', KEY).send({ item: 'book' });
      const first = await send('signature=a1&expires=100');
      const retry = await send('signature=b2&expires=160');
      expect([retry.status, retry.text, retry.headers['idempotent-replayed']]).toEqual([
        201,
        first.text,
        'true',
      ]);
      expect(gate.runs).toBe(1);
    });

    it('keeps one key on two routes apart', async () => {
      const target = app();
      gate.open();
      await order(target);
      const res = await request(target)
        .post('/invalid')
        .set('Idempotency-Key', KEY)
        .send({ item: 'book' });
      expect(res.status).toBe(422);
      expect(gate.runs).toBe(2);
    });
  });

  describe('release', () => {
    it('releases the key when the response finishes: without replay, a retry runs again', async () => {
      const target = app();
      gate.open();
      expect((await order(target)).status).toBe(201);
      expect((await order(target)).status).toBe(201);
      expect(gate.runs).toBe(2);
    });

    it('releases the key at once when the handler fails after sending its headers', async () => {
      const target = app({ replay: true });
      gate.open();
      const partial = () =>
        request(target)
          .post('/partial')
          .set('Idempotency-Key', KEY)
          .send({})
          .then(
            (res) => res.status,
            (error: Error) => error.message,
          );
      expect(await partial()).toBe('socket hang up');
      // Not 409.1 for ten leases: the retry runs again.
      expect(await partial()).toBe('socket hang up');
      expect(gate.runs).toBe(2);
    });

    it('releases the key when the handler fails after its client left mid-response', async () => {
      const lockTtlMs = 300; // renewed every 100 ms
      const target = app({ replay: true, lockTtlMs });
      gate.open();
      const server = await serve(target);
      try {
        await new Promise<void>((resolve) => {
          const sent = httpRequest(`${server.url}/left`, {
            method: 'POST',
            headers: { 'Idempotency-Key': KEY, 'Content-Type': 'application/json' },
          });
          sent.on('error', () => resolve());
          // Gone after the first chunk: the handler then fails, and errorHandler cuts it short.
          sent.on('response', (res) => res.once('data', () => sent.destroy()));
          sent.on('close', () => resolve());
          sent.end('{}');
        });
        // Not held for ten leases (with the store's clock standing still, never freed at all):
        // let go at the next renewal.
        let status = 409;
        for (let attempt = 0; status === 409 && attempt < 100; attempt++) {
          await sleep(lockTtlMs / 3);
          status = await request(target)
            .post('/left')
            .set('Idempotency-Key', KEY)
            .send({})
            .timeout(2000)
            .then(
              (res) => res.status,
              () => 0,
            );
        }
        expect(status).not.toBe(409);
        expect(gate.runs).toBe(2);
      } finally {
        await server.close();
      }
    });

    it('releases the key when the handler fails (500), even with replay', async () => {
      const target = app({ replay: true });
      gate.open();
      const fail = () => request(target).post('/fail').set('Idempotency-Key', KEY).send({});
      expect((await fail()).status).toBe(500);
      const again = await fail();
      expect(again.status).toBe(500);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect(gate.runs).toBe(2);
    });

    it('keeps the key of a request whose client went away until its handler ends, and replays what it sent', async () => {
      const target = app({ replay: true });
      const first = await abandonedOrder(target, KEY);
      try {
        await gate.entered();
        await first.abort(); // the server has seen the client go; its handler still runs
        // Were the key released, the retry would enter the handler, still held at the gate.
        const during = await Promise.race([
          order(target).then((res) => [res.status, problemOf(res).subCode]),
          gate.entered(2).then(() => ['ran a second time']),
        ]);
        expect(during).toEqual([409, '409.1']);
        gate.open();
        // Once the handler has sent its 201 to nobody, the retry gets it.
        let retry = await order(target);
        for (let attempt = 0; retry.status === 409 && attempt < 200; attempt++) {
          await sleep(10);
          retry = await order(target);
        }
        expect([retry.status, retry.headers['idempotent-replayed'], retry.body]).toEqual([
          201,
          'true',
          { id: 1, item: 'book' },
        ]);
        expect(gate.runs).toBe(1);
      } finally {
        gate.open();
        await first.close();
      }
    });

    it('releases the key when the handler’s `res.end` throws (an unknown encoding)', async () => {
      const target = app({ replay: true });
      gate.open();
      // Node has made the headers when the write throws, so the handler can only hang up.
      const attempt = () =>
        request(target)
          .post('/bogus')
          .set('Idempotency-Key', KEY)
          .then(
            (res) => res.status,
            (error: Error) => error.message,
          );
      expect(await attempt()).toBe('socket hang up');
      expect(await attempt()).toBe('socket hang up');
      expect(gate.runs).toBe(2);
    });

    it('lets the lease of a crashed request expire by itself', async () => {
      const target = app({ lockTtlMs: 5000 });
      const first = order(target).then((res) => res);
      await gate.entered();
      // As if the process holding the lock had died: nothing releases it, the lease runs out.
      clock.advance(4999);
      expect((await order(target)).status).toBe(409);
      clock.advance(1);
      gate.open();
      expect((await order(target)).status).toBe(201);
      await first;
    });
  });

  describe('leases', () => {
    it('renews the lease of a handler slower than it, so that no duplicate runs meanwhile', async () => {
      let renewals = 0;
      const renew = store.renew.bind(store);
      store.renew = (...args) => {
        renewals++;
        return renew(...args);
      };
      // The lease is 300 ms of the store's clock; renewals come every 100 ms of real time.
      const target = app({ lockTtlMs: 300 });
      const first = order(target).then((res) => res);
      await gate.entered();
      for (let step = 0; step < 3; step++) {
        const before = renewals;
        clock.advance(250);
        while (renewals === before) await sleep(20);
        // Wait for the renewal to land before moving the clock again.
        await sleep(20);
      }
      // 750 ms of store time have passed, far beyond one lease: still locked.
      expect((await order(target)).status).toBe(409);
      gate.open();
      expect((await first).status).toBe(201);
      expect(gate.runs).toBe(1);
    });

    it('changes nothing when an owner whose lease expired completes: the later owner’s response is kept', async () => {
      const logs = captureLogs();
      const target = app({ replay: true, lockTtlMs: 1000, logger: logs.logger });
      const stale = order(target).then((res) => res);
      await gate.entered(1);
      clock.advance(1000); // the first lease runs out with nothing renewing it in time
      const fresh = order(target).then((res) => res);
      await gate.entered(2);
      gate.open();
      const [staleRes, freshRes] = await Promise.all([stale, fresh]);
      expect(new Set([staleRes.body.id, freshRes.body.id])).toEqual(new Set([1, 2]));
      const replayed = await order(target);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      // Whichever finished first, only the owner that held the lock at its end is recorded.
      expect(replayed.body).toEqual({ id: 2, item: 'book' });
      await flushed();
      expect(logs.lines.filter((line) => line.code === 'OPERATION_LOCK_LEASE_LOST')).toEqual([
        expect.objectContaining({ level: 40, leasesLost: 1 }),
      ]);
    });
  });

  describe('replay', () => {
    it('replays the status, the allowed headers and the body, marked Idempotent-Replayed', async () => {
      const target = app({ replay: true });
      gate.open();
      const first = await order(target);
      const again = await order(target);
      expect(again.status).toBe(201);
      expect(again.text).toBe(first.text);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers.location).toBe('/orders/1');
      expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.headers['content-length']).toBe(first.headers['content-length']);
      expect(again.headers['set-cookie']).toBeUndefined();
      expect(again.headers['x-handler-only']).toBeUndefined();
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(gate.runs).toBe(1);
    });

    it.each([
      ['with no header set before', true],
      ['after X-Powered-By', false],
    ])(
      'records a response written with writeHead and a whole body in end, %s',
      async (_case, bare) => {
        const target = express();
        if (bare) target.disable('x-powered-by');
        let runs = 0;
        target.post(
          '/plain',
          operationLock({ store, replay: true, logger: false }),
          (_req, res) => {
            runs += 1;
            res.writeHead(
              201,
              [
                ['Content-Type', 'application/json'],
                ['Location', `/plain/${runs}`],
                ['Link', '</a>; rel="a"'],
                ['Link', '</b>; rel="b"'],
                ['Set-Cookie', 'session=first'],
              ].flat(),
            );
            res.end(JSON.stringify({ run: runs }));
          },
        );
        const post = () => request(target).post('/plain').set('Idempotency-Key', KEY);
        const first = await post();
        const again = await post();
        expect(runs).toBe(1);
        expect([again.status, again.text, again.headers['idempotent-replayed']]).toEqual([
          201,
          '{"run":1}',
          'true',
        ]);
        expect([
          again.headers['content-type'],
          again.headers.location,
          again.headers.link,
          again.headers['set-cookie'],
        ]).toEqual([
          first.headers['content-type'],
          '/plain/1',
          // What the first sent: both fields, or the last where Node merged them by name.
          first.headers.link,
          undefined,
        ]);
      },
    );

    /** The store, keeping each record it is given in `records`. */
    const recordingStore = (records: string[]): OperationLockStore => ({
      acquire: (...args) => store.acquire(...args),
      complete: (key, token, response, replayMs) => {
        records.push(response);
        return store.complete(key, token, response, replayMs);
      },
      release: (...args) => store.release(...args),
      renew: (...args) => store.renew(...args),
    });
    const binary = (req: request.Test) =>
      req.buffer(true).parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

    it('records a JSON body as text, as Express sends it (a Buffer, with its ETag)', async () => {
      const records: string[] = [];
      const target = lockedApp({ store: recordingStore(records), replay: true }, gate);
      gate.open();
      const first = await order(target);
      expect(records.map((record) => JSON.parse(record) as unknown)).toEqual([
        {
          s: 201,
          h: [
            ['Location', '/orders/1'],
            ['Content-Type', 'application/json; charset=utf-8'],
            ['ETag', first.headers.etag],
          ],
          t: '{"id":1,"item":"book"}',
        },
      ]);
    });

    it('replays a body that is not UTF-8 byte for byte', async () => {
      const target = app({ replay: true });
      gate.open();
      const first = await binary(request(target).post('/binary').set('Idempotency-Key', KEY));
      const again = await binary(request(target).post('/binary').set('Idempotency-Key', KEY));
      expect(first.body).toEqual(BINARY_BODY);
      expect(again.status).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['content-type']).toBe('application/octet-stream');
      expect(again.body).toEqual(BINARY_BODY);
      expect(gate.runs).toBe(1);
    });

    it('records a body of control characters in base64, not as six-character escapes', async () => {
      const records: string[] = [];
      const target = lockedApp({ store: recordingStore(records), replay: true }, gate);
      gate.open();
      await request(target).post('/zeros').set('Idempotency-Key', KEY);
      const [record] = records.map((text) => JSON.parse(text) as { t?: string; b?: string });
      expect(record!.t).toBeUndefined();
      expect(record!.b).toBe(Buffer.alloc(1000).toString('base64'));
      expect(records[0]!.length).toBeLessThan(1500);
    });

    it('replays a Uint8Array view into a larger buffer byte for byte', async () => {
      const target = app({ replay: true });
      gate.open();
      const first = await binary(request(target).post('/view').set('Idempotency-Key', KEY));
      const again = await binary(request(target).post('/view').set('Idempotency-Key', KEY));
      expect(first.body).toEqual(Buffer.from([0xff, 0x61, 0x62, 0x63, 0x64]));
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
    });

    it('replays a key sent as a token as the same key sent as a string', async () => {
      const target = app({ replay: true });
      gate.open();
      await order(target, { item: 'book' }, 'order-7f3a');
      expect((await order(target)).headers['idempotent-replayed']).toBe('true');
    });

    it('treats bodies that differ only in key order as the same payload', async () => {
      const target = app({ replay: true });
      gate.open();
      await order(target, { item: 'book', qty: 1 });
      const again = await order(target, { qty: 1, item: 'book' });
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
    });

    it('fingerprints a body nested 10,000 deep, which express.json() accepts', async () => {
      const target = app({ replay: true });
      gate.open();
      const deep = (leaf: string) => `${'['.repeat(10_000)}${leaf}${']'.repeat(10_000)}`;
      const send = (body: string) =>
        request(target)
          .post('/orders')
          .set('Idempotency-Key', KEY)
          .set('Content-Type', 'application/json')
          .send(body);
      const first = await send(deep('1'));
      const again = await send(deep('1'));
      const other = await send(deep('2'));
      expect([first.status, again.status, again.headers['idempotent-replayed']]).toEqual([
        201,
        201,
        'true',
      ]);
      expect([other.status, problemOf(other).subCode]).toEqual([422, '422.10']);
    });

    it('answers 422.10 for the key reused with another payload after completion', async () => {
      const target = app({ replay: true });
      gate.open();
      await order(target);
      const other = await order(target, { item: 'pen' });
      expect(other.status).toBe(422);
      expect(problemOf(other)).toEqual(REUSED);
    });

    it('replays a 4xx by default, exactly', async () => {
      const target = app({ replay: true });
      gate.open();
      const invalid = () => request(target).post('/invalid').set('Idempotency-Key', KEY).send({});
      const first = await invalid();
      const again = await invalid();
      expect([first.status, again.status]).toEqual([422, 422]);
      expect(again.text).toBe(first.text);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(gate.runs).toBe(1);
    });

    it('replays the problem’s X-Content-Type-Options with it, by default', async () => {
      const target = app({ replay: true });
      gate.open();
      const invalid = () => request(target).post('/invalid').set('Idempotency-Key', KEY).send({});
      const [first, again] = [await invalid(), await invalid()];
      expect([
        first.headers['x-content-type-options'],
        again.headers['x-content-type-options'],
      ]).toEqual(['nosniff', 'nosniff']);
      expect(again.headers['content-type']).toBe('application/problem+json');
    });

    it.each([
      ['408', ''],
      ['425', ''],
      ['429', '&retry-after=1'],
      ['403', '&retry-after=300'],
      ['409', '&retry-after=1'],
    ])(
      'does not record a %s that says to try again later, by default: a retry runs again',
      async (status, query) => {
        const target = app({ replay: true });
        gate.open();
        const later = () =>
          request(target)
            .post(`/later?status=${status}${query}`)
            .set('Idempotency-Key', KEY)
            .send({});
        const [first, again] = [await later(), await later()];
        expect([first.status, first.body, again.status, again.body]).toEqual([
          Number(status),
          { run: 1 },
          Number(status),
          { run: 2 },
        ]);
        expect(again.headers['idempotent-replayed']).toBeUndefined();
      },
    );

    it('records a 403 without Retry-After, and a 202 with one, by default', async () => {
      const target = app({ replay: true });
      gate.open();
      const send = (query: string, key: string) =>
        request(target).post(`/later?${query}`).set('Idempotency-Key', key).send({});
      await send('status=403', '"a"');
      const forbidden = await send('status=403', '"a"');
      await send('status=202&retry-after=5', '"b"');
      const accepted = await send('status=202&retry-after=5', '"b"');
      expect(
        [forbidden, accepted].map((res) => [
          res.status,
          res.body,
          res.headers['idempotent-replayed'],
        ]),
      ).toEqual([
        [403, { run: 1 }, 'true'],
        [202, { run: 2 }, 'true'],
      ]);
    });

    it("replays a 5xx with record: 'all'", async () => {
      const target = app({ replay: true, record: 'all' });
      gate.open();
      const fail = () => request(target).post('/fail').set('Idempotency-Key', KEY).send({});
      const first = await fail();
      const again = await fail();
      expect(again.status).toBe(500);
      expect(again.text).toBe(first.text);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(gate.runs).toBe(1);
    });

    it('records what a `record` function accepts, and releases the rest', async () => {
      const target = app({ replay: true, record: (_req, res) => res.statusCode === 201 });
      gate.open();
      const invalid = () => request(target).post('/invalid').set('Idempotency-Key', KEY).send({});
      await invalid();
      expect((await invalid()).headers['idempotent-replayed']).toBeUndefined();
      expect(gate.runs).toBe(2);
    });

    it('does not record a streamed response, or one above maxBodyBytes, and says so once', async () => {
      const logs = captureLogs();
      const target = app({ replay: true, maxBodyBytes: 100, logger: logs.logger });
      gate.open();
      const stream = () => request(target).post('/stream').set('Idempotency-Key', KEY).send({});
      expect((await stream()).text).toBe('part 1, part 2');
      expect((await stream()).headers['idempotent-replayed']).toBeUndefined();
      const big = (bytes: number) =>
        request(target)
          .post(`/big?bytes=${bytes}`)
          .set('Idempotency-Key', `"big-${bytes}"`)
          .send({});
      await big(101);
      expect((await big(101)).headers['idempotent-replayed']).toBeUndefined();
      await big(100);
      expect((await big(100)).headers['idempotent-replayed']).toBe('true');
      expect(gate.runs).toBe(5);
      await flushed();
      expect(logs.lines.filter((line) => line.code === 'OPERATION_LOCK_NOT_RECORDED')).toHaveLength(
        1,
      );
    });
  });

  describe('waiting', () => {
    it('stops waiting, and asks the store nothing more, once the waiting client goes away', async () => {
      let acquires = 0;
      const acquire = store.acquire.bind(store);
      store.acquire = (...args) => {
        acquires++;
        return acquire(...args);
      };
      const target = app({ replay: true, waitMs: 60_000 });
      const server = await serve(target);
      try {
        const first = order(target).then((res) => res);
        await gate.entered();
        const waiting = httpRequest(`${server.url}/orders`, {
          method: 'POST',
          headers: { 'Idempotency-Key': KEY, 'Content-Type': 'application/json' },
        });
        waiting.on('error', () => undefined);
        waiting.end(JSON.stringify({ item: 'book' }));
        // The waiting duplicate has asked once and found the first running.
        for (let attempt = 0; acquires < 2 && attempt < 200; attempt++) {
          await sleep(10);
        }
        waiting.destroy();
        await sleep(100);
        const asked = acquires;
        gate.open();
        expect((await first).status).toBe(201);
        // Had it still waited, the first one's completion would have woken it to ask again.
        await sleep(300);
        expect(acquires).toBe(asked);
        expect(gate.runs).toBe(1);
      } finally {
        await server.close();
      }
    });

    it('lets a duplicate wait for the first to finish, then replays its response', async () => {
      const target = app({ replay: true, waitMs: 10_000 });
      const first = order(target).then((res) => res);
      await gate.entered();
      const waiting = order(target).then((res) => res);
      await sleep(30);
      gate.open();
      const [a, b] = await Promise.all([first, waiting]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.text).toBe(a.text);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect(gate.runs).toBe(1);
    });

    it.each<[string, boolean, Partial<OperationLockOptions>]>([
      ['and the first still runs', false, {}],
      ['even if the store’s notice never comes', true, { storeTimeoutMs: 20 }],
    ])('answers 409.1 once the wait is over %s', async (_case, noticeNeverComes, options) => {
      if (noticeNeverComes) store.waitForChange = () => new Promise<void>(() => undefined);
      const target = app({ replay: true, waitMs: 40, ...options });
      const first = order(target).then((res) => res);
      await gate.entered();
      const waited = await order(target);
      expect(waited.status).toBe(409);
      expect(problemOf(waited)).toEqual(IN_PROGRESS);
      gate.open();
      await first;
    });

    it('runs a waiting duplicate itself when the first released its key (a 5xx)', async () => {
      const target = app({ replay: true, waitMs: 10_000 });
      const fail = () => request(target).post('/fail').set('Idempotency-Key', KEY).send({});
      const first = fail().then((res) => res);
      await gate.entered();
      const waiting = fail().then((res) => res);
      await sleep(30);
      gate.open();
      expect((await first).status).toBe(500);
      expect((await waiting).status).toBe(500);
      expect(gate.runs).toBe(2);
    });
  });

  describe('keys', () => {
    it('lets a request without a key through unlocked when keys are not required', async () => {
      const target = app();
      const first = request(target)
        .post('/orders')
        .send({})
        .then((res) => res);
      await gate.entered();
      gate.open();
      const second = await request(target).post('/orders').send({});
      expect([(await first).status, second.status]).toEqual([201, 201]);
    });

    it('answers 400.10 for a missing key when required, with a Link to the docs', async () => {
      const target = app({ required: true, docsUrl: 'https://api.example.com/docs/idempotency' });
      const res = await request(target).post('/orders').send({});
      expect(res.status).toBe(400);
      expect(res.headers.link).toBe(
        '<https://api.example.com/docs/idempotency>; rel="describedby"',
      );
      expect(problemOf(res)).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail:
          'This request needs an Idempotency-Key header: a unique value per operation, so that a retry cannot run it twice.',
        instance: '/orders',
        code: 'IDEMPOTENCY_KEY_MISSING',
        subCode: '400.10',
      });
      expect(gate.runs).toBe(0);
    });

    it('answers 400.10 without Link when no docs URL is configured', async () => {
      const res = await request(app({ required: true }))
        .post('/orders')
        .send({});
      expect(res.status).toBe(400);
      expect(res.headers.link).toBeUndefined();
    });

    it('answers 400.11 for a malformed or over-long key, saying why', async () => {
      const target = app();
      const list = await order(target, {}, '"a", "b"');
      expect(list.status).toBe(400);
      expect(problemOf(list)).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail:
          'The Idempotency-Key holds several values (a list, or the header sent twice); send one.',
        instance: '/orders',
        code: 'IDEMPOTENCY_KEY_INVALID',
        subCode: '400.11',
      });
      const long = await order(target, {}, `"${'k'.repeat(256)}"`);
      expect(long.status).toBe(400);
      expect(problemOf(long).detail).toBe(
        'The Idempotency-Key is 256 characters long; at most 255 are accepted.',
      );

      expect(gate.runs).toBe(0);
    });

    it('names a custom `header` as written in its 400.10, 400.11 and 422.10 details', async () => {
      const target = app({ header: 'Request-Key', required: true, replay: true });
      const missing = await request(target).post('/orders').send({});
      expect(problemOf(missing).detail).toBe(
        'This request needs a Request-Key header: a unique value per operation, so that a retry cannot run it twice.',
      );
      const list = await request(target).post('/orders').set('Request-Key', '"a", "b"').send({});
      expect(problemOf(list).detail).toBe(
        'The Request-Key holds several values (a list, or the header sent twice); send one.',
      );
      gate.open();
      await request(target).post('/orders').set('Request-Key', KEY).send({ amount: 1 });
      const reused = await request(target)
        .post('/orders')
        .set('Request-Key', KEY)
        .send({ amount: 2 });
      expect(reused.status).toBe(422);
      expect(problemOf(reused).detail).toBe(
        'This Request-Key was already used for a different request. Use a new key for a new operation, or resend the original request unchanged.',
      );
    });

    it('lets requests with a safe method through unlocked, key or not: each runs, none is replayed', async () => {
      const target = app({ replay: true, required: true });
      const get = (key?: string) => {
        const req = request(target).get('/orders');
        return (key === undefined ? req : req.set('Idempotency-Key', key)).then((res) => res);
      };
      const first = get(KEY);
      await gate.entered();
      const duplicate = get(KEY); // while the first runs: no 409.1
      // Locked, the duplicate would be answered at once; unlocked, it enters the handler.
      await Promise.race([duplicate, gate.entered(2)]);
      gate.open();
      const answers = [
        await first,
        await duplicate,
        await get(KEY),
        await get(),
        await get('a, b'),
      ];
      expect(
        answers.map((res) => [res.status, res.body, res.headers['idempotent-replayed']]),
      ).toEqual([
        [200, { run: 1 }, undefined],
        [200, { run: 2 }, undefined],
        [200, { run: 3 }, undefined],
        [200, { run: 4 }, undefined],
        [200, { run: 5 }, undefined],
      ]);
      const head = await request(target).head('/orders').set('Idempotency-Key', KEY);
      expect([head.status, head.headers['idempotent-replayed'], gate.runs]).toEqual([
        200,
        undefined,
        6,
      ]);
    });

    it('reads the key from `key` when given, e.g. a body field', async () => {
      const target = app({
        replay: true,
        key: (req) => (req.body as { orderRef?: string }).orderRef,
      });
      gate.open();
      await request(target).post('/orders').send({ orderRef: 'r1' });
      const again = await request(target).post('/orders').send({ orderRef: 'r1' });
      expect(again.headers['idempotent-replayed']).toBe('true');
    });
  });
});

describe('operationLock after a client left', () => {
  const order = (target: ReturnType<typeof lockedApp>) =>
    request(target).post('/orders').set('Idempotency-Key', KEY).send({ item: 'book' });

  it('renews the lock of a request whose client left for ten leases more, then lets it run out', async () => {
    // On the store's own clock: the renewals must move the lease along real time.
    const inner = new MemoryLockStore();
    const gate = new Gate();
    // The client leaves while the lock is being taken, before the close could be listened for.
    let letAcquire!: () => void;
    const acquiring = new Promise<void>((resolve) => (letAcquire = resolve));
    let first = true;
    const delayed: OperationLockStore = {
      acquire: async (...args) => {
        if (first) {
          first = false;
          await acquiring;
        }
        return inner.acquire(...args);
      },
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      renew: (...args) => inner.renew(...args),
    };
    const lockTtlMs = 200; // renewed every 66 ms; ten leases are 2 s
    const target = lockedApp({ store: delayed, storeTimeoutMs: 10_000, lockTtlMs }, gate);
    const client = await abandonedOrder(target, KEY);
    const retryStatus = () =>
      Promise.race([
        order(target).then((res) => res.status),
        gate.entered(2).then(() => 'ran a second time'),
      ]);
    try {
      await sleep(50); // while the lock is being taken
      await client.abort();
      letAcquire();
      await gate.entered(); // the handler runs, and will never end its response
      // Renewed after the client left: two leases on, the key is still held.
      await sleep(2 * lockTtlMs);
      expect(await retryStatus()).toBe(409);
      // Ten leases after the close nothing renews it, and it runs out.
      await sleep(10 * lockTtlMs + 2 * lockTtlMs);
      expect(await retryStatus()).toBe('ran a second time');
    } finally {
      gate.open();
      await client.close();
      inner.shutdown();
    }
  });
});

describe('operationLock when its store fails', () => {
  const failing: OperationLockStore = {
    acquire: () => Promise.reject(new Error('connection lost')),
    complete: () => Promise.reject(new Error('connection lost')),
    release: () => Promise.reject(new Error('connection lost')),
    renew: () => Promise.reject(new Error('connection lost')),
  };
  const hanging: OperationLockStore = {
    acquire: () => new Promise(() => undefined),
    complete: () => new Promise(() => undefined),
    release: () => new Promise(() => undefined),
    renew: () => new Promise(() => undefined),
  };

  it('answers 503 with Retry-After and runs nothing when failing closed (the default)', async () => {
    const gate = new Gate();
    const res = await request(lockedApp({ store: failing }, gate))
      .post('/orders')
      .set('Idempotency-Key', KEY)
      .send({});
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail:
        'Duplicate-request protection is unavailable, so the request was not run; try again shortly.',
      instance: '/orders',
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(gate.runs).toBe(0);
  });

  it('logs the 503 of a failing store as the fault it is, at error, each time, not as a refusal', async () => {
    const logs = captureLogs();
    const app = express();
    app.post('/orders', operationLock({ store: failing, logger: false }), (_req, res) => {
      res.status(201).end();
    });
    app.use(errorHandler({ logger: logs.logger }));
    for (let i = 0; i < 2; i++) {
      expect((await request(app).post('/orders').set('Idempotency-Key', KEY)).status).toBe(503);
    }
    await flushed();
    expect(logs.lines.map(({ level, status, refusal }) => ({ level, status, refusal }))).toEqual([
      { level: 50, status: 503, refusal: undefined },
      { level: 50, status: 503, refusal: undefined },
    ]);
  });

  it('runs requests without the lock when failing open, and warns once per outage', async () => {
    const logs = captureLogs();
    const gate = new Gate();
    gate.open();
    const target = lockedApp({ store: failing, failOpen: true, logger: logs.logger }, gate);
    for (let i = 0; i < 3; i++) {
      expect(
        (await request(target).post('/orders').set('Idempotency-Key', KEY).send({})).status,
      ).toBe(201);
    }
    await flushed();
    expect(
      logs.lines.filter((line) => line.code === 'OPERATION_LOCK_STORE_UNAVAILABLE'),
    ).toHaveLength(1);
  });

  it('gives up on a store that does not answer within storeTimeoutMs', async () => {
    const res = await request(lockedApp({ store: hanging, storeTimeoutMs: 20 }))
      .post('/orders')
      .set('Idempotency-Key', KEY)
      .send({});
    expect(res.status).toBe(503);
  });

  /**
   * Sends five keyed requests with 10 kB bodies through an app locked on
   * `store`, and answers their statuses and how many of those requests are
   * still alive after a full collection.
   */
  async function requestsKept(
    options: OperationLockOptions,
  ): Promise<{ statuses: number[]; kept: number }> {
    const { track, kept } = requestTracker();
    const app = express();
    app.use(express.json());
    app.use(track);
    app.post(
      '/orders',
      operationLock({ storeTimeoutMs: 20, logger: false, ...options }),
      (_req, res) => {
        res.status(201).json({});
      },
    );
    app.use(errorHandler({ logger: false }));
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(app)
        .post('/orders')
        .set('Idempotency-Key', `"key-${i}"`)
        .send({ body: 'x'.repeat(10_000) });
      statuses.push(res.status);
    }
    // Past the deadline of the last call.
    await sleep(60);
    return { statuses, kept: await kept() };
  }

  it('keeps none of the requests it gave up on while the store still hangs', async () => {
    // As a Redis client's queue of commands does: it holds each call until it is answered.
    const unanswered: unknown[] = [];
    const store: OperationLockStore = {
      ...hanging,
      acquire: () => new Promise((resolve) => unanswered.push(resolve)),
    };
    expect(await requestsKept({ store })).toEqual({ statuses: [503, 503, 503, 503, 503], kept: 0 });
    expect(unanswered).toHaveLength(5);
  });

  it.each([false, true])(
    'keeps none of the requests it ran once the store hangs on completing them (replay: %s)',
    async (replay) => {
      const inner = new MemoryLockStore();
      // As a Redis client's queue of commands does: it holds each call until it is answered.
      const unanswered: unknown[] = [];
      const hangs = () => new Promise<boolean>((resolve) => unanswered.push(resolve));
      const store: OperationLockStore = {
        acquire: (...args) => inner.acquire(...args),
        complete: hangs,
        release: hangs,
        renew: hangs,
      };
      expect(await requestsKept({ store, replay })).toEqual({
        statuses: [201, 201, 201, 201, 201],
        kept: 0,
      });
      expect(unanswered).toHaveLength(5);
      inner.shutdown();
    },
  );

  it('sends no second renewal while one is on its way to a store that hangs', async () => {
    const inner = new MemoryLockStore();
    let renewals = 0;
    const store: OperationLockStore = {
      acquire: (...args) => inner.acquire(...args),
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      renew: () => {
        renewals += 1;
        return new Promise<boolean>(() => undefined);
      },
    };
    const app = express();
    app.post(
      '/orders',
      // A renewal every 10 ms; none times out while the handler runs.
      operationLock({ store, lockTtlMs: 30, storeTimeoutMs: 10_000, logger: false }),
      (_req, res) => {
        setTimeout(() => res.status(201).json({}), 80);
      },
    );
    app.use(errorHandler({ logger: false }));
    const res = await request(app).post('/orders').set('Idempotency-Key', '"slow"');
    expect(res.status).toBe(201);
    expect(renewals).toBe(1);
    inner.shutdown();
  });

  it('releases a lock its store grants after the request gave up waiting', async () => {
    const inner = new MemoryLockStore();
    let grant: (() => void) | undefined;
    const late: OperationLockStore = {
      acquire: (...args) =>
        new Promise((resolve) => {
          grant = () => resolve(inner.acquire(...args));
        }),
      complete: (...args) => inner.complete(...args),
      release: (...args) => inner.release(...args),
      renew: (...args) => inner.renew(...args),
    };
    const res = await request(lockedApp({ store: late, storeTimeoutMs: 20 }))
      .post('/orders')
      .set('Idempotency-Key', KEY)
      .send({});
    expect(res.status).toBe(503);
    grant!();
    await new Promise((resolve) => setImmediate(resolve));
    // Nobody would renew or release it: kept, it would refuse every retry for its whole lease.
    expect(inner.size).toBe(0);
    inner.shutdown();
  });

  it('treats an answer of the wrong shape as a store failure', async () => {
    const odd = {
      ...failing,
      acquire: () => ({ state: 'maybe' }),
    } as unknown as OperationLockStore;
    const res = await request(lockedApp({ store: odd }))
      .post('/orders')
      .set('Idempotency-Key', KEY)
      .send({});
    expect(res.status).toBe(503);
  });
});
