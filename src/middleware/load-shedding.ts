import type { RequestHandler } from 'express';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { ServiceUnavailableError } from '../errors/error-classes.js';
import { refusalError } from '../errors/refusal.js';
import { loadSheddingChannel, type LoadSheddingMessage } from '../observability/channels.js';
import { formatRetryAfter } from '../headers/retry-after.js';
import { describeValue } from '../options/describe-value.js';
import { optionError, type OptionErrorCode } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import {
  checkNotCalledAsMiddleware,
  checkOptionsObject,
  parseWholeNumber,
  parseWith,
} from '../options/parse.js';
import { currentClock } from '../time/clock.js';
import { MAX_TIMER_MS, timerDelay } from '../time/timers.js';

export interface LoadSheddingOptions {
  /** Shed load while the longest event-loop stall of the last sample interval exceeds this many milliseconds. */
  maxEventLoopDelayMs: number;
  /** Also shed load while the V8 heap in use exceeds this many bytes. Defaults to no heap limit. */
  maxHeapUsedBytes?: number | undefined;
  /** `Retry-After` of a shed request, in seconds. Defaults to 10. */
  retryAfter?: number | undefined;
  /** How often the process is sampled, in milliseconds. Defaults to 500. */
  sampleIntervalMs?: number | undefined;
}

/** The middleware, and `close()` to stop its sampling (it then lets every request through). */
export type LoadSheddingMiddleware = RequestHandler & { close(): void };

/** Overload clears within a few samples: a short wait, unlike the two minutes of a maintenance 503. */
export const DEFAULT_LOAD_SHEDDING_RETRY_AFTER = 10;
const DEFAULT_SAMPLE_INTERVAL_MS = 500;
// The histogram's own timer ticks every 10 ms; a shorter sample interval would see no ticks.
const HISTOGRAM_RESOLUTION_MS = 10;
const DETAIL = 'The server is overloaded.';

const FACTORY = 'loadShedding()';
const fail = (code: OptionErrorCode, message: string) => optionError(FACTORY, code, message);
const OPTION_NAMES = optionNames<LoadSheddingOptions>()([
  'maxEventLoopDelayMs',
  'maxHeapUsedBytes',
  'retryAfter',
  'sampleIntervalMs',
]);

export interface LoadSheddingConfiguration {
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
export function loadShedding(
  options: LoadSheddingOptions,
  ...extra: never[]
): LoadSheddingMiddleware {
  checkNotCalledAsMiddleware(
    FACTORY,
    [options, ...extra],
    'app.use(loadShedding({ maxEventLoopDelayMs: 200 }))',
  );
  const config = parseLoadSheddingOptions(options);
  const sampler = new OverloadSampler(config);
  const middleware: RequestHandler = function loadSheddingMiddleware(_req, _res, next) {
    if (!sampler.overloaded) {
      next();
      return;
    }
    next(
      refusalError(
        () => new ServiceUnavailableError(DETAIL, { retryAfter: config.retryAfter, expose: true }),
      ),
    );
  };
  // Dropped without close() (an app made again, a test's app), the middleware is collected,
  // but the interval holds the sampler: it would sample, and its histogram tick every 10 ms,
  // for the life of the process. So its collection closes the sampler.
  unclosedSamplers.register(middleware, sampler, sampler);
  return Object.assign(middleware, {
    close: () => {
      unclosedSamplers.unregister(sampler);
      sampler.close();
    },
  });
}

const unclosedSamplers = new FinalizationRegistry<OverloadSampler>((sampler) => sampler.close());

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
  /** Its timer and the clock that times it, as they stood when it was made (see `currentClock`). */
  readonly #clock = currentClock();
  #dueAt: number;

  constructor(private readonly config: LoadSheddingConfiguration) {
    this.#histogram = monitorEventLoopDelay({ resolution: HISTOGRAM_RESOLUTION_MS });
    this.#histogram.enable();
    this.#dueAt = this.#clock.now() + config.sampleIntervalMs;
    this.#timer = this.#clock.setInterval(() => this.sample(), timerDelay(config.sampleIntervalMs));
    this.#timer.unref();
  }

  private sample(): void {
    const now = this.#clock.now();
    const lateMs = now - this.#dueAt;
    this.#dueAt = now + this.config.sampleIntervalMs;
    // `max` is in nanoseconds; reset so that each verdict covers one interval only.
    const histogramMs =
      this.#histogram.count === 0 ? 0 : this.#histogram.max / 1e6 - HISTOGRAM_RESOLUTION_MS;
    this.#histogram.reset();
    const { maxEventLoopDelayMs, maxHeapUsedBytes } = this.config;
    const eventLoopDelayMs = Math.max(0, lateMs, histogramMs);
    const heapUsedBytes =
      maxHeapUsedBytes === undefined ? undefined : process.memoryUsage().heapUsed;
    const overloaded =
      eventLoopDelayMs > maxEventLoopDelayMs ||
      (heapUsedBytes !== undefined && heapUsedBytes > maxHeapUsedBytes!);
    const changed = overloaded !== this.overloaded;
    // The verdict first, then the news: a subscriber may call `close()`, which must stand.
    this.overloaded = overloaded;
    if (changed && loadSheddingChannel.hasSubscribers) {
      const message: LoadSheddingMessage = { overloaded, eventLoopDelayMs, heapUsedBytes };
      loadSheddingChannel.publish(message);
    }
  }

  close(): void {
    this.#clock.clearInterval(this.#timer);
    this.#histogram.disable();
    if (!this.overloaded) return;
    this.overloaded = false;
    // Subscribers heard of the overload: they hear that it no longer holds. After the
    // publication under way, if close() came from a subscriber, so that every subscriber
    // hears the news in the order it happened.
    queueMicrotask(() => {
      if (!loadSheddingChannel.hasSubscribers) return;
      const message: LoadSheddingMessage = {
        overloaded: false,
        eventLoopDelayMs: 0,
        heapUsedBytes: undefined,
        closed: true,
      };
      loadSheddingChannel.publish(message);
    });
  }
}

export function parseLoadSheddingOptions(options: LoadSheddingOptions): LoadSheddingConfiguration {
  checkOptionsObject(FACTORY, options, '{ maxEventLoopDelayMs: 200 }');
  checkOptionNames(FACTORY, options, OPTION_NAMES);
  const retryAfter = options.retryAfter ?? DEFAULT_LOAD_SHEDDING_RETRY_AFTER;
  if (typeof retryAfter !== 'number') {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`retryAfter\` must be a number of seconds (overload has no known end), got ${describeValue(retryAfter)}`,
    );
  }
  parseWith(FACTORY, () => formatRetryAfter(retryAfter)); // the range of Retry-After
  return {
    maxEventLoopDelayMs: parseDelay(options.maxEventLoopDelayMs),
    maxHeapUsedBytes:
      options.maxHeapUsedBytes === undefined
        ? undefined
        : parseWholeNumber(FACTORY, 'maxHeapUsedBytes', options.maxHeapUsedBytes, {
            min: 1,
            unit: 'bytes',
          }),
    retryAfter,
    sampleIntervalMs: parseWholeNumber(
      FACTORY,
      'sampleIntervalMs',
      options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
      { min: HISTOGRAM_RESOLUTION_MS, max: MAX_TIMER_MS, unit: 'milliseconds' },
    ),
  };
}

/** A positive number of milliseconds; fractions are fine, the histogram measures nanoseconds. */
function parseDelay(value: unknown): number {
  const wanted = 'a positive number of milliseconds';
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  if (value === undefined) {
    throw fail('ERR_EAE_OPTION_MISSING', `\`maxEventLoopDelayMs\` is required: ${wanted}`);
  }
  throw fail(
    typeof value === 'number' ? 'ERR_EAE_OPTION_RANGE' : 'ERR_EAE_OPTION_TYPE',
    `\`maxEventLoopDelayMs\` must be ${wanted}, got ${describeValue(value)}`,
  );
}
