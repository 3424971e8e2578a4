import express from 'express';
import request from 'supertest';
import { errorHandler, operationLock, type OperationLockStore } from '../../src/index.js';
import { Gate, inProgressProblem, keyReusedProblem } from '../helpers/lock-app.js';
import { KEY, lockStores, useLockStore } from '../helpers/lock-stores.js';
import { problemOf } from '../helpers/problem.js';
import { sleep } from '../helpers/event-loop.js';

const IN_PROGRESS = inProgressProblem('/orders');
const REUSED = keyReusedProblem('/orders');

describe.each(lockStores())('operationLock on %s', (_name, makeStore) => {
  let store: OperationLockStore;
  let gate: Gate;
  const { app, order } = useLockStore(makeStore, (made) => ({ store, gate } = made));

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
});
