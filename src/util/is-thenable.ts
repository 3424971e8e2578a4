/**
 * Whether `value` is a promise or promise-like (has a callable `then`), as
 * `await` decides: stores and the caller's functions may answer directly,
 * sparing a promise per request, or with one. Reading `then` runs its
 * getter, if it has one, and that may throw: for an answer from a store or
 * a caller's function, ask inside the try around the call that gave it, so
 * that the throw is that call's failure, not a throw out of the caller.
 */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
