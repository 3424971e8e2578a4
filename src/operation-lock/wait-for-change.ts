import type { Response } from 'express';
import type { Clock } from '../time/clock.js';
import { settledOrAfter } from '../time/timers.js';
import { isThenable } from '../util/is-thenable.js';
import type { Attempt } from './attempt.js';
import type { OperationLockConfiguration } from './options.js';

/** A duplicate that waits on a store that cannot notify polls it: from 20 ms, doubling, to 250 ms. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;

/**
 * Resolves when the key a duplicate waits for may have changed, or after
 * `ms`: the store's notice, or a poll with backoff. The duplicate's
 * `abandoned` signal (see `abortOnClose`) ends the wait early.
 */
export function waitForChange(
  attempt: Attempt,
  ms: number,
  config: OperationLockConfiguration,
  clock: Clock,
): Promise<void> {
  const { store } = config;
  const signal = attempt.abandoned!.signal;
  const round = attempt.round++;
  if (typeof store.waitForChange === 'function') {
    try {
      const notice = store.waitForChange(attempt.operation.key, Math.max(1, ms), signal);
      // Any promise-like counts, through a native promise (its `then` may throw). One that
      // rejects tells nothing of the key, so this wait is polled: ended at once, it would have
      // the duplicate ask the store again in a tight loop until `waitMs` runs out. A store whose
      // notice never comes must not keep the request waiting for good; the guard goes once the
      // notice comes, so that a woken duplicate leaves no timer behind.
      if (isThenable(notice)) {
        const noticeOrPoll = Promise.resolve(notice).then(undefined, () =>
          sleep(pollDelay(ms, round), signal, clock),
        );
        return settledOrAfter(noticeOrPoll, Math.max(1, ms) + config.storeTimeoutMs, clock);
      }
    } catch {
      // A store whose notice throws is polled, as one whose notice is no promise.
    }
  }
  return sleep(pollDelay(ms, round), signal, clock);
}

/** How long a duplicate polling the store sleeps in its `round`th wait (from 0), with `ms` left. */
export function pollDelay(ms: number, round: number): number {
  return Math.max(1, Math.min(ms, FIRST_POLL_MS * 2 ** round, MAX_POLL_MS));
}

/** Aborts when the response's connection closes before it is sent (the client gave up). */
export function abortOnClose(res: Response): AbortController {
  const controller = new AbortController();
  const onClose = () => controller.abort();
  res.once('close', onClose);
  controller.signal.addEventListener('abort', () => res.off('close', onClose), { once: true });
  return controller;
}

/** Resolves after `ms` on `clock`, or as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
