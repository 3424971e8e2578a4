import type { Response } from 'supertest';

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
