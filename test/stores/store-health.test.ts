import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { CodedWarnings } from '../../src/logging/coded-warnings.js';
import { CHANNEL_NAMES } from '../../src/observability/channels.js';
import { OUTAGE_QUIET_MS, OUTAGE_REMINDER_MS } from '../../src/stores/outage.js';
import { StoreHealth } from '../../src/stores/store-health.js';
import { freezePerformanceNow } from '../helpers/clock.js';
import { captureLogs, flushed } from '../helpers/logs.js';

const MESSAGES = {
  TEST_STORE_UNAVAILABLE: 'down',
  TEST_STORE_STILL_UNAVAILABLE: 'still down',
  TEST_STORE_EVICTION: 'may evict',
};
const CODES = {
  storeName: 'test',
  unavailable: 'TEST_STORE_UNAVAILABLE',
  stillUnavailable: 'TEST_STORE_STILL_UNAVAILABLE',
  recovered: 'TEST_STORE_RECOVERED',
  eviction: 'TEST_STORE_EVICTION',
} as const;

describe('StoreHealth', () => {
  let clock: ReturnType<typeof freezePerformanceNow>;
  beforeEach(() => {
    clock = freezePerformanceNow();
  });
  afterEach(() => clock.restore());

  /** One outage: two failures, a reminder's worth of time, a third, then an answer after the quiet time. */
  function outage(health: StoreHealth<keyof typeof MESSAGES>): void {
    health.answered();
    health.failed(new Error("OOM command not allowed when used memory > 'maxmemory'."));
    health.failed(new Error('second'));
    clock.advance(OUTAGE_REMINDER_MS);
    health.failed(new Error('third'));
    health.answered();
    clock.advance(OUTAGE_QUIET_MS);
    health.answered();
    health.answered();
  }

  it("writes an outage's start, reminder and end with the middleware's codes, each with its fields in order", () => {
    const logs = captureLogs();
    outage(new StoreHealth({}, new CodedWarnings(MESSAGES, () => logs.logger), CODES));
    // The line's own fields, in order, without those pino adds (time, pid, hostname).
    const fields = ({
      level,
      msg,
      time: _time,
      pid: _pid,
      hostname: _hostname,
      ...own
    }: Record<string, unknown>) => ({
      level,
      msg,
      keys: Object.keys(own),
      ...own,
    });
    expect(logs.lines.map(fields)).toEqual([
      {
        level: 40,
        msg: 'down',
        keys: ['code', 'err', 'hint'],
        code: 'TEST_STORE_UNAVAILABLE',
        err: expect.objectContaining({ message: expect.stringMatching(/^OOM/) }),
        hint: expect.stringMatching(/^Redis is out of memory/),
      },
      {
        level: 40,
        msg: 'still down',
        keys: ['code', 'failedCalls', 'outageMs', 'err'],
        code: 'TEST_STORE_STILL_UNAVAILABLE',
        failedCalls: 3,
        outageMs: OUTAGE_REMINDER_MS,
        err: expect.objectContaining({ message: 'third' }),
      },
      {
        level: 30,
        msg: 'The test store answers again, and no call to it has failed for 30 s: the outage is over (`failedCalls` failed during it).',
        keys: ['code', 'failedCalls', 'outageMs'],
        code: 'TEST_STORE_RECOVERED',
        failedCalls: 3,
        outageMs: OUTAGE_REMINDER_MS,
      },
    ]);
  });

  it('publishes the start and the end on the store channel only when given the failOpen its messages carry', () => {
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    subscribe(CHANNEL_NAMES.store, listener);
    try {
      class SomeStore {}
      const warnings = new CodedWarnings(MESSAGES, () => false);
      outage(new StoreHealth(new SomeStore(), warnings, CODES));
      expect(messages).toEqual([]);
      outage(new StoreHealth(new SomeStore(), warnings, CODES, { failOpen: false }));
      expect(messages).toEqual([
        {
          state: 'unavailable',
          error: expect.objectContaining({ message: expect.stringMatching(/^OOM/) }),
          store: 'SomeStore',
          failOpen: false,
        },
        {
          state: 'recovered',
          failedCalls: 3,
          outageMs: OUTAGE_REMINDER_MS,
          store: 'SomeStore',
          failOpen: false,
        },
      ]);
    } finally {
      unsubscribe(CHANNEL_NAMES.store, listener);
    }
  });

  it('asks the store about eviction once, at its first answer, and warns once with the policy', async () => {
    const logs = captureLogs();
    const asked: string[] = [];
    const store = {
      evictionPolicy: () => {
        asked.push('asked');
        return Promise.resolve('allkeys-lru');
      },
    };
    const health = new StoreHealth(store, new CodedWarnings(MESSAGES, () => logs.logger), CODES);
    health.failed(new Error('down'));
    expect(asked).toEqual([]);
    health.answered();
    health.answered();
    await flushed();
    expect(asked).toEqual(['asked']);
    expect(
      logs.lines.map(({ level, code, maxmemoryPolicy, msg }) => [
        level,
        code,
        maxmemoryPolicy,
        msg,
      ]),
    ).toEqual([
      [40, 'TEST_STORE_UNAVAILABLE', undefined, 'down'],
      [40, 'TEST_STORE_EVICTION', 'allkeys-lru', 'may evict'],
    ]);
  });
});
