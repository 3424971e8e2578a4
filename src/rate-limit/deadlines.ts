import { performance } from 'node:perf_hooks';

/** A store call being waited for. */
export interface Pending {
  /** Set once the call answered or timed out: whichever comes second is ignored. */
  done: boolean;
  readonly deadline: number;
  readonly expire: () => void;
}

/**
 * Times out store calls without a timer per request: calls share one
 * timeout, so their deadlines come in order, and one unref'ed timer walks
 * the queue from the oldest. Tracking a call costs an object and a push.
 */
export class Deadlines {
  readonly #timeoutMs: number;
  #queue: Pending[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Calls `expire` if the returned entry is not marked `done` within the timeout. */
  track(expire: () => void): Pending {
    const pending: Pending = { done: false, deadline: performance.now() + this.#timeoutMs, expire };
    this.#queue.push(pending);
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    return pending;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), ms);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const pending = queue[this.#head]!;
      if (!pending.done && pending.deadline > now) break;
      this.#head += 1;
      if (!pending.done) {
        pending.done = true;
        pending.expire();
      }
    }
    if (this.#head === queue.length) {
      this.#queue = [];
      this.#head = 0;
      return;
    }
    if (this.#head > 1024) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
    this.#arm(Math.max(1, this.#queue[this.#head]!.deadline - now));
  }
}
