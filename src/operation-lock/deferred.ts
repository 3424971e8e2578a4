/** A promise and its settling functions. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A promise to settle from outside, made in a scope of its own: its
 * settling functions hold nothing of the caller's (a store call's
 * arguments, the request), so that a caller that lets go of them lets go
 * of all.
 */
export function defer<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  return { promise, resolve, reject };
}
