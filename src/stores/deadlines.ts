import { currentClock, type Clock } from '../time/clock.js';
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
 * the queue from the oldest, giving the calls more time when the event
 * loop itself stalled (see `#due`). Tracking a call costs an object and a push.
 * Calls that answered leave the head of the queue as the next call is
 * tracked, so that a busy limiter holds about as many entries as it has
 * calls in flight, not a whole timeout's worth: entries kept that long
 * would outlive young-generation collections and burden the old generation.
 */
export class Deadlines {
  readonly #timeoutMs: number;
  readonly #clock: Clock = currentClock();
  readonly #now: () => number;
  #queue: (Expiring | undefined)[] = [];
  #head = 0;
  /** Whether a timer (or the walk it leads to) is on its way. */
  #armed = false;
  /** When that timer is due, on `#now`: how late it fires is how long the loop stalled. */
  #dueAt = 0;
  /** The extra time late firings have given the calls since the last walk (see `#due`). */
  #extendedMs = 0;

  /** `now` is a monotonic clock in milliseconds, the library's by default; tests pass their own. */
  constructor(timeoutMs: number, now?: () => number) {
    this.#timeoutMs = timeoutMs;
    this.#now = now ?? this.#clock.now;
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
    if (!this.#armed) this.#arm(this.#timeoutMs);
    return pending;
  }

  #arm(ms: number): void {
    this.#armed = true;
    this.#dueAt = this.#now() + ms;
    this.#clock.setTimeout(this.#due, timerDelay(ms)).unref();
  }

  /**
   * The timer fired. A deadline times the store, not our own loop: a timer
   * that fires L ms late says the event loop did not run for about L ms (a
   * GC pause, a synchronous call, a loop loaded by a flood), and after such
   * a stall Node runs the timers that came due before it reads its sockets,
   * where answers that came in time may wait; a client that defers its
   * writes to a `setImmediate` (node-redis; ioredis with
   * `enableAutoPipelining`) even sent the calls made before the stall only
   * as it ended. So a late timer gives the calls L ms more, and each
   * further late firing its lateness more, up to one timeout in all
   * between two walks (a timer a few ms late under load must not spend
   * what a stall after it needs); past that, the walk waits for
   * `setImmediate`, after the poll phase, so that answers that came in
   * settle their calls first. On time, the loop has been reading its
   * sockets: the walk is now. No cost per call.
   */
  readonly #due = (): void => {
    const lateMs = this.#now() - this.#dueAt;
    if (lateMs < 1) return this.#fire();
    const moreMs = Math.min(lateMs, this.#timeoutMs - this.#extendedMs);
    if (moreMs < 1) {
      this.#clock.setImmediate(this.#fire);
      return;
    }
    this.#extendedMs += moreMs;
    this.#arm(moreMs);
  };

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

  readonly #fire = (): void => {
    // `#armed` stays set until the walk ends, so that a call tracked from
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
      this.#armed = false;
      this.#extendedMs = 0;
      this.#compact();
      if (this.#head < this.#queue.length) {
        this.#arm(Math.max(1, this.#queue[this.#head]!.deadline - this.#now()));
      }
    }
  };
}
