import request from 'supertest';
import { MemoryLockStore, type OperationLockStore } from '../../src/index.js';
import { OUTAGE_QUIET_MS } from '../../src/stores/outage.js';
import { freezePerformanceNow } from '../helpers/clock.js';
import { Gate, lockedApp } from '../helpers/lock-app.js';
import { captureLogs, flushed } from '../helpers/logs.js';

/**
 * A memory lock store that fails, while `overMaxmemory`, every call that
 * would write, as Redis over `maxmemory` (noeviction) or a read-only
 * replica does: an acquire that finds a record still answers with it.
 */
class WriteFailingStore implements OperationLockStore {
  readonly inner = new MemoryLockStore();
  overMaxmemory = false;

  acquire(key: string, token: string, fingerprint: string, leaseMs: number) {
    const found = this.inner.acquire(key, token, fingerprint, leaseMs);
    if (!this.overMaxmemory || found.state !== 'acquired') return found;
    this.inner.release(key, token);
    throw new Error("OOM command not allowed when used memory > 'maxmemory'.");
  }
  complete(key: string, token: string, response: string, replayMs: number) {
    this.#write();
    return this.inner.complete(key, token, response, replayMs);
  }
  release(key: string, token: string) {
    return this.inner.release(key, token);
  }
  renew(key: string, token: string, leaseMs: number) {
    this.#write();
    return this.inner.renew(key, token, leaseMs);
  }
  #write(): void {
    if (this.overMaxmemory)
      throw new Error("OOM command not allowed when used memory > 'maxmemory'.");
  }
}

describe('operationLock when its store fails some calls and answers others', () => {
  let clock: ReturnType<typeof freezePerformanceNow>;
  beforeEach(() => {
    clock = freezePerformanceNow();
  });
  afterEach(() => clock.restore());

  it('warns once for the outage, not once per request, and says once when it ends, with its failed calls', async () => {
    const logs = captureLogs();
    const store = new WriteFailingStore();
    const gate = new Gate();
    gate.open();
    const app = lockedApp({ store, replay: true, logger: logs.logger }, gate);
    const order = (key: string) =>
      request(app).post('/orders').set('Idempotency-Key', `"${key}"`).send({ item: 'book' });
    for (let i = 0; i < 10; i++) expect((await order(`done-${i}`)).status).toBe(201);

    store.overMaxmemory = true;
    for (let i = 0; i < 10; i++) {
      expect((await order(`new-${i}`)).status).toBe(503);
      const replayed = await order(`done-${i}`);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      clock.advance(1000);
    }
    await flushed();
    expect(logs.lines.map(({ code }) => code)).toEqual(['OPERATION_LOCK_STORE_UNAVAILABLE']);

    store.overMaxmemory = false;
    expect((await order('after-1')).status).toBe(201); // 1 s after the last failure: still on
    clock.advance(OUTAGE_QUIET_MS);
    expect((await order('after-2')).status).toBe(201);
    expect((await order('after-3')).status).toBe(201);
    await flushed();
    expect(
      logs.lines.map(({ level, code, failedCalls, outageMs }) => ({
        level,
        code,
        failedCalls,
        outageMs,
      })),
    ).toEqual([
      {
        level: 40,
        code: 'OPERATION_LOCK_STORE_UNAVAILABLE',
        failedCalls: undefined,
        outageMs: undefined,
      },
      { level: 30, code: 'OPERATION_LOCK_STORE_RECOVERED', failedCalls: 10, outageMs: 9000 },
    ]);
  });

  it('tells an outage that goes on again every five minutes, with its failed calls so far', async () => {
    const logs = captureLogs();
    const store = new WriteFailingStore();
    store.overMaxmemory = true;
    const gate = new Gate();
    gate.open();
    const app = lockedApp({ store, replay: true, logger: logs.logger }, gate);
    // Eleven minutes of a store that refuses every new key, a request every 10 s.
    for (let i = 0; i < 66; i++) {
      const res = await request(app)
        .post('/orders')
        .set('Idempotency-Key', `"new-${i}"`)
        .send({ item: 'book' });
      expect(res.status).toBe(503);
      clock.advance(10_000);
    }
    await flushed();
    expect(
      logs.lines.map(({ code, failedCalls, outageMs, hint }) => ({
        code,
        failedCalls,
        outageMs,
        hinted: typeof hint === 'string',
      })),
    ).toEqual([
      {
        code: 'OPERATION_LOCK_STORE_UNAVAILABLE',
        failedCalls: undefined,
        outageMs: undefined,
        hinted: true,
      },
      {
        code: 'OPERATION_LOCK_STORE_STILL_UNAVAILABLE',
        failedCalls: 31,
        outageMs: 300_000,
        hinted: true,
      },
      {
        code: 'OPERATION_LOCK_STORE_STILL_UNAVAILABLE',
        failedCalls: 61,
        outageMs: 600_000,
        hinted: true,
      },
    ]);
  });
});
