import { MAX_CAUSE_DEPTH, MAX_NAME, MAX_STACK, MAX_TEXT, truncate } from './log-bounds.js';

/**
 * A safe copy of what was thrown, for logs and debug bodies: an Error-like
 * object with the original's name, message, string `code`, numeric `status`,
 * causes and, if asked, stack; nothing else, and each within the bounds of
 * `log-bounds.ts`. Other properties are left out
 * on purpose: errors of HTTP clients and ORMs carry request headers,
 * credentials and rows. Reads are guarded, so throwing getters and hostile
 * Proxies cannot break it. Being `instanceof Error`, it goes through pino's
 * `err` serializer.
 *
 * Without `withStack` the original's stack is never read, which spares V8
 * formatting it: most of the cost of logging a 4xx.
 */
export function summarizeError(thrown: unknown, withStack = true, depth = 0): Error {
  if (typeof thrown !== 'object' || thrown === null) {
    return copyOf(typeof thrown, truncate(safeString(thrown), MAX_TEXT), undefined);
  }
  let type = 'Object';
  let message = '';
  let stack: string | undefined;
  let code: string | undefined;
  let status: number | undefined;
  let cause: unknown;
  try {
    const error = thrown as Record<string, unknown>;
    const name = error.name;
    const constructorName = (thrown.constructor as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string') type = truncate(name, MAX_NAME);
    else if (typeof constructorName === 'string') type = truncate(constructorName, MAX_NAME);
    const fullMessage = error.message;
    if (typeof fullMessage === 'string') message = truncate(fullMessage, MAX_TEXT);
    if (withStack && typeof error.stack === 'string') {
      stack = boundStack(error.stack, typeof fullMessage === 'string' ? fullMessage : '', message);
    }
    if (typeof error.code === 'string') code = truncate(error.code, MAX_NAME);
    if (typeof error.status === 'number') status = error.status;
    cause = error.cause;
  } catch {
    // Keep what could be read before a getter threw.
  }
  const copy = copyOf(type, message, stack);
  if (code !== undefined) copy.code = code;
  if (status !== undefined) copy.status = status;
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    copy.cause = summarizeError(cause, withStack, depth + 1);
  }
  return copy;
}

/**
 * The copy: `instanceof Error` without capturing a stack trace of its own
 * (its constructor is not Error's). Its name, message and stack are not
 * enumerable, as on an Error, so that pino's serializer does not repeat
 * them; `code`, `status` and `cause`, assigned to it, are. A class, so
 * that every copy shares one shape: `Object.create` with property
 * descriptors, as before, allocated four descriptors a copy and cost a
 * 4xx's log line about a microsecond.
 */
class ErrorCopy {
  readonly #name: string;
  readonly #message: string;
  readonly #stack: string;
  code?: string;
  status?: number;
  cause?: unknown;

  constructor(name: string, message: string, stack: string) {
    this.#name = name;
    this.#message = message;
    this.#stack = stack;
  }

  get name(): string {
    return this.#name;
  }
  get message(): string {
    return this.#message;
  }
  get stack(): string {
    return this.#stack;
  }
}
Object.setPrototypeOf(ErrorCopy.prototype, Error.prototype);
// pino names an error by its constructor unless that is not a function: this
// makes it use `name`, the original's type.
Object.defineProperty(ErrorCopy.prototype, 'constructor', { value: undefined });

function copyOf(type: string, message: string, stack: string | undefined): Error & ErrorCopy {
  return new ErrorCopy(type, message, stack ?? `${type}: ${message}`) as Error & ErrorCopy;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}

/**
 * The stack with the cut message in place of the whole one (V8 begins a stack
 * with the name and message the error was made with, so a long message would
 * come back whole), then cut to `MAX_STACK`.
 */
function boundStack(stack: string, message: string, cut: string): string {
  let bounded = stack;
  if (cut !== message) {
    const at = stack.indexOf(message);
    if (at !== -1) {
      bounded = `${truncate(stack.slice(0, at), MAX_NAME)}${cut}${stack.slice(at + message.length)}`;
    }
  }
  return truncate(bounded, MAX_STACK);
}
