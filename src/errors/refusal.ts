/**
 * Refusals are answers the library gives on purpose (a 429, a 403.30 block,
 * a maintenance or load-shedding 503), not faults: `errorHandler` logs them
 * below `error`, without a stack, and at most once per client and interval.
 * A registry-wide symbol, so that the ESM and CommonJS builds agree.
 */
const REFUSAL = Symbol.for('express-api-errors.refusal');

/** What is known of a refusal: the client it refused, when there is one. */
export interface Refusal {
  /** The client's key (the limiter's key), so that each client's refusals are logged apart. */
  readonly key?: string | undefined;
}

/**
 * Marks `error` as a deliberate refusal and returns it. Marking it again
 * replaces the mark (a refusal of the library's, re-marked with your key).
 */
export function markRefusal<E extends Error>(error: E, refusal: Refusal = {}): E {
  if (!Object.isExtensible(error) && !Object.hasOwn(error, REFUSAL)) {
    throw new TypeError('markRefusal(): the error is frozen or sealed; mark it before freezing it');
  }
  Object.defineProperty(error, REFUSAL, { value: refusal, configurable: true });
  return error;
}

/**
 * Makes a refusal's error, marked as one, without capturing a stack: a
 * refusal is logged without one, and under a flood capturing it was the
 * largest single cost of a refused request (10 µs of 80, in-process).
 */
export function refusalError<E extends Error>(make: () => E, refusal: Refusal = {}): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return markRefusal(make(), refusal);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The refusal `error` was marked as, if any. */
export function refusalOf(error: unknown): Refusal | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    return (error as Record<symbol, Refusal | undefined>)[REFUSAL];
  } catch {
    return undefined;
  }
}
