const MAX_TEXT = 2000;
const MAX_CAUSE_DEPTH = 3;

/**
 * A safe copy of what was thrown, for logs and debug bodies: an `Error` with
 * the original's name, message, stack, string `code`, numeric `status` and
 * causes, and nothing else. Other properties are left out on purpose: errors
 * of HTTP clients and ORMs carry request headers, credentials and rows.
 * Every read is guarded, so throwing getters and hostile Proxies cannot
 * break it. Being an `Error`, it goes through pino's `err` serializer.
 */
export function summarizeError(thrown: unknown, depth = 0): Error {
  if (typeof thrown !== 'object' || thrown === null) {
    return copyOf(typeof thrown, truncate(safeString(thrown)), undefined);
  }
  const error = thrown as Record<string, unknown>;
  const name = read(() => error.name);
  const constructorName = read(() => (thrown.constructor as { name?: unknown } | undefined)?.name);
  const type =
    typeof name === 'string'
      ? name
      : typeof constructorName === 'string'
        ? constructorName
        : 'Object';
  const message = read(() => error.message);
  const stack = read(() => error.stack);
  const copy = copyOf(
    type,
    typeof message === 'string' ? truncate(message) : '',
    typeof stack === 'string' ? stack : undefined,
  );
  const code = read(() => error.code);
  if (typeof code === 'string') Object.assign(copy, { code: truncate(code) });
  const status = read(() => error.status);
  if (typeof status === 'number') Object.assign(copy, { status });
  const cause = read(() => error.cause);
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    copy.cause = summarizeError(cause, depth + 1);
  }
  return copy;
}

function copyOf(type: string, message: string, stack: string | undefined): Error {
  const copy = new Error(message);
  // Not enumerable, like Error.prototype.name, so serializers do not repeat it.
  Object.defineProperty(copy, 'name', { value: type, writable: true, configurable: true });
  copy.stack = stack ?? `${type}: ${message}`;
  // pino names an error by its constructor unless that is not a function:
  // this makes it use `name`, the original's type.
  Object.defineProperty(copy, 'constructor', { value: undefined });
  return copy;
}

function read(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return undefined;
  }
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
