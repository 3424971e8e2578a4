import {
  BadRequestError,
  ConflictError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '../errors/error-classes.js';
import { markRefusal } from '../errors/refusal.js';
import { STORE_DOWN_RETRY_AFTER_SECONDS } from '../stores/store-health.js';
import type { OperationLockConfiguration } from './options.js';

/** 400.10: a request without a key, where `required` asks for one. */
export function missingKey(config: OperationLockConfiguration): BadRequestError {
  return new BadRequestError(
    `This request needs ${withArticle(config.headerTitle)} header: a unique value per operation, so that a retry cannot run it twice.`,
    {
      subCode: '400.10',
      headers: config.docsLink === undefined ? undefined : { Link: config.docsLink },
    },
  );
}

/** 400.11: a key header that is no RFC 8941 string, or too long; `problem` says which. */
export function malformedKey(problem: string): BadRequestError {
  return new BadRequestError(problem, { subCode: '400.11' });
}

/** 409.1: a request with this key is running; a refusal, logged per client. */
export function inProgress(config: OperationLockConfiguration, client: string): ConflictError {
  return markRefusal(
    new ConflictError(
      `A request with this ${config.headerTitle} is still being processed. Retry after it finishes.`,
      { subCode: '409.1', retryAfter: config.retryAfter },
    ),
    { key: client },
  );
}

/** 422.10: the key was used with another payload (draft-ietf-httpapi-idempotency-key-header). */
export function keyReused(headerTitle: string): UnprocessableEntityError {
  return new UnprocessableEntityError(
    `This ${headerTitle} was already used for a different request. Use a new key for a new operation, or resend the original request unchanged.`,
    { subCode: '422.10' },
  );
}

/**
 * 503 when the store failed and `failOpen` is false. A fault, as the
 * limiter's is, not a refusal: logged at `error` every time, so that an
 * outage that fails requests closed is seen.
 */
export function storeUnavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'Duplicate-request protection is unavailable, so the request was not run; try again shortly.',
    { retryAfter: STORE_DOWN_RETRY_AFTER_SECONDS, expose: true },
  );
}

/** What a store call that has not answered within `storeTimeoutMs` counts as: a failure. */
export function storeTimeout(storeTimeoutMs: number): Error {
  return new Error(`The operation-lock store did not answer within ${storeTimeoutMs} ms`);
}

/** `an Idempotency-Key`, `a Request-Key`: a header's name after the article its sound takes, near enough. */
function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}
