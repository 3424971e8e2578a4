/**
 * The headers of errors this library did not make (http-errors', Boom's,
 * plain errors with `headers`): any of them may hold the header section of a
 * response an HTTP client or SDK got from another server, so they pass on
 * only the fields an app attaches to an error.
 */
import Boom from '@hapi/boom';
import createHttpError from 'http-errors';
import request from 'supertest';
import { defaultCatalog } from '../../src/index.js';
import { appFailingAfter, appThrowing } from '../helpers/app.js';
import { errorFieldsOf, expectedProblem, problemOf } from '../helpers/problem.js';

/** The fields an app attaches to a 401: each is passed on, whatever else the error carries. */
const APP_FIELDS = {
  'WWW-Authenticate': 'Basic realm="app"',
  'Retry-After': '5',
  Link: '</docs/sign-in>; rel="help"',
  'Accept-Patch': 'application/merge-patch+json',
  'X-Hint': 'sign-in',
};

const SENT_APP_FIELDS = {
  'www-authenticate': 'Basic realm="app"',
  'retry-after': '5',
  link: '</docs/sign-in>; rel="help"',
  'accept-patch': 'application/merge-patch+json',
  'x-hint': 'sign-in',
};

describe('errorHandler: the headers of an http-errors error', () => {
  it.each([
    // The client's state, and where it goes next.
    ['Set-Cookie', 'session=attacker-fixed; Path=/; HttpOnly'],
    ['Set-Cookie2', 'session=1; Version=1'],
    ['Clear-Site-Data', '"cookies", "storage"'],
    ['Refresh', '0; url=https://evil.example/phish'],
    ['Location', 'https://evil.example/login'],
    ['Content-Location', 'https://evil.example/page'],
    // Policies a browser keeps for the origin.
    ['Access-Control-Allow-Origin', 'https://evil.example'],
    ['Access-Control-Allow-Credentials', 'true'],
    ['Access-Control-Expose-Headers', 'X-Secret'],
    ['Strict-Transport-Security', 'max-age=0'],
    ['Content-Security-Policy', "default-src 'none'"],
    ['Content-Security-Policy-Report-Only', "default-src 'none'"],
    ['Cross-Origin-Opener-Policy', 'unsafe-none'],
    ['Cross-Origin-Resource-Policy', 'cross-origin'],
    ['Permissions-Policy', 'camera=*'],
    ['Referrer-Policy', 'unsafe-url'],
    ['X-Frame-Options', 'ALLOWALL'],
    ['Alt-Svc', 'h3=":443"; ma=2592000'],
    ['Accept-CH', 'Sec-CH-UA-Full-Version-List'],
    ['Timing-Allow-Origin', '*'],
    ['Report-To', '{"group":"x","max_age":1,"endpoints":[{"url":"https://evil.example"}]}'],
    // Another message's own.
    ['Server', 'nginx/1.25.3'],
    ['Via', '1.1 upstream-proxy'],
    ['Age', '120'],
    ['ETag', '"upstream-v1"'],
    ['Last-Modified', 'Tue, 01 Jan 2019 00:00:00 GMT'],
    ['Expires', 'Tue, 01 Jan 2019 00:00:00 GMT'],
    ['Content-Language', 'de'],
    ['Content-Disposition', 'attachment; filename="x.html"'],
    ['Content-Digest', 'sha-256=:AAAA:'],
    ['Repr-Digest', 'sha-256=:AAAA:'],
  ])('does not pass on %s, and passes on the fields an app attaches', async (name, value) => {
    const error = createHttpError(401, 'Sign in first', {
      headers: { ...APP_FIELDS, [name]: value },
    });

    const res = await request(appThrowing(() => error)).get('/throw');

    expect(res.status).toBe(401);
    expect(errorFieldsOf(res)).toEqual(SENT_APP_FIELDS);
    expect(problemOf(res)).toEqual(expectedProblem(401, '/throw', 'Sign in first'));
  });

  it.each(['set-cookie', 'SET-COOKIE', 'access-control-allow-origin', 'LOCATION'])(
    'does not pass on %s whatever the case of its name',
    async (name) => {
      const error = createHttpError(401, 'Sign in first', {
        headers: { ...APP_FIELDS, [name]: 'x=1' },
      });

      const res = await request(appThrowing(() => error)).get('/throw');

      expect(res.status).toBe(401);
      expect(errorFieldsOf(res)).toEqual(SENT_APP_FIELDS);
      expect(problemOf(res)).toEqual(expectedProblem(401, '/throw', 'Sign in first'));
    },
  );

  it('sends a 416’s Content-Range, and none of its other Content-* fields', async () => {
    const error = createHttpError(416, {
      headers: {
        'Content-Range': 'bytes */1234',
        'Content-Language': 'de',
        'Content-Location': '/files/report.pdf',
      },
    });

    const res = await request(appThrowing(() => error)).get('/throw');

    expect(res.status).toBe(416);
    expect(errorFieldsOf(res)).toEqual({ 'content-range': 'bytes */1234' });
    expect(problemOf(res)).toEqual(
      expectedProblem(416, '/throw', defaultCatalog.get(416)!.description),
    );
  });

  it('keeps the CORS fields the app set on the response, not those the error carries', async () => {
    const app = appFailingAfter(
      (res) => res.set('Access-Control-Allow-Origin', 'https://app.example'),
      () =>
        createHttpError(429, 'Slow down', {
          headers: {
            'Retry-After': '10',
            'Access-Control-Allow-Origin': 'https://evil.example',
            'Access-Control-Allow-Credentials': 'true',
          },
        }),
    );

    const res = await request(app).get('/throw');

    expect(res.status).toBe(429);
    expect(errorFieldsOf(res)).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'retry-after': '10',
    });
    expect(problemOf(res)).toEqual(expectedProblem(429, '/throw', 'Slow down'));
  });
});

describe('errorHandler: the headers of an error made as Express documents it', () => {
  it('does not pass on the Set-Cookie and Refresh of a plain error with a status, and sends its Retry-After', async () => {
    const error = Object.assign(new Error('Slow down'), {
      status: 429,
      expose: true,
      headers: {
        'Retry-After': '10',
        'Set-Cookie': 'sid=upstream; Path=/',
        Refresh: '0; url=https://evil.example',
      },
    });

    const res = await request(appThrowing(() => error)).get('/throw');

    expect(res.status).toBe(429);
    expect(errorFieldsOf(res)).toEqual({ 'retry-after': '10' });
    expect(problemOf(res)).toEqual(expectedProblem(429, '/throw', 'Slow down'));
  });
});

describe('errorHandler: the output headers of a Boom error', () => {
  it('does not pass on Set-Cookie or CORS fields, and sends the challenge Boom built', async () => {
    const error = Boom.unauthorized('Sign in first', 'Basic', { realm: 'app' });
    Object.assign(error.output.headers, {
      'Set-Cookie': 'sid=upstream; Path=/',
      'Access-Control-Allow-Origin': 'https://evil.example',
      'X-Hint': 'sign-in',
    });

    const res = await request(appThrowing(() => error)).get('/throw');

    expect(res.status).toBe(401);
    expect(errorFieldsOf(res)).toEqual({
      'www-authenticate': 'Basic realm="app", error="Sign in first"',
      'x-hint': 'sign-in',
    });
    expect(problemOf(res)).toEqual(expectedProblem(401, '/throw', 'Sign in first'));
  });

  // (An http-errors error with a Date is taken for an HTTP client's: see to-api-error.http-clients.)
  it('sends the Date of its own answer, not one among the output headers', async () => {
    const error = Boom.tooManyRequests('Slow down');
    Object.assign(error.output.headers, {
      'Retry-After': '10',
      Date: 'Tue, 01 Jan 2019 00:00:00 GMT',
    });

    const res = await request(appThrowing(() => error)).get('/throw');

    expect(res.status).toBe(429);
    expect(Math.abs(Date.parse(res.headers.date!) - Date.now())).toBeLessThan(60_000);
    expect(errorFieldsOf(res)).toEqual({ 'retry-after': '10' });
    expect(problemOf(res)).toEqual(expectedProblem(429, '/throw', 'Slow down'));
  });
});
