import { request as httpRequest } from 'node:http';
import express from 'express';
import request from 'supertest';
import {
  errorHandler,
  operationLock,
  type OperationLockOptions,
  type OperationLockStore,
} from '../../src/index.js';
import { Gate, inProgressProblem } from '../helpers/lock-app.js';
import { KEY, lockStores, useLockStore } from '../helpers/lock-stores.js';
import { problemOf } from '../helpers/problem.js';
import { serve } from '../helpers/server.js';
import { sleep } from '../helpers/event-loop.js';

const IN_PROGRESS = inProgressProblem('/orders');

describe.each(lockStores())('operationLock on %s', (_name, makeStore) => {
  let store: OperationLockStore;
  let gate: Gate;
  const { app, order } = useLockStore(makeStore, (made) => ({ store, gate } = made));

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

    it('polls the store, rather than asking it again at once, while its notice rejects', async () => {
      let acquires = 0;
      const acquire = store.acquire.bind(store);
      store.acquire = (...args) => {
        acquires++;
        return acquire(...args);
      };
      store.waitForChange = () => Promise.reject(new Error('no notices just now'));
      const target = app({ replay: true, waitMs: 300 });
      const first = order(target).then((res) => res);
      await gate.entered();
      const asked = acquires;
      const waited = await order(target);
      expect(waited.status).toBe(409);
      // Its first ask, then one after each poll of 20, 40, 80 and 160 ms (fewer when a timer is
      // late); a wait that ended at once asked thousands of times in the 300 ms.
      expect(acquires - asked).toBeGreaterThanOrEqual(2);
      expect(acquires - asked).toBeLessThanOrEqual(6);
      gate.open();
      expect((await first).status).toBe(201);
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

    it('passes on a throw from the handler a waiting duplicate runs, when Express cannot catch it', async () => {
      // Middleware that calls the lock itself: the handler it runs in `next` is not on Express's
      // stack once the duplicate's wait ends, so nothing but the lock can catch its throw.
      const lock = operationLock({ store, waitMs: 10_000, storeTimeoutMs: 10_000, logger: false });
      const target = express();
      target.post('/orders', (req, res, next) => {
        lock(req, res, (error?: unknown) => {
          if (error !== undefined) return next(error);
          if (gate.runs > 0) throw new Error('The handler broke');
          // The first fails: its key is released and the waiting duplicate runs.
          void gate.pass().then(() => res.status(500).end());
        });
      });
      target.use(errorHandler({ logger: false }));
      const send = () => request(target).post('/orders').set('Idempotency-Key', KEY);
      const first = send().then((res) => res);
      await gate.entered();
      const waiting = send().then((res) => res);
      await sleep(30);
      gate.open();
      expect((await first).status).toBe(500);
      const thrown = await waiting;
      expect([thrown.status, problemOf(thrown).title]).toEqual([500, 'Internal Server Error']);
      await lock.onIdle();
    });
  });
});
