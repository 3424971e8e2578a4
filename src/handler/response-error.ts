import type { ServerResponse } from 'node:http';
import type { ApiError } from '../errors/api-error.js';
import { lineForLogger, loggedError, type LineLeft } from './log-error.js';
import type { Configuration } from './options.js';
import { summarizeError } from '../logging/summarize-error.js';

// Symbol.for, not Symbol: the ESM and CJS builds of this package, both loaded
// in one app, must agree on it.
const ANSWERED = Symbol.for('express-api-errors.answered-error');
/** The line the handler leaves to pino-http; a symbol, which pino's `err` serializer does not list. */
const LINE = Symbol.for('express-api-errors.line-left');

type Summary = Error & { code?: string; status?: number };

/**
 * `res.err`: summarizeError's safe copy of what was thrown, as the handler's
 * own line logs it (its stack for a 5xx only), made when first read, so that
 * nothing is built, and no stack formatted, when no logger reads it. An
 * Error whose name, message, stack, `code`, `status` and `cause` are the
 * copy's; `code`, `status` and `cause` are enumerable, as on the copy, for
 * pino's `err` serializer, and `constructor` is undefined, so that pino names
 * it by `name`.
 *
 * A plain object assigned to `res`, not an accessor defined on it: a getter
 * of its own on each response gave every response a shape of its own, which
 * cost the error path a fifth of its time.
 */
class ErrorSummary {
  readonly #error: ApiError;
  readonly #thrown: unknown;
  readonly #status: number;
  #summary: Summary | undefined;
  readonly [LINE]: LineLeft | undefined;

  constructor(error: ApiError, thrown: unknown, status: number, line?: LineLeft) {
    this.#error = error;
    this.#thrown = thrown;
    this.#status = status;
    this[LINE] = line;
  }

  get #copy(): Summary {
    this.#summary ??= summarizeError(loggedError(this.#error, this.#thrown), this.#status >= 500);
    return this.#summary;
  }

  get name(): string {
    return this.#copy.name;
  }
  get message(): string {
    return this.#copy.message;
  }
  get stack(): string | undefined {
    return this.#copy.stack;
  }
  get code(): string | undefined {
    return this.#copy.code;
  }
  get status(): number | undefined {
    return this.#copy.status;
  }
  get cause(): unknown {
    return this.#copy.cause;
  }
}
Object.setPrototypeOf(ErrorSummary.prototype, Error.prototype);
for (const member of ['code', 'status', 'cause']) {
  Object.defineProperty(ErrorSummary.prototype, member, { enumerable: true });
}
Object.defineProperty(ErrorSummary.prototype, 'constructor', { value: undefined });

/** The summary of an error whose line the handler writes itself: pino-http's is then silenced. */
class LoggedErrorSummary extends ErrorSummary {}
Object.defineProperty(LoggedErrorSummary.prototype, 'constructor', { value: undefined });
Object.defineProperty(LoggedErrorSummary.prototype, ANSWERED, { value: true });

/**
 * Tells pino-http what failed: `res.err`, which its completion line logs
 * (without it, pino-http makes up `failed with status code 500` for a 5xx).
 * Only when pino-http is mounted (it puts `log` on every response): without
 * it, nothing reads `res.err`, and the error path stays as it was (an A/B
 * run of the error-path bench put setting it always at up to 4%). Assigning
 * `res.err` replaces it. `logged`: whether the handler logs errors itself
 * (its `logger` is not `false`); if not, pino-http's line is the one. Never
 * throws: this only helps loggers. If the handler does not log, its choice
 * of level goes with `res.err` (see `lineLeftToLogger`): the refusal log
 * then limits pino-http's lines as it would the handler's.
 */
export function recordError(
  res: ServerResponse,
  error: ApiError,
  thrown: unknown,
  status: number,
  code: string,
  config: Configuration,
): void {
  try {
    if ((res as ServerResponse & { log?: unknown }).log === undefined) return;
    (res as ServerResponse & { err?: unknown }).err =
      config.logger === false
        ? new ErrorSummary(error, thrown, status, lineForLogger(error, config, status, code))
        : new LoggedErrorSummary(error, thrown, status);
  } catch {
    // A response object that refuses properties: loggers go without.
  }
}

/**
 * The line `errorHandler` left to pino-http for an error it answered
 * (`logger: false`): its level (`silent` for a refusal the refusal log only
 * counts), and whether it is a refusal; undefined for any other response.
 */
export function lineLeftToLogger(res: ServerResponse): LineLeft | undefined {
  const err = (res as ServerResponse & { err?: unknown }).err;
  return err instanceof ErrorSummary ? err[LINE] : undefined;
}

/** Whether `errorHandler` answered this response and logs it: logging its failure is then the handler's part. */
export function answeredByErrorHandler(res: ServerResponse): boolean {
  const err = (res as ServerResponse & { err?: unknown }).err;
  return (
    typeof err === 'object' && err !== null && (err as { [ANSWERED]?: unknown })[ANSWERED] === true
  );
}
