import { performance } from 'node:perf_hooks';
import { timerDelay } from '../time/timers.js';

/**
 * A store call being waited for: it ends once, answered or timed out. It
 * holds what the answer is for (the request, its response, `next`) and lets
 * go of it as it ends: a store that hangs keeps the call's promise callbacks
 * alive until it answers, if ever, and they must not keep the request so.
 */
export class Pending<Context extends object> implements Expiring {
  #context: Context | undefined;

  constructor(
    readonly deadline: number,
    context: Context,
    private readonly onExpire: (context: Context) => void,
  ) {
    this.#context = context;
  }

  /** Whether the call has ended, answered or timed out. */
  get done(): boolean {
    return this.#context === undefined;
  }

  /**
   * Ends the call because it answered: returns what it was for, or
   * undefined if it had already ended (timed out), when the answer must be
   * ignored. The entry waits in the queue until its deadline, and a context
   * kept that long would keep the request's objects alive past
   * young-generation collections.
   */
  settle(): Context | undefined {
    const context = this.#context;
    this.#context = undefined;
    return context;
  }

  /** Ends the call because its deadline passed, unless it answered first. */
  expire(): void {
    const context = this.#context;
    if (context === undefined) return;
    this.#context = undefined;
    this.onExpire(context);
  }
}

/** What the queue needs of an entry, whatever its context. */
interface Expiring {
  readonly deadline: number;
  readonly done: boolean;
  expire(): void;
}

/**
 * Times out store calls without a timer per request: calls share one
 * timeout, so their deadlines come in order, and one unref'ed timer walks
 * the queue from the oldest. Tracking a call costs an object and a push.
 * Calls that answered leave the head of the queue as the next call is
 * tracked, so that a busy limiter holds about as many entries as it has
 * calls in flight, not a whole timeout's worth: entries kept that long
 * would outlive young-generation collections and burden the old generation.
 */
export class Deadlines {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #queue: (Expiring | undefined)[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  /** `now` is a monotonic clock in milliseconds; tests pass their own. */
  constructor(timeoutMs: number, now: () => number = () => performance.now()) {
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** How many calls the queue still holds, answered or not. */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Calls `expire(context)` unless the returned entry is settled within the
   * timeout. The callers' promise callbacks should reach the context only
   * through the entry, so that a call that timed out holds none of it.
   */
  track<Context extends object>(
    context: Context,
    expire: (context: Context) => void,
  ): Pending<Context> {
    this.#dropSettled();
    const pending = new Pending(this.#now() + this.#timeoutMs, context, expire);
    this.#queue.push(pending);
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    return pending;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), timerDelay(ms));
    this.#timer.unref();
  }

  /** Forgets the calls at the head of the queue that have ended. */
  #dropSettled(): void {
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.done) {
      queue[this.#head] = undefined;
      this.#head += 1;
    }
    this.#compact();
  }

  #compact(): void {
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #fire(): void {
    // `#timer` stays set until the walk ends, so that a call tracked from
    // inside an `expire` callback does not arm a second timer; `finally`,
    // so that a callback that throws does not leave the queue without one.
    try {
      const now = this.#now();
      while (this.#head < this.#queue.length) {
        const pending = this.#queue[this.#head]!;
        if (!pending.done && pending.deadline > now) break;
        this.#queue[this.#head] = undefined;
        this.#head += 1;
        pending.expire();
      }
    } finally {
      this.#timer = undefined;
      this.#compact();
      if (this.#head < this.#queue.length) {
        this.#arm(Math.max(1, this.#queue[this.#head]!.deadline - this.#now()));
      }
    }
  }
}
