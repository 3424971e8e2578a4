/**
 * Whether `value` is a promise or promise-like (has a callable `then`), as
 * `await` decides: stores and the caller's functions may answer directly,
 * sparing a promise per request, or with one.
 */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
