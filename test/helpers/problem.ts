import type { Response } from 'supertest';
import { fieldValues, type RawResponse } from './raw-http.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The body of a problem response, with the generated request id checked and taken out. */
export function problemOf(res: Response): Record<string, unknown> {
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(res.headers['content-type']).toMatch(/^application\/(problem\+)?json$/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(body.requestId).toBe(res.headers['x-request-id']);
  if (typeof body.requestId === 'string' && UUID.test(body.requestId)) delete body.requestId;
  return body;
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
