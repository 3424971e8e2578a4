import { pino } from 'pino';
import { redactPaths } from './redact-paths.js';

/** The pino levels the library logs at, and `silent` to log nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The level of a failed request's line when nothing says otherwise: a 5xx
 * is a fault (`error`), a 4xx the client's mistake (`warn`).
 */
export function defaultLevelFor(status: number): 'error' | 'warn' {
  return status >= 500 ? 'error' : 'warn';
}

/** What the library needs of a logger: pino's level methods. A pino logger fits. */
export type Logger = Record<
  Exclude<LogLevel, 'silent'>,
  (object: Record<string, unknown>, message?: string) => void
> & {
  /** pino's: lets a caller skip building a line the logger would drop. */
  isLevelEnabled?(level: string): boolean;
};

let defaultLogger: Logger | undefined;

/** One stdout logger shared by everything that was given none, made on first use. */
export function getDefaultLogger(): Logger {
  defaultLogger ??= pino({ name: 'express-api-errors', redact: [...redactPaths] });
  return defaultLogger;
}
