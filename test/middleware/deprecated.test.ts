import express from 'express';
import request from 'supertest';
import { deprecated, type DeprecatedOptions } from '../../src/middleware/deprecated.js';
import type { OptionErrorCode } from '../../src/options/option-error.js';
import { createApp } from '../helpers/app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { fakeClock } from '../helpers/clock.js';
import { problemOf } from '../helpers/problem.js';

const SINCE = '2025-06-30T23:59:59Z'; // @1751327999
const SUNSET = '2026-06-30T23:59:59Z'; // Tue, 30 Jun 2026 23:59:59 GMT
const BEFORE_SUNSET = Date.parse('2026-01-15T12:00:00Z');
const AFTER_SUNSET = Date.parse('2026-07-01T00:00:00Z');

function appWith(options: DeprecatedOptions) {
  return createApp((app) => {
    const v1 = express.Router();
    v1.use(deprecated(options));
    v1.get('/users', (_req, res) => {
      res.json([{ id: 1 }]);
    });
    v1.get('/boom', (_req, _res, next) => {
      next(new Error('database down'));
    });
    app.use('/v1', v1);
  });
}

const gone = (instance: string) => ({
  type: 'about:blank',
  title: 'Gone',
  status: 410,
  detail: 'This API version is deprecated and no longer served. Update to the newer version.',
  instance,
  code: 'GONE',
});

describe('deprecated: before the sunset', () => {
  const app = appWith({
    since: SINCE,
    sunset: SUNSET,
    link: 'https://developer.example.com/deprecation',
    now: () => BEFORE_SUNSET,
  });

  it('runs the route and adds Deprecation, Sunset and Link', async () => {
    const res = await request(app).get('/v1/users');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ id: 1 }]);
    expect(res.headers.deprecation).toBe('@1751327999');
    expect(res.headers.sunset).toBe('Tue, 30 Jun 2026 23:59:59 GMT');
    expect(res.headers.link).toBe('<https://developer.example.com/deprecation>; rel="deprecation"');
  });

  it('sends a Deprecation date that parses back to `since`, and a Sunset back to `sunset`', async () => {
    const res = await request(app).get('/v1/users');
    expect(Number(/^@(\d+)$/.exec(res.headers.deprecation as string)![1]) * 1000).toBe(
      Date.parse(SINCE),
    );
    expect(Date.parse(res.headers.sunset as string)).toBe(Date.parse(SUNSET));
  });

  it('keeps the headers on an error response of the route', async () => {
    const res = await request(app).get('/v1/boom');
    expect(res.status).toBe(500);
    expect(res.headers.deprecation).toBe('@1751327999');
    expect(res.headers.sunset).toBe('Tue, 30 Jun 2026 23:59:59 GMT');
  });

  it('adds the headers to HEAD, without a body', async () => {
    const res = await request(app).head('/v1/users');
    expect(res.status).toBe(200);
    expect(res.headers.deprecation).toBe('@1751327999');
    expect(res.text).toBeUndefined();
  });

  it('adds the headers to OPTIONS', async () => {
    const res = await request(app).options('/v1/users');
    expect(res.status).toBe(200);
    expect(res.headers.allow).toMatch(/^GET, ?HEAD$/); // Express 4 writes no space
    expect(res.headers.sunset).toBe('Tue, 30 Jun 2026 23:59:59 GMT');
  });

  it('covers the path with a trailing slash', async () => {
    const res = await request(app).get('/v1/users/');
    expect(res.status).toBe(200);
    expect(res.headers.deprecation).toBe('@1751327999');
  });

  it('adds its link to links the route set earlier', async () => {
    const withLinks = createApp((a) => {
      a.use((_req, res, next) => {
        res.set('Link', '</v1/users?page=2>; rel="next"');
        next();
      });
      a.use(deprecated({ since: SINCE, link: '/docs/v2' }));
      a.get('/users', (_req, res) => {
        res.end();
      });
    });
    const res = await request(withLinks).get('/users');
    expect(res.headers.link).toBe('</v1/users?page=2>; rel="next", </docs/v2>; rel="deprecation"');
  });
});

describe('deprecated: from the sunset on', () => {
  const options: DeprecatedOptions = {
    since: SINCE,
    sunset: SUNSET,
    link: { deprecation: 'https://example.com/deprecation', sunset: 'https://example.com/sunset' },
    now: () => AFTER_SUNSET,
  };
  const app = appWith(options);
  const link =
    '<https://example.com/deprecation>; rel="deprecation", <https://example.com/sunset>; rel="sunset"';

  it('answers 410 Gone without running the route, keeping Deprecation, Sunset and Link', async () => {
    const res = await request(app).get('/v1/users');
    expect(res.status).toBe(410);
    expect(res.headers.deprecation).toBe('@1751327999');
    expect(res.headers.sunset).toBe('Tue, 30 Jun 2026 23:59:59 GMT');
    expect(res.headers.link).toBe(link);
    expect(problemOf(res)).toEqual(gone('/v1/users'));
  });

  it('answers 410 to HEAD without a body', async () => {
    const res = await request(app).head('/v1/users');
    expect(res.status).toBe(410);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers.link).toBe(link);
    expect(res.text).toBeUndefined();
  });

  it('answers 410 to OPTIONS, to trailing slashes and to paths no route has', async () => {
    expect((await request(app).options('/v1/users')).status).toBe(410);
    const slash = await request(app).get('/v1/users/');
    expect(slash.status).toBe(410);
    expect(problemOf(slash)).toEqual(gone('/v1/users/'));
    expect((await request(app).post('/v1/anything')).status).toBe(410);
  });

  it('answers 410 at the very second of the sunset, and not a millisecond before', async () => {
    const clock = fakeClock(Date.parse(SUNSET) - 1);
    const timed = appWith({ sunset: SUNSET, now: clock.now });
    expect((await request(timed).get('/v1/users')).status).toBe(200);
    clock.advance(1);
    expect((await request(timed).get('/v1/users')).status).toBe(410);
  });

  it('reads the clock on each request, so a running server starts answering 410', async () => {
    const clock = fakeClock(BEFORE_SUNSET);
    const timed = appWith({ since: SINCE, sunset: SUNSET, now: clock.now });
    expect((await request(timed).get('/v1/users')).status).toBe(200);
    clock.advance(AFTER_SUNSET - BEFORE_SUNSET);
    const res = await request(timed).get('/v1/users');
    expect(res.status).toBe(410);
    expect(res.headers.sunset).toBe('Tue, 30 Jun 2026 23:59:59 GMT');
  });
});

describe('deprecated: options', () => {
  it('announces a deprecation in the future ahead of time', async () => {
    const res = await request(
      appWith({ since: new Date('2099-01-01T00:00:00Z'), now: () => BEFORE_SUNSET }),
    ).get('/v1/users');
    expect(res.status).toBe(200);
    expect(res.headers.deprecation).toBe('@4070908800');
    expect(res.headers.sunset).toBeUndefined();
    expect(res.headers.link).toBeUndefined();
  });

  it('sends only Sunset without `since`, RFC 9745 having no undated Deprecation', async () => {
    const res = await request(appWith({ sunset: SUNSET, now: () => BEFORE_SUNSET })).get(
      '/v1/users',
    );
    expect(res.status).toBe(200);
    expect(res.headers.deprecation).toBeUndefined();
    expect(res.headers.sunset).toBe('Tue, 30 Jun 2026 23:59:59 GMT');
  });

  it('uses the real clock by default: a sunset in the past answers 410', async () => {
    const res = await request(appWith({ since: '2000-01-01', sunset: '2001-01-01' })).get(
      '/v1/users',
    );
    expect(res.status).toBe(410);
    expect(res.headers.deprecation).toBe('@946684800');
    expect(res.headers.sunset).toBe('Mon, 01 Jan 2001 00:00:00 GMT');
  });

  it('sends a sunset link alone with rel="sunset"', async () => {
    const res = await request(
      appWith({ since: SINCE, link: { sunset: '/docs/sunset' }, now: () => BEFORE_SUNSET }),
    ).get('/v1/users');
    expect(res.headers.link).toBe('</docs/sunset>; rel="sunset"');
  });

  it('allows `sunset` equal to `since`', () => {
    expect(() => deprecated({ since: SUNSET, sunset: SUNSET })).not.toThrow();
  });

  it('does not change the options object', () => {
    const options: DeprecatedOptions = { since: SINCE, sunset: SUNSET, link: { sunset: '/s' } };
    const copy = structuredClone(options);
    deprecated(options);
    expect(options).toEqual(copy);
  });

  it('refuses a `sunset` before `since` with a RangeError', () => {
    expectOptionError(
      () => deprecated({ since: SUNSET, sunset: SINCE }),
      'ERR_EAE_OPTION_RANGE',
      'deprecated(): `sunset` (2025-06-30T23:59:59.000Z) must not be before `since` (2026-06-30T23:59:59.000Z)',
    );
  });

  it.each<[unknown, OptionErrorCode, string]>([
    [
      { since: 'yesterday' },
      'ERR_EAE_OPTION_TYPE',
      '`since` must be a valid Date, an ISO 8601 date string or an IMF-fixdate, got "yesterday"',
    ],
    [
      { sunset: new Date('nope') },
      'ERR_EAE_OPTION_TYPE',
      '`sunset` must be a valid Date, an ISO 8601 date string or an IMF-fixdate, got Invalid Date',
    ],
    [
      { since: 1_700_000_000 },
      'ERR_EAE_OPTION_TYPE',
      '`since` must be a valid Date, an ISO 8601 date string or an IMF-fixdate, got 1700000000',
    ],
    [
      { since: new Date(Date.UTC(10000, 0, 1)) },
      'ERR_EAE_OPTION_RANGE',
      '`since` must fall in the years 0000 to 9999, got +010000-01-01T00:00:00.000Z',
    ],
    [
      {},
      'ERR_EAE_OPTION_MISSING',
      '`since`, `sunset` or both are required: RFC 9745 and RFC 8594 send dates',
    ],
    [
      { since: SINCE, link: 'https://x.example/\r\nSet-Cookie: a=1' },
      'ERR_EAE_OPTION_TYPE',
      '`link` must be a non-empty URI reference without control characters, got "https://x.example/\\r\\nSet-Cookie: a=1"',
    ],
    [
      { since: SINCE, link: 42 },
      'ERR_EAE_OPTION_TYPE',
      '`link` must be a URL or `{ deprecation?, sunset? }`, got 42',
    ],
    [{ since: SINCE, now: 5 }, 'ERR_EAE_OPTION_TYPE', '`now` must be a function, got 5'],
    [
      undefined,
      'ERR_EAE_OPTIONS',
      "options must be an object such as { since: '2025-01-01', sunset: '2026-01-01' }, got undefined",
    ],
  ])('refuses %p, naming the option, with its code', (options, code, message) => {
    expectOptionError(
      () => deprecated(options as DeprecatedOptions),
      code,
      `deprecated(): ${message}`,
    );
  });

  it.each([
    ['sunsetAt', 'sunset'],
    ['Since', 'since'],
    ['links', 'link'],
  ])('refuses the unknown option `%s`, suggesting `%s`', (name, nearest) => {
    expectOptionError(
      () => deprecated({ since: SINCE, [name]: SUNSET } as DeprecatedOptions),
      'ERR_EAE_UNKNOWN_OPTION',
      `deprecated(): \`${name}\` is not an option. Did you mean \`${nearest}\`? The options are \`since\`, \`sunset\`, \`link\`, \`now\`.`,
    );
  });
});

describe('deprecated: link objects', () => {
  it('refuses an empty link object instead of sending no Link', () => {
    expectOptionError(
      () => deprecated({ since: SINCE, link: {} }),
      'ERR_EAE_OPTION_MISSING',
      'deprecated(): `link` must hold a `deprecation` URL, a `sunset` URL or both, got {}',
    );
  });

  it('refuses an unknown name in a link object, suggesting the nearest', () => {
    expectOptionError(
      () => deprecated({ since: SINCE, link: { deprecaton: 'https://example.com/d' } as never }),
      'ERR_EAE_UNKNOWN_OPTION',
      'deprecated(): `link.deprecaton` is not an option. Did you mean `link.deprecation`? The options are `link.deprecation`, `link.sunset`.',
    );
  });

  it('names the link whose URL is bad', () => {
    expectOptionError(
      () => deprecated({ since: SINCE, link: { deprecation: '/d', sunset: '' } }),
      'ERR_EAE_OPTION_TYPE',
      'deprecated(): `link.sunset` must be a non-empty URI reference without control characters, got ""',
    );
  });

  it('does not change a link object', () => {
    const link = Object.freeze({ deprecation: '/d', sunset: '/s' });
    deprecated({ since: SINCE, link });
    expect(link).toEqual({ deprecation: '/d', sunset: '/s' });
  });
});

describe('deprecated: date strings', () => {
  it.each(['March 7', '12', '2026/06/30'])(
    'refuses %j, which new Date() alone would read as some date',
    (since) => {
      expect(() => deprecated({ since })).toThrow(
        /`since` must be a valid Date, an ISO 8601 date string or an IMF-fixdate/,
      );
    },
  );

  it.each([
    '2026-06-30',
    '2026-06-30T23:59:59Z',
    '2026-06-30T23:59:59.250+02:00',
    'Tue, 30 Jun 2026 23:59:59 GMT',
  ])('takes %j', (sunset) => {
    expect(() => deprecated({ sunset })).not.toThrow();
  });
});
