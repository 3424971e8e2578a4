import express from 'express';
import request from 'supertest';
import { operationLock, type OperationLockStore } from '../../src/index.js';
import { BINARY_BODY, Gate, keyReusedProblem, lockedApp } from '../helpers/lock-app.js';
import { KEY, lockStores, useLockStore } from '../helpers/lock-stores.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';

const REUSED = keyReusedProblem('/orders');

describe.each(lockStores())('operationLock on %s', (_name, makeStore) => {
  let store: OperationLockStore;
  let gate: Gate;
  const { app, order } = useLockStore(makeStore, (made) => ({ store, gate } = made));

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
});
