import type { RequestHandler } from 'express';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { ServiceUnavailableError } from '../errors/error-classes.js';
import { markRefusal } from '../errors/refusal.js';
import { formatRetryAfter } from '../headers/retry-after.js';

export interface LoadSheddingOptions {
  /** Shed load while the longest event-loop stall of the last sample interval exceeds this many milliseconds. */
  maxEventLoopDelayMs: number;
  /** Also shed load while the V8 heap in use exceeds this many bytes. Defaults to no heap limit. */
  maxHeapUsedBytes?: number;
  /** `Retry-After` of a shed request, in seconds. Defaults to 10. */
  retryAfter?: number;
  /** How often the process is sampled, in milliseconds. Defaults to 500. */
  sampleIntervalMs?: number;
}

/** The middleware, and `close()` to stop its sampling (it then lets every request through). */
export type LoadSheddingMiddleware = RequestHandler & { close(): void };

/** Overload clears within a few samples: a short wait, unlike the two minutes of a maintenance 503. */
export const DEFAULT_LOAD_SHEDDING_RETRY_AFTER = 10;
const DEFAULT_SAMPLE_INTERVAL_MS = 500;
// The histogram's own timer ticks every 10 ms; a shorter sample interval would see no ticks.
const HISTOGRAM_RESOLUTION_MS = 10;
const MAX_TIMER_MS = 2 ** 31 - 1;
const DETAIL = 'The server is overloaded.';

interface LoadSheddingConfiguration {
  readonly maxEventLoopDelayMs: number;
  readonly maxHeapUsedBytes: number | undefined;
  readonly retryAfter: number;
  readonly sampleIntervalMs: number;
}

/**
 * Answers `503` with `Retry-After` (a `ServiceUnavailableError` through
 * `next(err)`) while the process is overloaded. One unref'ed timer per
 * middleware samples the event-loop delay (and the heap) every
 * `sampleIntervalMs`; a request only reads the last verdict.
 */
export function loadShedding(options: LoadSheddingOptions): LoadSheddingMiddleware {
  const config = parseLoadSheddingOptions(options);
  const sampler = new OverloadSampler(config);
  const middleware: RequestHandler = function loadSheddingMiddleware(_req, _res, next) {
    if (!sampler.overloaded) {
      next();
      return;
    }
    next(
      markRefusal(
        new ServiceUnavailableError(DETAIL, { retryAfter: config.retryAfter, expose: true }),
      ),
    );
  };
  return Object.assign(middleware, { close: () => sampler.close() });
}

/**
 * Samples the process once per interval and keeps the verdict. The delay is
 * the larger of two measures: the longest gap between the histogram's 10 ms
 * ticks, less those 10 ms; and how late this sampler's own timer fired.
 * Both are needed: `reset()` also forgets the histogram's last tick, so when
 * this timer fires before the histogram's after a stall, the histogram never
 * records that stall, but this timer was then at least as late.
 */
class OverloadSampler {
  overloaded = false;
  readonly #histogram: IntervalHistogram;
  readonly #timer: NodeJS.Timeout;
  #dueAt: number;

  constructor(private readonly config: LoadSheddingConfiguration) {
    this.#histogram = monitorEventLoopDelay({ resolution: HISTOGRAM_RESOLUTION_MS });
    this.#histogram.enable();
    this.#dueAt = performance.now() + config.sampleIntervalMs;
    this.#timer = setInterval(() => this.sample(), config.sampleIntervalMs);
    this.#timer.unref();
  }

  private sample(): void {
    const now = performance.now();
    const lateMs = now - this.#dueAt;
    this.#dueAt = now + this.config.sampleIntervalMs;
    // `max` is in nanoseconds; reset so that each verdict covers one interval only.
    const histogramMs =
      this.#histogram.count === 0 ? 0 : this.#histogram.max / 1e6 - HISTOGRAM_RESOLUTION_MS;
    this.#histogram.reset();
    const { maxEventLoopDelayMs, maxHeapUsedBytes } = this.config;
    this.overloaded =
      Math.max(lateMs, histogramMs) > maxEventLoopDelayMs ||
      (maxHeapUsedBytes !== undefined && process.memoryUsage().heapUsed > maxHeapUsedBytes);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
    this.overloaded = false;
  }
}

function parseLoadSheddingOptions(options: LoadSheddingOptions): LoadSheddingConfiguration {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('loadShedding() needs options, e.g. { maxEventLoopDelayMs: 200 }');
  }
  const { maxEventLoopDelayMs, maxHeapUsedBytes } = options;
  // A wrong type is a TypeError, a number out of range a RangeError.
  const delayError = typeof maxEventLoopDelayMs === 'number' ? RangeError : TypeError;
  if (
    typeof maxEventLoopDelayMs !== 'number' ||
    !Number.isFinite(maxEventLoopDelayMs) ||
    maxEventLoopDelayMs <= 0
  ) {
    throw new delayError(
      `\`maxEventLoopDelayMs\` must be a positive number of milliseconds, got ${String(maxEventLoopDelayMs)}`,
    );
  }
  if (
    maxHeapUsedBytes !== undefined &&
    (typeof maxHeapUsedBytes !== 'number' ||
      !Number.isSafeInteger(maxHeapUsedBytes) ||
      maxHeapUsedBytes < 1)
  ) {
    throw new (typeof maxHeapUsedBytes === 'number' ? RangeError : TypeError)(
      `\`maxHeapUsedBytes\` must be a positive whole number of bytes, got ${String(maxHeapUsedBytes)}`,
    );
  }
  const retryAfter = options.retryAfter ?? DEFAULT_LOAD_SHEDDING_RETRY_AFTER;
  if (typeof retryAfter !== 'number') {
    throw new TypeError(
      `\`retryAfter\` must be a number of seconds (overload has no known end), got ${String(retryAfter)}`,
    );
  }
  formatRetryAfter(retryAfter); // throws a RangeError for a negative or infinite value
  const sampleIntervalMs = options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  if (
    typeof sampleIntervalMs !== 'number' ||
    !Number.isInteger(sampleIntervalMs) ||
    sampleIntervalMs < HISTOGRAM_RESOLUTION_MS ||
    sampleIntervalMs > MAX_TIMER_MS
  ) {
    throw new RangeError(
      `\`sampleIntervalMs\` must be a whole number of milliseconds from ${HISTOGRAM_RESOLUTION_MS} to ${MAX_TIMER_MS}, got ${String(sampleIntervalMs)}`,
    );
  }
  return {
    maxEventLoopDelayMs,
    maxHeapUsedBytes,
    retryAfter,
    sampleIntervalMs,
  };
}
