import { STATUS_CODES } from 'node:http';
import type { SubCodeOf } from '../catalog/catalog.js';
import { assertFieldValue, assertToken } from '../headers/field-value.js';

/** Response headers an error carries, by field name. */
export type ErrorHeaders = Readonly<Record<string, string>>;

/** Options every error class takes. */
export interface ApiErrorOptions<Status extends number = number> {
  /** A sub-code of the error's status from the catalog, e.g. `'401.24'`. */
  subCode?: SubCodeOf<Status>;
  /** Extra response headers. They override the headers the error builds itself. */
  headers?: Readonly<Record<string, string | number>>;
  /** The error that caused this one; logged, never sent. */
  cause?: unknown;
  /** Whether `detail` may be sent to the client. Defaults to `true` below 500, `false` from 500. */
  expose?: boolean;
  /** Extension members for the problem body (RFC 9457 §3.2). They cannot replace standard members. */
  extensions?: Readonly<Record<string, unknown>>;
}

const SUB_CODE_NUMBER = /^\d{1,4}$/;

/**
 * An HTTP error with everything needed to answer it: status, optional
 * sub-code, the headers it implies and the detail for the client.
 *
 * It has the shape of an `http-errors` error (`status`, `statusCode`,
 * `expose`, `headers`), so any Express error handler can answer it.
 */
export class ApiError<Status extends number = number> extends Error {
  /** The HTTP status, 400 to 599. */
  readonly status: Status;
  /** The same as `status`, for code that reads `statusCode`. */
  readonly statusCode: Status;
  /** The catalog sub-code, e.g. `'401.24'`. */
  readonly subCode: SubCodeOf<Status> | undefined;
  /** The detail given at construction, if any. `message` falls back to the status phrase. */
  readonly detail: string | undefined;
  /** Whether `detail` may be sent to the client. */
  readonly expose: boolean;
  /** Response headers implied by this error, e.g. `WWW-Authenticate` or `Allow`. */
  readonly headers: ErrorHeaders;
  /** Extension members for the problem body. */
  readonly extensions: Readonly<Record<string, unknown>> | undefined;

  // NoInfer: the status alone decides `Status`, so a sub-code of another status is an error.
  constructor(status: Status, detail?: string, options: ApiErrorOptions<NoInfer<Status>> = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`ApiError \`status\` must be an integer from 400 to 599, got ${status}`);
    }
    if (detail !== undefined && typeof detail !== 'string') {
      throw new TypeError(`ApiError \`detail\` must be a string, got ${typeof detail}`);
    }
    // Pass `cause` only when there is one: deleting it afterwards would slow every instance down.
    super(
      detail ?? STATUS_CODES[status] ?? `HTTP ${status}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );

    this.status = status;
    this.statusCode = status;
    this.subCode = checkSubCode(status, options.subCode);
    this.detail = detail;
    this.expose = options.expose ?? status < 500;
    this.headers = Object.freeze(checkHeaders(options.headers));
    this.extensions = options.extensions ? Object.freeze({ ...options.extensions }) : undefined;
  }
}
Object.defineProperty(ApiError.prototype, 'name', {
  value: 'ApiError',
  writable: true,
  configurable: true,
});

// A registry-wide brand, so that errors made by the ESM build are recognised
// by the CommonJS build and the other way round (the dual-package hazard).
const BRAND = Symbol.for('express-api-errors.ApiError');
Object.defineProperty(ApiError.prototype, BRAND, { value: true });

function checkSubCode<Status extends number>(
  status: Status,
  subCode: SubCodeOf<Status> | undefined,
): SubCodeOf<Status> | undefined {
  if (subCode === undefined) return undefined;
  const prefix = `${status}.`;
  if (
    typeof subCode !== 'string' ||
    !subCode.startsWith(prefix) ||
    !SUB_CODE_NUMBER.test(subCode.slice(prefix.length))
  ) {
    throw new TypeError(
      `\`subCode\` ${JSON.stringify(subCode)} does not belong to status ${status}: use "${prefix}<n>"`,
    );
  }
  return subCode;
}

/** Validates header names and values now, so that a bad one fails at the throw site, not mid-response. */
function checkHeaders(headers: ApiErrorOptions['headers']): Record<string, string> {
  const checked: Record<string, string> = {};
  if (headers === undefined) return checked;
  if (typeof headers !== 'object' || headers === null) {
    throw new TypeError('`headers` must be an object of header names to values');
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    assertToken(name, 'Header name');
    const text = typeof value === 'number' ? String(value) : value;
    checked[name] = assertFieldValue(text, `Header \`${name}\``);
  }
  return checked;
}

/** Whether `value` is an `ApiError`, from this copy of the library or another one (ESM or CommonJS). */
export function isApiError(value: unknown): value is ApiError {
  return (
    value instanceof ApiError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true)
  );
}
