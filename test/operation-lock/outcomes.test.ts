import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { CHANNEL_NAMES, type OperationLockMessage } from '../../src/observability/channels.js';
import type { Attempt } from '../../src/operation-lock/attempt.js';
import { publishOutcome, tellLeaseLost } from '../../src/operation-lock/outcomes.js';
import type { LockWarnings } from '../../src/operation-lock/warnings.js';

describe('the outcomes of operationLock', () => {
  const messages: OperationLockMessage[] = [];
  const listen = (message: unknown) => messages.push(message as OperationLockMessage);
  beforeEach(() => {
    messages.length = 0;
    subscribe(CHANNEL_NAMES.operationLock, listen);
  });
  afterEach(() => unsubscribe(CHANNEL_NAMES.operationLock, listen));

  const req = { url: '/orders' };
  const attempt = () =>
    ({
      operation: { key: '1:c12:POST /ordersk', client: 'c', fingerprint: 'f' },
      lost: false,
      req,
    }) as unknown as Attempt;

  it("publishes an outcome with the attempt's lock key, client and request", () => {
    publishOutcome('conflict', attempt());
    expect(messages).toEqual([
      { outcome: 'conflict', key: '1:c12:POST /ordersk', client: 'c', req },
    ]);
    expect(messages[0]!.req).toBe(req);
  });

  it('tells of a lost lease once per request, on the channel and in the log', () => {
    const leaseLost = jest.fn();
    const warnings = { leaseLost } as unknown as LockWarnings;
    const lost = attempt();
    tellLeaseLost(lost, warnings);
    tellLeaseLost(lost, warnings);
    tellLeaseLost(attempt(), warnings);
    expect(messages.map((message) => message.outcome)).toEqual(['expired', 'expired']);
    expect(leaseLost).toHaveBeenCalledTimes(2);
  });
});
