import { parse as parseAuthHeader } from 'auth-header';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { createExampleApp } from '../../examples/app.js';
import {
  DEMO_APP_KEY,
  DEMO_APP_SECRET,
  DEMO_EXPIRED_APP_SECRET,
  parseTimestamp,
  sign,
  signatureHeader,
  verifySignature,
} from '../../examples/signature.js';
import { defaultCatalog, UnauthorizedError, type CatalogEntry } from '../../src/index.js';
import { problemOf } from '../helpers/problem.js';
import { expectedProblem } from './expected-problem.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const ISSUED_AT = '2025-06-01T11:58:30.000Z';

function ping(signature?: string | string[]) {
  const req = request(createExampleApp({ logger: false, now: () => NOW })).get('/signed/ping');
  // superagent passes an array to setHeader, which sends one header line per value.
  if (signature !== undefined) req.set('Signature', signature as string);
  return req;
}

function signed(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}

const valid = () => signatureHeader(DEMO_APP_KEY, DEMO_APP_SECRET, ISSUED_AT);

describe('sign()', () => {
  it('is the hex HMAC-SHA256 of AppKey followed by IssuedAt, keyed with the AppSecret', () => {
    const expected = createHmac('sha256', 'secret').update('app-key-12025-06-01T12:00:00Z');

    expect(sign('app-key-1', '2025-06-01T12:00:00Z', 'secret')).toBe(expected.digest('hex'));
  });

  it('gives a different Token for a different IssuedAt', () => {
    expect(sign('app-key-1', '2025-06-01T12:00:00Z', 's')).not.toBe(
      sign('app-key-1', '2025-06-01T12:00:01Z', 's'),
    );
  });
});

describe('signatureHeader()', () => {
  it('is the JSON object of AppKey, IssuedAt and its Token', () => {
    expect(JSON.parse(valid())).toEqual({
      AppKey: DEMO_APP_KEY,
      IssuedAt: ISSUED_AT,
      Token: sign(DEMO_APP_KEY, ISSUED_AT, DEMO_APP_SECRET),
    });
  });
});

describe('parseTimestamp()', () => {
  it.each([
    ['2025-06-01T12:00:00Z', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01T12:00:00.250Z', Date.UTC(2025, 5, 1, 12, 0, 0, 250)],
    ['2025-06-01T14:00:00+02:00', Date.UTC(2025, 5, 1, 12)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (value, time) => {
    expect(parseTimestamp(value)).toBe(time);
  });

  it.each([
    '2025-02-29T00:00:00Z',
    '2025-02-30T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-06-01T24:00:00Z',
    '2025-06-01T12:00:00',
    '2025-06-01',
    '1748779200',
    'June 1, 2025 12:00 UTC',
    '2025-06-01T12:00:00+25:00',
  ])('refuses %s', (value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });
});

describe('GET /signed/ping', () => {
  it('answers a correctly signed request with its AppKey and the server time', async () => {
    const res = await ping(valid()).expect(200);

    expect(res.body).toEqual({
      pong: true,
      appKey: DEMO_APP_KEY,
      serverTime: '2025-06-01T12:00:00.000Z',
    });
  });

  it('accepts an IssuedAt exactly 60 minutes away, either way', async () => {
    for (const issuedAt of ['2025-06-01T11:00:00.000Z', '2025-06-01T13:00:00.000Z']) {
      await ping(signatureHeader(DEMO_APP_KEY, DEMO_APP_SECRET, issuedAt)).expect(200);
    }
  });

  it('accepts a Token in upper-case hex', async () => {
    const token = sign(DEMO_APP_KEY, ISSUED_AT, DEMO_APP_SECRET).toUpperCase();

    await ping(signed({ AppKey: DEMO_APP_KEY, IssuedAt: ISSUED_AT, Token: token })).expect(200);
  });

  // One row per sub-code; each is answered the same way but for its detail.
  const rejections: [string, string, () => string | string[], string][] = [
    ['401.1', 'the Signature header is missing', () => [], 'The request has no Signature header.'],
    [
      '401.2',
      'there is more than one Signature header',
      () => [valid(), valid()],
      'The request has more than one Signature header; send one.',
    ],
    [
      '401.3',
      'the Signature header is not JSON',
      () => 'AppKey=demo-app-key',
      'The Signature header must be a JSON object.',
    ],
    [
      '401.3',
      'the Signature header is JSON but not an object',
      () => '["demo-app-key"]',
      'The Signature header must be a JSON object.',
    ],
    [
      '401.4',
      'AppKey is missing',
      () => signed({ IssuedAt: ISSUED_AT, Token: 'ab' }),
      'The signature has no AppKey, or it is not 8 to 64 letters, digits, "-" or "_".',
    ],
    [
      '401.4',
      'AppKey is not in the expected format',
      () => signed({ AppKey: 'demo app', IssuedAt: ISSUED_AT, Token: 'ab' }),
      'The signature has no AppKey, or it is not 8 to 64 letters, digits, "-" or "_".',
    ],
    [
      '401.5',
      'IssuedAt is missing',
      () => signed({ AppKey: DEMO_APP_KEY, Token: 'ab' }),
      'The signature has no IssuedAt, or it is not an ISO 8601 timestamp with a time zone.',
    ],
    [
      '401.5',
      'IssuedAt is not a valid timestamp',
      () => signed({ AppKey: DEMO_APP_KEY, IssuedAt: '2025-02-30T12:00:00Z', Token: 'ab' }),
      'The signature has no IssuedAt, or it is not an ISO 8601 timestamp with a time zone.',
    ],
    [
      '401.6',
      'IssuedAt is more than 60 minutes before the server time',
      () => signatureHeader(DEMO_APP_KEY, DEMO_APP_SECRET, '2025-06-01T10:59:59.999Z'),
      'IssuedAt is more than 60 minutes away from the server time: check the client clock.',
    ],
    [
      '401.6',
      'IssuedAt is more than 60 minutes after the server time',
      () => signatureHeader(DEMO_APP_KEY, DEMO_APP_SECRET, '2025-06-01T13:00:00.001Z'),
      'IssuedAt is more than 60 minutes away from the server time: check the client clock.',
    ],
    [
      '401.7',
      'no application is registered under the AppKey',
      () => signatureHeader('unknown-app-key', DEMO_APP_SECRET, ISSUED_AT),
      'No application is registered under this AppKey.',
    ],
    [
      '401.8',
      'Token is missing',
      () => signed({ AppKey: DEMO_APP_KEY, IssuedAt: ISSUED_AT }),
      'The signature has no Token.',
    ],
    [
      '401.9',
      'Token is not the HMAC made with the AppSecret',
      () => signatureHeader(DEMO_APP_KEY, 'a-guessed-secret', ISSUED_AT),
      'The Token is not the HMAC-SHA256 of AppKey and IssuedAt.',
    ],
    [
      '401.9',
      'Token is not a hex SHA-256 HMAC at all',
      () => signed({ AppKey: DEMO_APP_KEY, IssuedAt: ISSUED_AT, Token: 'not-hex' }),
      'The Token is not the HMAC-SHA256 of AppKey and IssuedAt.',
    ],
    [
      '401.10',
      'Token was made with the expired AppSecret',
      () => signatureHeader(DEMO_APP_KEY, DEMO_EXPIRED_APP_SECRET, ISSUED_AT),
      'The Token was made with an AppSecret that has been rotated out: sign with the current one.',
    ],
  ];

  it.each(rejections)('answers %s when %s', async (subCode, _when, makeSignature, detail) => {
    const signature = makeSignature();
    const res = await ping(
      Array.isArray(signature) && signature.length === 0 ? undefined : signature,
    ).expect(401);

    expect(res.headers['www-authenticate']).toBe('Signature realm="api"');
    expect(res.headers['x-status-sub-code']).toBe(subCode);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemOf(res)).toEqual(
      expectedProblem(subCode as `${number}.${number}`, '/signed/ping', { detail }),
    );
  });

  it('covers every signature sub-code of the catalog', () => {
    const covered = new Set(rejections.map(([subCode]) => subCode));
    const catalogued = defaultCatalog.entries
      .map((entry: CatalogEntry) => entry.subCode)
      .filter((subCode) => subCode !== undefined && /^401\.\d$|^401\.10$/.test(subCode));

    expect([...covered].sort()).toEqual([...catalogued].sort());
  });

  it('sends a challenge that an independent parser reads as the Signature scheme', async () => {
    const res = await ping().expect(401);

    expect(parseAuthHeader(res.headers['www-authenticate']!)).toEqual({
      scheme: 'Signature',
      token: null,
      params: { realm: 'api' },
    });
  });
});

describe('verifySignature()', () => {
  const apps = new Map([['app-key-1', { secret: 'current' }]]);
  const header = signatureHeader('app-key-1', 'current', ISSUED_AT);

  it('returns the AppKey of a valid signature', () => {
    expect(verifySignature(['Host', 'api', 'Signature', header], apps, NOW)).toBe('app-key-1');
  });

  it('counts Signature headers whatever the case of their names', () => {
    expect(() => verifySignature(['signature', header, 'SIGNATURE', header], apps, NOW)).toThrow(
      expect.objectContaining({ subCode: '401.2' }),
    );
  });

  it('answers 401.9, not 401.10, for an app that has no expired secret', () => {
    const old = signatureHeader('app-key-1', 'previous', ISSUED_AT);

    expect(() => verifySignature(['Signature', old], apps, NOW)).toThrow(
      expect.objectContaining({ subCode: '401.9' }),
    );
  });

  it('throws UnauthorizedErrors', () => {
    expect(() => verifySignature([], apps, NOW)).toThrow(UnauthorizedError);
  });
});
