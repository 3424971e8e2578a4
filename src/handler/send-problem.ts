import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { acceptQuality } from '../headers/accept.js';
import { addVary } from '../headers/vary.js';
import type { ProblemDetails } from './problem.js';
import { dropAbandonedHeaders } from './replaced-headers.js';
import { lingerIfClosed } from './lingering-close.js';
import { serializeProblem } from './serialize-problem.js';

export const PROBLEM_JSON = 'application/problem+json';
const JSON_TYPE = 'application/json';
// RFC 8259 §8.1: JSON is sent as UTF-8, so a range asking for that charset matches.
const SENT_PARAMETERS = Object.freeze({ charset: 'utf-8' });
const MENTIONS_JSON = /json/i;

/**
 * RFC 9457 §3: problems are `application/problem+json`. Chosen whenever the
 * client accepts it at least as much as `application/json`, be it through
 * `*\/*` or `application/*` (axios sends `application/json, text/plain, *\/*`:
 * both at 1); `application/json` only when the client prefers it or does
 * not accept problem+json at all (RFC 9110 §12.5.1, q=0). A client that
 * accepts neither still gets problem+json: an error answers anyway.
 */
export function chooseMediaType(req: Request): string {
  const accept: unknown = req.headers.accept;
  // Without "json" in the field, both types get the same weight from the same ranges.
  if (typeof accept !== 'string' || !MENTIONS_JSON.test(accept)) return PROBLEM_JSON;
  const problem = acceptQuality(accept, 'application', 'problem+json', SENT_PARAMETERS);
  const json = acceptQuality(accept, 'application', 'json', SENT_PARAMETERS);
  return json > problem ? JSON_TYPE : PROBLEM_JSON;
}

/**
 * Sets the status and its reason phrase (RFC 9112 §4), which a handler may
 * have set for the response it abandoned. Node's phrase for the status, or
 * its `unknown` for a status it has none for; HTTP/2 has no reason phrase.
 */
export function setStatus(req: Request, res: Response, status: number): void {
  res.statusCode = status;
  // Node writes the status's own phrase when none is set; only a phrase a handler set must
  // go. Assigning one when none was set would add a property, costly on a response whose
  // prototype Express changed (4 µs of CPU, see installRequestProperty).
  if (req.httpVersionMajor < 2 && res.statusMessage) {
    res.statusMessage = STATUS_CODES[status] ?? 'unknown';
  }
}

/**
 * Writes the status, headers and problem body; no body for HEAD (RFC 9110
 * §9.3.2), 204 and 304. A connection closed after it while the request's
 * body is unread lingers, so that the client can read the answer (see
 * `lingerIfClosed`). Returns the names of the members JSON could not
 * represent, which the body leaves out.
 */
export function sendProblem(
  req: Request,
  res: Response,
  problem: ProblemDetails,
  headers: Readonly<Record<string, string>>,
): readonly string[] {
  dropAbandonedHeaders(res);
  // Before the answer: Node may close the connection as soon as it is written.
  lingerIfClosed(req, res);
  setStatus(req, res, problem.status);
  for (const name in headers) res.setHeader(name, headers[name] as string);
  if (problem.status === 204 || problem.status === 304) {
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Length');
    res.end();
    return [];
  }
  const { body, dropped } = serializeProblem(problem);
  // RFC 8259 §11 defines no charset parameter: JSON is UTF-8.
  res.setHeader('Content-Type', chooseMediaType(req));
  addVary(res, 'Accept'); // the media type above depends on it
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method === 'HEAD') res.end();
  else res.end(body);
  return dropped;
}
