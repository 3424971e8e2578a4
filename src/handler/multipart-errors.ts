import type { ApiError } from '../errors/api-error.js';
import { BadRequestError, PayloadTooLargeError } from '../errors/error-classes.js';

/**
 * multer's `MulterError` codes the client causes, with the status and our
 * own detail for each (multer's messages are fixed today, but the detail is
 * ours so that it stays stable and never quotes the request). Limits on
 * sizes and counts are 413 (RFC 9110 §15.5.14), as body-parser's are;
 * everything else is a malformed form, 400. `STREAM_DESTROYED` and codes
 * not listed are not the client's for certain: they stay 500s. A Map, so
 * that a `code` such as "valueOf" finds nothing.
 */
const MULTER_ERRORS = new Map<string, readonly [status: 400 | 413, detail: string]>([
  ['LIMIT_PART_COUNT', [413, 'The multipart body has more parts than the limit.']],
  ['LIMIT_FILE_SIZE', [413, 'An uploaded file is larger than the limit.']],
  ['LIMIT_FILE_COUNT', [413, 'The multipart body has more files than the limit.']],
  ['LIMIT_FIELD_KEY', [413, 'A field name in the multipart body is longer than the limit.']],
  ['LIMIT_FIELD_VALUE', [413, 'A field value in the multipart body is longer than the limit.']],
  ['LIMIT_FIELD_COUNT', [413, 'The multipart body has more fields than the limit.']],
  [
    'LIMIT_UNEXPECTED_FILE',
    [
      400,
      'The multipart body has a file in a field that takes none, or more than the field takes.',
    ],
  ],
  ['MISSING_FIELD_NAME', [400, 'A part of the multipart body has no field name.']],
  ['LIMIT_FIELD_NESTING', [400, 'A field name in the multipart body is nested too deeply.']],
  [
    'LIMIT_FIELD_ARRAY_INDEX',
    [400, 'A field name in the multipart body has an array index above the limit.'],
  ],
  ['INVALID_FIELD_NAME', [400, 'A field name in the multipart body is not valid.']],
]);

/**
 * multer's errors, recognised by shape (`name: 'MulterError'` and a code
 * of the table above), with no dependency on multer. Logged with a cause
 * of their name, code and our detail: not multer's `field` or `filename`,
 * which are the client's.
 */
export function fromMulterError(error: { code?: unknown }): ApiError | undefined {
  const { code } = error;
  if (typeof code !== 'string') return undefined;
  const known = MULTER_ERRORS.get(code);
  if (known === undefined) return undefined;
  const [status, detail] = known;
  const cause = { name: 'MulterError', code, message: detail };
  return status === 413
    ? new PayloadTooLargeError(detail, { cause })
    : new BadRequestError(detail, { cause });
}

/** The detail of every malformed multipart body: busboy's messages are not ours to send. */
const MALFORMED_MULTIPART = 'The multipart body could not be parsed.';
const ABORTED_MULTIPART = 'The request was aborted before its multipart body was complete.';

/**
 * The messages of the plain errors multer hands on for the request's body,
 * with our detail for each: busboy's (1.x, which multer 1.4.5-lts and 2.x
 * use) for a part header without a colon, a body or a file cut short before
 * its closing boundary; multer's own for a client that went away mid-upload
 * (a 400, as body-parser's `request.aborted`: the client's doing, which the
 * log line tells as a client gone, with no status sent). A Map, so that a
 * message such as "constructor" finds nothing.
 */
const MULTIPART_BODY_ERRORS = new Map([
  ['Malformed part header', MALFORMED_MULTIPART],
  ['Unexpected end of form', MALFORMED_MULTIPART],
  ['Unexpected end of file', MALFORMED_MULTIPART],
  ['Request aborted', ABORTED_MULTIPART],
  ['Request closed', ABORTED_MULTIPART],
]);

/**
 * busboy's parse errors, and multer's for an aborted upload, are plain
 * `Error`s, with nothing but their message:
 * the same error from busboy on a stream the server parses itself (an
 * upstream's multipart response) is a fault of the server's, not a 400.
 * One is taken for the request's only when multer handed it on: multer
 * sets `storageErrors` (the files it failed to remove) on every error it
 * aborts an upload with. busboy's errors for a `Content-Type` it cannot
 * read ('Multipart: Boundary not found') are thrown before multer can tag
 * them, and stay 500s (the README shows a mapping for them).
 */
export function fromMultipartParseError(error: {
  message?: unknown;
  storageErrors?: unknown;
}): ApiError | undefined {
  const { message } = error;
  const detail = typeof message === 'string' ? MULTIPART_BODY_ERRORS.get(message) : undefined;
  if (detail === undefined) return undefined;
  if (!Object.hasOwn(error, 'storageErrors') || !Array.isArray(error.storageErrors)) {
    return undefined;
  }
  return new BadRequestError(detail, { cause: { name: 'Error', message } });
}
