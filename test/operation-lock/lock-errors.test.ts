import { refusalOf } from '../../src/errors/refusal.js';
import {
  inProgress,
  keyReused,
  malformedKey,
  missingKey,
  storeTimeout,
  storeUnavailable,
} from '../../src/operation-lock/lock-errors.js';
import { parseOperationLockOptions } from '../../src/operation-lock/options.js';

describe('the errors of operationLock', () => {
  it('asks for the header by the name the options gave it, with the article its sound takes', () => {
    expect(missingKey(parseOperationLockOptions()).message).toMatch(
      /^This request needs an Idempotency-Key header:/,
    );
    expect(missingKey(parseOperationLockOptions({ header: 'Request-Key' })).message).toMatch(
      /^This request needs a Request-Key header:/,
    );
  });

  it('links a 400.10 to the docs only when `docsUrl` is given', () => {
    const linked = missingKey(parseOperationLockOptions({ docsUrl: 'https://example.com/keys' }));
    expect(linked.subCode).toBe('400.10');
    expect(linked.headers).toEqual({ Link: '<https://example.com/keys>; rel="describedby"' });
    expect(missingKey(parseOperationLockOptions()).headers).toEqual({});
  });

  it('answers a malformed key 400.11 with the problem the parser found', () => {
    const error = malformedKey('The Idempotency-Key is not a string.');
    expect([error.status, error.subCode, error.message]).toEqual([
      400,
      '400.11',
      'The Idempotency-Key is not a string.',
    ]);
  });

  it('marks a 409.1 as a refusal of its client, with the `retryAfter` of the options', () => {
    const error = inProgress(parseOperationLockOptions({ retryAfter: 3 }), 'client-1');
    expect([error.status, error.subCode, error.headers['Retry-After']]).toEqual([
      409,
      '409.1',
      '3',
    ]);
    expect(refusalOf(error)).toEqual({ key: 'client-1' });
  });

  it('answers a reused key 422.10, naming the header', () => {
    const error = keyReused('Request-Key');
    expect([error.status, error.subCode]).toEqual([422, '422.10']);
    expect(error.message).toMatch(/^This Request-Key was already used for a different request\./);
  });

  it('makes the 503 of a failed store a fault, not a refusal, exposed with Retry-After', () => {
    const error = storeUnavailable();
    expect([error.status, error.expose, error.headers['Retry-After']]).toEqual([503, true, '5']);
    expect(refusalOf(error)).toBeUndefined();
  });

  it('says how long a store call that timed out was waited for', () => {
    expect(storeTimeout(250).message).toBe('The operation-lock store did not answer within 250 ms');
  });
});
