import type { Request } from 'express';
import request from 'supertest';
import { DEFAULT_MAINTENANCE_ALLOW, maintenance } from '../../src/middleware/maintenance.js';
import type { MaintenanceOptions } from '../../src/middleware/maintenance.js';
import type { OptionErrorCode } from '../../src/options/option-error.js';
import { createApp } from '../helpers/app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { problemOf } from '../helpers/problem.js';

/** An app behind `maintenance(options)` whose catch-all middleware (Express 4 and 5 alike) answers 200 with the path. */
function appWithCatchAll(options: MaintenanceOptions) {
  return createApp((app) => {
    app.use(maintenance(options));
    app.use((req, res) => {
      res.json({ path: req.path });
    });
  });
}

const MAINTENANCE_PROBLEM = {
  type: 'about:blank',
  title: 'Service Unavailable',
  status: 503,
  detail: 'The service is down for maintenance.',
  instance: '/orders',
  code: 'SERVICE_UNAVAILABLE',
};

describe('maintenance: while enabled', () => {
  const app = appWithCatchAll({ enabled: true });

  it('answers 503 with Retry-After 120 and a maintenance detail', async () => {
    const res = await request(app).get('/orders');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('120');
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemOf(res)).toEqual(MAINTENANCE_PROBLEM);
  });

  it('answers every method, a POST too', async () => {
    const res = await request(app).post('/orders').send({ id: 1 });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('120');
    expect(problemOf(res)).toEqual(MAINTENANCE_PROBLEM);
  });

  it('answers HEAD with 503 and Retry-After but no body', async () => {
    const res = await request(app).head('/orders');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('120');
    expect(res.text).toBeUndefined();
  });

  it.each(DEFAULT_MAINTENANCE_ALLOW)(
    'lets the health check %s through by default',
    async (path) => {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ path });
      expect(res.headers['retry-after']).toBeUndefined();
    },
  );

  it('compares allowed paths exactly: a sub-path or another case is not a health check', async () => {
    for (const path of ['/health/db', '/HEALTH', '/healthcheck']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(503);
    }
  });

  it('ignores the query string when comparing paths', async () => {
    const res = await request(app).get('/health?verbose=1');
    expect(res.status).toBe(200);
  });
});

describe('maintenance: options', () => {
  it('passes every request when disabled, without Retry-After', async () => {
    const res = await request(appWithCatchAll({ enabled: false })).get('/orders');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ path: '/orders' });
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('reads the function form of `enabled` on every request', async () => {
    let on = false;
    const seen: string[] = [];
    const app = appWithCatchAll({
      enabled: (req: Request) => {
        seen.push(req.path);
        return on;
      },
    });
    expect((await request(app).get('/orders')).status).toBe(200);
    on = true;
    expect((await request(app).get('/orders')).status).toBe(503);
    on = false;
    expect((await request(app).get('/orders')).status).toBe(200);
    expect(seen).toEqual(['/orders', '/orders', '/orders']);
  });

  it('decides per request with the function form, e.g. by header', async () => {
    const app = appWithCatchAll({ enabled: (req) => req.get('x-tenant') === 'eu' });
    expect((await request(app).get('/orders').set('X-Tenant', 'eu')).status).toBe(503);
    expect((await request(app).get('/orders').set('X-Tenant', 'us')).status).toBe(200);
  });

  it('answers 500 when `enabled` returns a Promise instead of a boolean', async () => {
    const app = appWithCatchAll({
      enabled: (async () => false) as unknown as () => boolean,
    });
    const res = await request(app).get('/orders');
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('sends `retryAfter` seconds, rounded up', async () => {
    const res = await request(appWithCatchAll({ enabled: true, retryAfter: 29.2 })).get('/orders');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
  });

  it('counts a Date `retryAfter` down to the end of maintenance', async () => {
    const end = new Date(Date.now() + 600_000);
    const res = await request(appWithCatchAll({ enabled: true, retryAfter: end })).get('/orders');
    const seconds = Number(res.headers['retry-after']);
    // Whole seconds, rounded up; the request itself takes some milliseconds.
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(seconds).toBeGreaterThan(590);
    expect(seconds).toBeLessThanOrEqual(600);
  });

  it('sends Retry-After 0 once a Date `retryAfter` has passed while maintenance is still on', async () => {
    const end = new Date(Date.now() - 60_000);
    const res = await request(appWithCatchAll({ enabled: true, retryAfter: end })).get('/orders');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('0');
  });

  it('sends its own `detail`', async () => {
    const res = await request(appWithCatchAll({ enabled: true, detail: 'Back at 14:00 UTC.' })).get(
      '/orders',
    );
    expect(problemOf(res)).toEqual({ ...MAINTENANCE_PROBLEM, detail: 'Back at 14:00 UTC.' });
  });

  it('lets through paths, RegExps and predicates of `allow`, and nothing else', async () => {
    const app = appWithCatchAll({
      enabled: true,
      allow: ['/status', /^\/admin\//, (req) => req.get('x-operator') === 'yes'],
    });
    expect((await request(app).get('/status')).status).toBe(200);
    expect((await request(app).get('/admin/jobs')).status).toBe(200);
    expect((await request(app).get('/orders').set('X-Operator', 'yes')).status).toBe(200);
    expect((await request(app).get('/orders')).status).toBe(503);
    expect((await request(app).get('/health')).status).toBe(503); // replaced the defaults
  });

  it('lets nothing through with `allow: []`', async () => {
    const res = await request(appWithCatchAll({ enabled: true, allow: [] })).get('/health');
    expect(res.status).toBe(503);
  });

  it('compares with the path relative to where it is mounted', async () => {
    const app = createApp((a) => {
      a.use('/api', maintenance({ enabled: true }));
      a.use((req, res) => {
        res.json({ path: req.path });
      });
    });
    expect((await request(app).get('/api/health')).status).toBe(200);
    expect((await request(app).get('/api/orders')).status).toBe(503);
    expect((await request(app).get('/orders')).status).toBe(200);
  });

  it('does not change the options object it was given', () => {
    const allow = ['/status', /^\/x/];
    const options = { enabled: true, allow, retryAfter: 30 };
    const copy = { ...options, allow: [...allow] };
    maintenance(options);
    expect(options).toEqual(copy);
    expect(options.allow).toBe(allow);
  });
});

describe('maintenance: bad options fail at creation', () => {
  it.each<[string, unknown, OptionErrorCode, string]>([
    [
      'no options',
      undefined,
      'ERR_EAE_OPTIONS',
      'options must be an object such as { enabled: true }, got undefined',
    ],
    [
      'no `enabled`',
      {},
      'ERR_EAE_OPTION_MISSING',
      '`enabled` is required: a boolean or a function (req) => boolean',
    ],
    [
      'a string `enabled`',
      { enabled: 'yes' },
      'ERR_EAE_OPTION_TYPE',
      '`enabled` must be a boolean or a function (req) => boolean, got "yes"',
    ],
    [
      'a negative `retryAfter`',
      { enabled: true, retryAfter: -1 },
      'ERR_EAE_OPTION_RANGE',
      '`retryAfter` must be from 0 to 9007199254740991 seconds, got -1',
    ],
    [
      'an invalid Date',
      { enabled: true, retryAfter: new Date('x') },
      'ERR_EAE_OPTION_TYPE',
      '`retryAfter` must be a valid Date, got Invalid Date',
    ],
    [
      '`allow` not an array',
      { enabled: true, allow: '/health' },
      'ERR_EAE_OPTION_TYPE',
      '`allow` must be an array of paths, RegExps or predicates, got "/health"',
    ],
    [
      'a relative path',
      { enabled: true, allow: ['health'] },
      'ERR_EAE_OPTION_TYPE',
      '`allow[0]` must be a path starting with /, got "health"',
    ],
    [
      'a global RegExp',
      { enabled: true, allow: ['/a', /^\/b/g] },
      'ERR_EAE_OPTION_TYPE',
      '`allow[1]` must not have the g or y flag, got /^\\/b/g',
    ],
    [
      'a number in `allow`',
      { enabled: true, allow: [1] },
      'ERR_EAE_OPTION_TYPE',
      '`allow[0]` must be a path, a RegExp or a function, got 1',
    ],
    [
      'an empty `detail`',
      { enabled: true, detail: '' },
      'ERR_EAE_OPTION_TYPE',
      '`detail` must be a non-empty string, got ""',
    ],
  ])('throws for %s, with its code', (_name, options, code, message) => {
    expectOptionError(
      () => maintenance(options as MaintenanceOptions),
      code,
      `maintenance(): ${message}`,
    );
  });

  it.each([
    ['retry_after', 'retryAfter'],
    ['enable', 'enabled'],
    ['allowed', 'allow'],
  ])('refuses the unknown option `%s`, suggesting `%s`', (name, nearest) => {
    expectOptionError(
      () => maintenance({ enabled: true, [name]: 60 } as MaintenanceOptions),
      'ERR_EAE_UNKNOWN_OPTION',
      `maintenance(): \`${name}\` is not an option. Did you mean \`${nearest}\`? The options are \`enabled\`, \`retryAfter\`, \`allow\`, \`detail\`.`,
    );
  });
});

describe('maintenance: the options it keeps', () => {
  it('keeps its own copy of a retryAfter Date, so later changes to the caller’s Date do not leak in', async () => {
    const end = new Date(Date.now() + 60_000);
    const app = appWithCatchAll({ enabled: true, retryAfter: end });
    end.setTime(end.getTime() + 3_600_000);
    const res = await request(app).get('/orders');
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  });
});
