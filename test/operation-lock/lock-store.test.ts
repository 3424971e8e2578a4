import { describeValue } from '../../src/options/describe-value.js';
import { checkAcquisition, type LockAcquisition } from '../../src/operation-lock/lock-store.js';

describe('checkAcquisition', () => {
  it.each<[string, unknown]>([
    ['acquired', { state: 'acquired' }],
    ['running', { state: 'running', fingerprint: 'f', leaseMs: 0 }],
    ['done', { state: 'done', fingerprint: 'f', response: '{}' }],
  ])('takes an answer of state %s as it is', (_state, answer) => {
    expect(checkAcquisition(answer as LockAcquisition)).toBe(answer);
  });

  it.each<[string, unknown, string]>([
    ['an unknown state', { state: 'maybe' }, '{"state":"maybe"}'],
    [
      'running without a fingerprint',
      { state: 'running', leaseMs: 5 },
      '{"state":"running","leaseMs":5}',
    ],
    [
      'running with a negative lease',
      { state: 'running', fingerprint: 'f', leaseMs: -1 },
      '{"state":"running","fingerprint":"f","leaseMs":-1}',
    ],
    [
      'done without its response',
      { state: 'done', fingerprint: 'f' },
      '{"state":"done","fingerprint":"f"}',
    ],
  ])('refuses %s, saying what it got', (_what, answer, shown) => {
    expect(() => checkAcquisition(answer as LockAcquisition)).toThrow(
      new TypeError(`The store answered acquire() with ${shown}`),
    );
  });

  it.each([undefined, null])('refuses %p, saying what it got', (answer) => {
    expect(() => checkAcquisition(answer as unknown as LockAcquisition)).toThrow(
      new TypeError(`The store answered acquire() with ${describeValue(answer)}`),
    );
  });
});
