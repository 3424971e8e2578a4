/**
 * Which media type a problem is sent as, by the request's Accept field:
 * `application/problem+json` (RFC 9457 §3) whenever the client accepts it
 * at least as much as `application/json`, weighed by RFC 9110 §12.5.1.
 */
import request from 'supertest';
import { NotFoundError } from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';

const PROBLEM = 'application/problem+json';
const JSON_TYPE = 'application/json';

const NOT_FOUND = {
  type: 'about:blank',
  title: 'Not Found',
  status: 404,
  detail: 'No such order.',
  instance: '/throw',
  code: 'NOT_FOUND',
  requestId: 'req-1',
};

// What clients send by default (see README "Content negotiation" for where each was read).
const CLIENTS: [string, string | undefined, string][] = [
  ['no Accept (curl sends */*; got without a body type sends none)', undefined, PROBLEM],
  ['axios', 'application/json, text/plain, */*', PROBLEM],
  ['fetch (undici, browsers), ky without a body method', '*/*', PROBLEM],
  ['got .json(), ky .json()', 'application/json', JSON_TYPE],
  ['ky .text()', 'text/*', PROBLEM],
  [
    'Chrome 131 navigation',
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
    PROBLEM,
  ],
  [
    'Firefox 132 navigation',
    'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    PROBLEM,
  ],
];

const WEIGHTS: [string, string][] = [
  ['application/problem+json', PROBLEM],
  ['application/json, application/problem+json', PROBLEM],
  ['application/problem+json, application/json', PROBLEM],
  ['application/*', PROBLEM],
  ['application/json;q=0.9, */*', PROBLEM],
  ['application/json;q=0.5, application/problem+json;q=0.5', PROBLEM],
  ['application/json, */*;q=0.8', JSON_TYPE],
  ['application/json, application/*;q=0.5', JSON_TYPE],
  ['application/json;q=0.6, application/problem+json;q=0.5', JSON_TYPE],
  ['application/json, application/problem+json;q=0.5', JSON_TYPE],
  ['application/json, */*;q=0', JSON_TYPE],
  // q=0: not acceptable (RFC 9110 §12.4.2).
  ['application/problem+json;q=0, application/json', JSON_TYPE],
  ['application/problem+json;q=0, */*', JSON_TYPE],
  ['application/json;q=0, */*', PROBLEM],
  // Neither acceptable: an error is answered anyway, as a problem.
  ['application/json;q=0, application/problem+json;q=0', PROBLEM],
  ['text/html', PROBLEM],
  ['*/*;q=0', PROBLEM],
];

const SPELLINGS: [string, string][] = [
  ['APPLICATION/JSON', JSON_TYPE],
  ['Application/Json;Q=1, */*;Q=0.5', JSON_TYPE],
  ['application/json; charset=utf-8', JSON_TYPE],
  ['application/json;charset="UTF-8"', JSON_TYPE],
  // A parameter the JSON sent does not have: that range does not match it.
  ['application/json;charset=iso-8859-1, */*;q=0.1', PROBLEM],
  ['application/json;version=2', PROBLEM],
  ['application/json , text/plain', JSON_TYPE],
];

const MALFORMED: [string, string][] = [
  ['application/json;q=abc', PROBLEM],
  ['application/json;q=2, */*;q=0.5', PROBLEM],
  ['application/json;q=0.5x, application/json;q=0.4, */*;q=0.3', JSON_TYPE],
  ['json', PROBLEM],
  ['application/json;', PROBLEM],
  ['application/json;charset="utf-8', PROBLEM],
  [';;;,,,', PROBLEM],
  ['*/json', PROBLEM],
  ['application/json' + ', x'.repeat(2000), JSON_TYPE],
];

describe('content negotiation of problems (RFC 9457 §3, RFC 9110 §12.5.1)', () => {
  const check = async (accept: string | undefined, type: string) => {
    const get = request(appThrowing(() => new NotFoundError('No such order.')))
      .get('/throw')
      .set('X-Request-Id', 'req-1');
    const res = await (accept === undefined ? get : get.set('Accept', accept));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe(type);
    expect(JSON.parse(res.text)).toEqual(NOT_FOUND);
  };

  it.each(CLIENTS)('answers %s (Accept: %p) with %s', async (_client, accept, type) => {
    await check(accept, type);
  });

  it.each(WEIGHTS)('answers Accept: %p with %s', check);

  it.each(SPELLINGS)('reads types case-insensitively, with their parameters: %p → %s', check);

  it.each(MALFORMED)('ignores malformed members, never failing: %p → %s', check);
});
