/** How a promise-like answer is broken (see `brokenThenable`). */
export type ThenableFault = 'then() throws' | 'then getter throws';

/** Every `ThenableFault`, for `it.each`. */
export const THENABLE_FAULTS: readonly ThenableFault[] = ['then() throws', 'then getter throws'];

/**
 * A promise-like answer, as a store on another promise library may give,
 * broken as `fault` says: calling its `then` throws `error`, or reading it
 * does (a getter). `await` and `Promise.resolve` make either a rejection
 * with `error`. Typed as the promise the caller expects.
 */
export function brokenThenable<T>(
  fault: ThenableFault,
  error = new Error('connection lost'),
): Promise<T> {
  const thenable =
    fault === 'then() throws'
      ? {
          then() {
            throw error;
          },
        }
      : {
          get then(): never {
            throw error;
          },
        };
  return thenable as unknown as Promise<T>;
}
