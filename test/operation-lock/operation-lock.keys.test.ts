import request from 'supertest';
import { Gate } from '../helpers/lock-app.js';
import { KEY, lockStores, useLockStore } from '../helpers/lock-stores.js';
import { problemOf } from '../helpers/problem.js';

describe.each(lockStores())('operationLock on %s', (_name, makeStore) => {
  let gate: Gate;
  const { app, order } = useLockStore(makeStore, (made) => ({ gate } = made));

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
