import { LEASE_LOST_INTERVAL_MS, LockWarnings } from '../../src/operation-lock/warnings.js';
import { captureLogs } from '../helpers/logs.js';

describe('LockWarnings', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('logs a lost lease at once, then the losses of the rest of the minute when it ends', () => {
    const logs = captureLogs();
    const warnings = new LockWarnings(() => logs.logger);
    const counts = () =>
      logs.lines.map(({ level, code, leasesLost }) => ({ level, code, leasesLost }));
    const line = (leasesLost: number) => ({
      level: 40,
      code: 'OPERATION_LOCK_LEASE_LOST',
      leasesLost,
    });
    warnings.leaseLost();
    expect(counts()).toEqual([line(1)]);
    jest.advanceTimersByTime(1000);
    warnings.leaseLost();
    warnings.leaseLost();
    jest.advanceTimersByTime(LEASE_LOST_INTERVAL_MS - 2000);
    warnings.leaseLost();
    expect(counts()).toEqual([line(1)]);
    jest.advanceTimersByTime(1000); // the minute ends
    expect(counts()).toEqual([line(1), line(3)]);
    jest.advanceTimersByTime(60 * LEASE_LOST_INTERVAL_MS);
    expect(counts()).toEqual([line(1), line(3)]);
    warnings.leaseLost(); // a minute and more after the last line: at once
    expect(counts()).toEqual([line(1), line(3), line(1)]);
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
