import request from 'supertest';
import { RedisLockStore } from '../../src/index.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { connectClient, describeWithRedis, uniquePrefix } from '../helpers/redis.js';
import { sleep } from '../helpers/event-loop.js';

// Two app instances, each with its own client, share one Redis (on Redis's own clock).
describeWithRedis('operationLock across two app instances on one Redis', () => {
  let connections: Awaited<ReturnType<typeof connectClient>>[];
  let gate: Gate;
  let prefix: string;

  beforeEach(async () => {
    connections = [await connectClient('ioredis'), await connectClient('node-redis')];
    gate = new Gate();
    prefix = uniquePrefix();
  });
  afterEach(async () => {
    gate.open();
    for (const connection of connections) await connection.close();
  });

  const instances = (options: { replay?: boolean; waitMs?: number } = {}) =>
    connections.map(({ client }) =>
      lockedApp({ ...options, store: new RedisLockStore({ client, prefix }) }, gate),
    );

  const send = (app: ReturnType<typeof lockedApp>) =>
    request(app).post('/orders').set('Idempotency-Key', '"pay-50"').send({ amount: 50 });

  it('runs the handler exactly once for 50 concurrent duplicates spread over both', async () => {
    const apps = instances({ replay: true });
    let answered = 0;
    const all = Promise.all(
      Array.from({ length: 50 }, (_, i) => send(apps[i % 2]!).then((res) => (answered++, res))),
    );
    await gate.entered();
    for (let attempt = 0; answered < 49 && attempt < 500; attempt++) {
      await sleep(10);
    }
    expect(answered).toBe(49);
    gate.open();
    const statuses = (await all).map((res) => res.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(49).fill(409)]);
    expect(gate.runs).toBe(1);
    // Either instance now replays the one response.
    for (const app of apps) {
      const again = await send(app);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
    expect(gate.runs).toBe(1);
  });

  it('lets 50 waiting duplicates on both instances receive the one response', async () => {
    const apps = instances({ replay: true, waitMs: 30_000 });
    const all = Promise.all(Array.from({ length: 50 }, (_, i) => send(apps[i % 2]!)));
    await gate.entered();
    await sleep(50);
    gate.open();
    const responses = await all;
    expect(responses.map((res) => res.status)).toEqual(Array<number>(50).fill(201));
    expect(new Set(responses.map((res) => res.text)).size).toBe(1);
    expect(responses.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(
      49,
    );
    expect(gate.runs).toBe(1);
  }, 30_000);
});
