import type { Response } from 'supertest';
import { fieldValues, type RawResponse } from './raw-http.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The titles and codes of the default catalog's statuses that tests expect. */
const EXPECTED_TITLES = {
  400: ['Bad Request', 'BAD_REQUEST'],
  401: ['Unauthorized', 'UNAUTHORIZED'],
  403: ['Forbidden', 'FORBIDDEN'],
  404: ['Not Found', 'NOT_FOUND'],
  409: ['Conflict', 'CONFLICT'],
  410: ['Gone', 'GONE'],
  413: ['Content Too Large', 'PAYLOAD_TOO_LARGE'],
  415: ['Unsupported Media Type', 'UNSUPPORTED_MEDIA_TYPE'],
  416: ['Range Not Satisfiable', 'RANGE_NOT_SATISFIABLE'],
  422: ['Unprocessable Content', 'UNPROCESSABLE_ENTITY'],
  429: ['Too Many Requests', 'TOO_MANY_REQUESTS'],
  500: ['Internal Server Error', 'INTERNAL_SERVER_ERROR'],
  503: ['Service Unavailable', 'SERVICE_UNAVAILABLE'],
} as const satisfies Record<number, readonly [title: string, code: string]>;

/** The problem body expected for `status` with `detail` at `instance`, as `problemOf` gives it. */
export function expectedProblem(
  status: keyof typeof EXPECTED_TITLES,
  instance: string,
  detail: string,
): Record<string, unknown> {
  const [title, code] = EXPECTED_TITLES[status];
  return { type: 'about:blank', title, status, detail, instance, code };
}

/** The body of a problem response, with the generated request id checked and taken out. */
export function problemOf(res: Response): Record<string, unknown> {
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(res.headers['content-type']).toMatch(/^application\/(problem\+)?json$/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(body.requestId).toBe(res.headers['x-request-id']);
  if (typeof body.requestId === 'string' && UUID.test(body.requestId)) delete body.requestId;
  return body;
}

/** The fields every problem response carries, whatever the error: framing, type, request id, Node's and Express's. */
const PROBLEM_FIELDS = new Set([
  'connection',
  'content-length',
  'content-type',
  'date',
  'keep-alive',
  'vary',
  'x-content-type-options',
  'x-powered-by',
  'x-request-id',
]);

/** The header fields of a problem response beyond those every one carries: the error's, by lower-case name. */
export function errorFieldsOf(res: Response): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(res.headers as Record<string, unknown>).filter(
      ([name]) => !PROBLEM_FIELDS.has(name),
    ),
  );
}

/**
 * `problemOf` for a response read off the socket: also checks that the body
 * is framed by exactly one `Content-Length` that counts its bytes.
 */
export function rawProblemOf(res: RawResponse): Record<string, unknown> {
  expect(fieldValues(res, 'Transfer-Encoding')).toEqual([]);
  expect(fieldValues(res, 'Content-Length')).toEqual([String(res.body.length)]);
  expect(fieldValues(res, 'Content-Type')).toEqual(['application/problem+json']);
  expect(fieldValues(res, 'X-Content-Type-Options')).toEqual(['nosniff']);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(fieldValues(res, 'X-Request-Id')).toEqual([body.requestId]);
  if (typeof body.requestId === 'string' && UUID.test(body.requestId)) delete body.requestId;
  return body;
}
