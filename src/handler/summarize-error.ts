/** A plain, safe description of a thrown value, for logs (and debug bodies). */
export interface ErrorSummary {
  type: string;
  message?: string;
  stack?: string;
  code?: string;
  status?: number;
  cause?: ErrorSummary;
}

const MAX_TEXT = 2000;
const MAX_CAUSE_DEPTH = 3;

/**
 * Describes what was thrown by its name, message, stack, code, status and
 * causes only. Other properties are left out on purpose: errors of HTTP
 * clients and ORMs carry request headers, credentials and rows. Every read
 * is guarded, so throwing getters and hostile Proxies cannot break it.
 */
export function summarizeError(thrown: unknown, depth = 0): ErrorSummary {
  if (typeof thrown !== 'object' || thrown === null) {
    return { type: typeof thrown, message: truncate(safeString(thrown)) };
  }
  const summary: ErrorSummary = {
    type: read(() => thrown.constructor?.name, 'Object') ?? 'Object',
  };
  const error = thrown as Record<string, unknown>;
  const name = read(() => error.name);
  if (typeof name === 'string' && name !== summary.type) summary.type = name;
  const message = read(() => error.message);
  if (typeof message === 'string') summary.message = truncate(message);
  const stack = read(() => error.stack);
  if (typeof stack === 'string') summary.stack = stack;
  const code = read(() => error.code);
  if (typeof code === 'string') summary.code = truncate(code);
  const status = read(() => error.status);
  if (typeof status === 'number') summary.status = status;
  const cause = read(() => error.cause);
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    summary.cause = summarizeError(cause, depth + 1);
  }
  return summary;
}

function read<T>(get: () => T, fallback?: T): T | undefined {
  try {
    return get();
  } catch {
    return fallback;
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
