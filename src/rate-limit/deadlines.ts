import { performance } from 'node:perf_hooks';

/** A store call being waited for: it ends once, answered or timed out. */
export class Pending {
  #expire: (() => void) | undefined;

  constructor(
    readonly deadline: number,
    expire: () => void,
  ) {
    this.#expire = expire;
  }

  /** Whether the call has ended, answered or timed out. */
  get done(): boolean {
    return this.#expire === undefined;
  }

  /**
   * Ends the call because it answered. Returns false if it had already ended
   * (timed out), when the answer must be ignored. It lets go of the expiry
   * callback at once: the entry waits in the queue until its deadline, and a
   * callback kept that long would keep the request's objects alive past
   * young-generation collections.
   */
  settle(): boolean {
    if (this.#expire === undefined) return false;
    this.#expire = undefined;
    return true;
  }

  /** Ends the call because its deadline passed, unless it answered first. */
  expire(): void {
    const expire = this.#expire;
    if (expire === undefined) return;
    this.#expire = undefined;
    expire();
  }
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

  /** Calls `expire` unless the returned entry is settled within the timeout. */
  track(expire: () => void): Pending {
    const pending = new Pending(performance.now() + this.#timeoutMs, expire);
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
      pending.expire();
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
