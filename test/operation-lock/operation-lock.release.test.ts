import { request as httpRequest } from 'node:http';
import request from 'supertest';
import type { OperationLockStore } from '../../src/index.js';
import { abandonedOrder, Gate } from '../helpers/lock-app.js';
import { KEY, lockStores, useLockStore, type LockClock } from '../helpers/lock-stores.js';
import { problemOf } from '../helpers/problem.js';
import { serve } from '../helpers/server.js';
import { sleep } from '../helpers/event-loop.js';

describe.each(lockStores())('operationLock on %s', (_name, makeStore) => {
  let clock: LockClock;
  let gate: Gate;
  let store: OperationLockStore;
  const { app, order } = useLockStore(makeStore, (made) => ({ clock, gate, store } = made));

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

    /** The client's retry of `/stream`, asked again while the first request holds the key (409). */
    async function retriedStream(target: Parameters<typeof request>[0]) {
      const stream = () =>
        request(target).post('/stream').set('Idempotency-Key', KEY).send({ item: 'book' });
      let retry = await stream();
      for (let attempt = 0; retry.status === 409 && attempt < 200; attempt++) {
        await sleep(10);
        retry = await stream();
      }
      return retry;
    }

    it('does not record a body its handler writes in parts after its client went away: the retry runs it again, whole', async () => {
      const target = app({ replay: true });
      const first = await abandonedOrder(target, KEY, '/stream');
      try {
        await gate.entered();
        await first.abort(); // Node's `write` now sends nothing, not even the headers
        gate.open(); // the handler writes 'part 1, ', then ends with 'part 2'
        const retry = await retriedStream(target);
        expect([retry.status, retry.headers['idempotent-replayed'], retry.text]).toEqual([
          200,
          undefined,
          'part 1, part 2',
        ]);
        expect(gate.runs).toBe(2);
      } finally {
        gate.open();
        await first.close();
      }
    });

    it('does not record a body written in parts by a handler whose client went away while the lock was being taken', async () => {
      let asked!: () => void;
      const asking = new Promise<void>((resolve) => (asked = resolve));
      let clientGone!: () => void;
      const gone = new Promise<void>((resolve) => (clientGone = resolve));
      let acquires = 0;
      // The first request's lock is granted only once its client has gone.
      const slowToGrant: OperationLockStore = {
        acquire: async (...args) => {
          if (++acquires === 1) {
            asked();
            await gone;
          }
          return store.acquire(...args);
        },
        complete: (...args) => store.complete(...args),
        release: (...args) => store.release(...args),
        renew: (...args) => store.renew(...args),
      };
      const target = app({ replay: true, store: slowToGrant });
      gate.open();
      const first = await abandonedOrder(target, KEY, '/stream');
      try {
        await asking;
        await first.abort();
        clientGone();
        await gate.entered();
        const retry = await retriedStream(target);
        expect([retry.status, retry.headers['idempotent-replayed'], retry.text]).toEqual([
          200,
          undefined,
          'part 1, part 2',
        ]);
        expect(gate.runs).toBe(2);
      } finally {
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
});
