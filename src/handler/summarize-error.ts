const MAX_TEXT = 2000;
const MAX_CAUSE_DEPTH = 3;

/**
 * A safe copy of what was thrown, for logs and debug bodies: an Error-like
 * object with the original's name, message, string `code`, numeric `status`,
 * causes and, if asked, stack; nothing else. Other properties are left out
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
    return copyOf(typeof thrown, truncate(safeString(thrown)), undefined);
  }
  let type = 'Object';
  let message = '';
  let stack: string | undefined;
  const extra: { code?: string; status?: number } = {};
  let cause: unknown;
  try {
    const error = thrown as Record<string, unknown>;
    const name = error.name;
    const constructorName = (thrown.constructor as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string') type = name;
    else if (typeof constructorName === 'string') type = constructorName;
    if (typeof error.message === 'string') message = truncate(error.message);
    if (withStack && typeof error.stack === 'string') stack = error.stack;
    if (typeof error.code === 'string') extra.code = truncate(error.code);
    if (typeof error.status === 'number') extra.status = error.status;
    cause = error.cause;
  } catch {
    // Keep what could be read before a getter threw.
  }
  const copy = Object.assign(copyOf(type, message, stack), extra);
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    copy.cause = summarizeError(cause, withStack, depth + 1);
  }
  return copy;
}

/** An object that is `instanceof Error` without capturing a stack trace of its own. */
function copyOf(type: string, message: string, stack: string | undefined): Error {
  return Object.create(Error.prototype, {
    name: { value: type, writable: true, configurable: true },
    message: { value: message, writable: true, configurable: true },
    stack: { value: stack ?? `${type}: ${message}`, writable: true, configurable: true },
    // pino names an error by its constructor unless that is not a function:
    // this makes it use `name`, the original's type.
    constructor: { value: undefined },
  }) as Error;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}

function truncate(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
