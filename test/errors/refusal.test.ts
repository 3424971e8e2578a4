import { TooManyRequestsError } from '../../src/index.js';
import { markRefusal, refusalError, refusalOf } from '../../src/errors/refusal.js';

describe('refusalError', () => {
  it('makes the error marked as a refusal of the key, without stack frames', () => {
    const error = refusalError(() => new TooManyRequestsError('Slow down'), { key: 'ada' });
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect(refusalOf(error)).toEqual({ key: 'ada' });
    expect(error.stack).toBe('TooManyRequestsError: Slow down');
  });

  it('gives Error.stackTraceLimit back, also when making the error throws', () => {
    const limit = Error.stackTraceLimit;
    expect(() =>
      refusalError(() => {
        throw new RangeError('bad option');
      }),
    ).toThrow('bad option');
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('after').stack).toContain('refusal.test.ts');
  });
});

describe('markRefusal', () => {
  it('marks an error again, the last mark standing', () => {
    const error = refusalError(() => new TooManyRequestsError('Slow down'), { key: 'limiter' });
    expect(refusalOf(markRefusal(error, { key: 'ada' }))).toEqual({ key: 'ada' });
  });

  it('refuses a frozen error with a message that says what to do', () => {
    expect(() => markRefusal(Object.freeze(new Error('x')), { key: 'ada' })).toThrow(
      'markRefusal(): the error is frozen or sealed; mark it before freezing it',
    );
  });
});
