import type { Logger } from './logger.js';

/**
 * Coded warnings, each written once (or, with `warn`, each time), through a
 * logger that is read at each line, as `rateLimit()` and `operationLock()`
 * give them. Writing must not change what a middleware answers: a logger
 * that throws is ignored (a line may come from a timer or a promise
 * callback, where nothing would catch the throw).
 */
export class CodedWarnings<Code extends string> {
  readonly #given = new Set<Code>();

  constructor(
    private readonly messages: Readonly<Record<Code, string>>,
    readonly logger: () => Logger | false,
  ) {}

  /** Writes the warning `code` at `warn`, unless it was given already. */
  warnOnce(code: Code, details: Record<string, unknown> = {}): void {
    if (this.#given.has(code)) return;
    this.#given.add(code);
    this.warn(code, details);
  }

  /** Writes the warning `code` at `warn`, given already or not (a store outage's, once per outage). */
  warn(code: Code, details: Record<string, unknown>): void {
    this.log('warn', { code, ...details }, this.messages[code]);
  }

  /** Writes one line; see the class comment for a logger that throws. */
  log(level: 'warn' | 'info', fields: Record<string, unknown>, message: string): void {
    try {
      const logger = this.logger();
      if (logger !== false) logger[level](fields, message);
    } catch {
      // Ignored: see the class comment.
    }
  }
}
