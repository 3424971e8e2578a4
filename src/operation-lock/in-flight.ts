import { defer, type Deferred } from './deferred.js';

/**
 * What `onIdle()` waits for: the requests with a key not settled yet, and
 * the acquisitions and late releases the store has not answered. A counter
 * rather than a promise per request, so that `onIdle()` costs the hot path
 * two additions.
 */
export class InFlight {
  #count = 0;
  /** What `onIdle()` handed out while the count was above 0; one for every caller. */
  #idle: Deferred<void> | undefined;

  enter(): void {
    this.#count += 1;
  }

  leave(): void {
    this.#count -= 1;
    if (this.#count !== 0 || this.#idle === undefined) return;
    const idle = this.#idle;
    this.#idle = undefined;
    idle.resolve();
  }

  /** The request no longer holds, nor waits for, the lock: it leaves once only, whichever way it ends. */
  settled(request: { settled: boolean }): void {
    if (request.settled) return;
    request.settled = true;
    this.leave();
  }

  /** Resolves the first time nothing is in flight: at once when nothing is. */
  onIdle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return (this.#idle ??= defer<void>()).promise;
  }
}
