import { LEASE_LOST_INTERVAL_MS, LockWarnings } from '../../src/operation-lock/warnings.js';
import { captureLogs } from '../helpers/logs.js';

describe('LockWarnings', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('logs a lost lease at once, then at most once a minute with the losses since the line before', () => {
    const logs = captureLogs();
    const warnings = new LockWarnings(() => logs.logger);
    warnings.leaseLost();
    warnings.leaseLost();
    warnings.leaseLost();
    jest.advanceTimersByTime(LEASE_LOST_INTERVAL_MS - 1);
    warnings.leaseLost();
    jest.advanceTimersByTime(1);
    warnings.leaseLost();
    jest.advanceTimersByTime(10 * LEASE_LOST_INTERVAL_MS);
    warnings.leaseLost();
    expect(logs.lines.map(({ level, code, leasesLost }) => ({ level, code, leasesLost }))).toEqual([
      { level: 40, code: 'OPERATION_LOCK_LEASE_LOST', leasesLost: 1 },
      { level: 40, code: 'OPERATION_LOCK_LEASE_LOST', leasesLost: 4 },
      { level: 40, code: 'OPERATION_LOCK_LEASE_LOST', leasesLost: 1 },
    ]);
  });

  it('logs each other warning once', () => {
    const logs = captureLogs();
    const warnings = new LockWarnings(() => logs.logger);
    for (let i = 0; i < 3; i++) {
      warnings.warnOnce('OPERATION_LOCK_NOT_RECORDED', { status: 201 });
      jest.advanceTimersByTime(LEASE_LOST_INTERVAL_MS);
    }
    expect(logs.lines.map(({ code, status }) => ({ code, status }))).toEqual([
      { code: 'OPERATION_LOCK_NOT_RECORDED', status: 201 },
    ]);
  });
});
