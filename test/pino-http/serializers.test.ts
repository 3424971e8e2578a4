/**
 * `serializers.req`: the request pino-http binds to every line, with the
 * URL's userinfo and secret-looking query values redacted.
 */
import type { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { NotFoundError, redactPaths, serializers } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { rawGet } from '../helpers/raw-http.js';

type Line = Record<string, unknown> & { req?: { url?: string; query?: Record<string, unknown> } };

/** What pino's standard serializer makes of a request (pino-http's wrapped serializers start there). */
function serialized(fields: Record<string, unknown>): Record<string, unknown> {
  return { id: 1, method: 'GET', headers: {}, remoteAddress: '127.0.0.1', ...fields };
}

describe('serializers.req with pino-http', () => {
  it('redacts the userinfo and the secret query values of an absolute-form target in every line', async () => {
    const logs = captureLogs();
    const app = createApp(
      (a) =>
        a.get('/throw', (req, _res, next) => {
          req.log.info('looking up the order');
          next(new NotFoundError('No such order.'));
        }),
      {},
      [pinoHttp({ logger: logs.logger, serializers, redact: [...redactPaths] })],
    );
    const res = await rawGet(
      app,
      'http://admin:SECRET-password@example.test/throw?access_token=SECRET-token&page=2',
    );
    await flushed();

    expect(res.status).toBe(404);
    const lines = logs.lines as Line[];
    // The route's line, the handler's line and pino-http's completion line.
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.req!.url).toBe(
        'http://[Redacted]@example.test/throw?access_token=[Redacted]&page=2',
      );
      expect({ ...line.req!.query }).toEqual({ access_token: '[Redacted]', page: '2' });
    }
    expect(JSON.stringify(lines)).not.toContain('SECRET-');
  });

  it('redacts a secret that follows a ; in a query value, in the url and in the query', async () => {
    const logs = captureLogs();
    const app = createApp((a) => a.get('/throw', () => undefined), {}, [
      pinoHttp({ logger: logs.logger, serializers, redact: [...redactPaths] }),
    ]);
    await rawGet(app, '/nowhere?x=1;token=SECRET-a;b&page=2');
    await flushed();

    const line = (logs.lines as Line[])[0]!;
    expect(line.req!.url).toBe('/nowhere?x=1;token=[Redacted]&page=2');
    expect({ ...line.req!.query }).toEqual({ x: '1;token=[Redacted]', page: '2' });
    expect(JSON.stringify(logs.lines)).not.toContain('SECRET-');
  });

  it('leaves the request itself, its url and its query, as they were', async () => {
    let seen: { url: string; query: unknown } | undefined;
    const app = createApp(
      (a) =>
        a.get('/throw', (req, _res, next) => {
          seen = { url: req.url, query: { ...(req.query as object) } };
          next(new NotFoundError());
        }),
      { logger: false },
      [pinoHttp({ logger: pino({ level: 'silent' }), serializers })],
    );
    await rawGet(app, '/throw?token=SECRET-token');
    expect(seen).toEqual({ url: '/throw?token=SECRET-token', query: { token: 'SECRET-token' } });
  });
});

describe('serializers.req', () => {
  it('returns a copy, leaving the serialized request and its query unchanged', () => {
    const query = { token: 'SECRET-token', page: '2' };
    const input = serialized({ url: '/a?token=SECRET-token&page=2', query });
    const output = serializers.req(input);

    expect(output).toEqual({
      ...input,
      url: '/a?token=[Redacted]&page=2',
      query: { token: '[Redacted]', page: '2' },
    });
    expect(input.url).toBe('/a?token=SECRET-token&page=2');
    expect(query).toEqual({ token: 'SECRET-token', page: '2' });
  });

  it('returns the same query object when nothing in it looks secret', () => {
    const query = { page: '2', sort: ['name', 'date'], filter: { status: 'open' } };
    expect(serializers.req(serialized({ url: '/a', query })).query).toBe(query);
  });

  it.each([
    [
      'a nested secret (qs: ?user[password]=…)',
      { user: { password: 'x', name: 'n' } },
      { user: { password: '[Redacted]', name: 'n' } },
    ],
    ['a repeated secret (?token=a&token=b)', { token: ['a', 'b'] }, { token: '[Redacted]' }],
    [
      'secrets in an array of objects',
      { items: [{ api_key: 'x' }, { id: '1' }] },
      { items: [{ api_key: '[Redacted]' }, { id: '1' }] },
    ],
    [
      'a name as the query parser decodes it',
      { 'access token': 'x' },
      { 'access token': '[Redacted]' },
    ],
    [
      'nesting deeper than qs parses',
      { a: { b: { c: { d: { e: { f: 'x' } } } } } },
      { a: { b: { c: { d: { e: '[Redacted]' } } } } },
    ],
  ])('redacts %s', (_case, query, expected) => {
    const output = serializers.req(serialized({ url: '/a', query })).query;
    expect(JSON.parse(JSON.stringify(output))).toEqual(expected);
  });

  it('keeps a parameter named __proto__ a plain member of the copy', () => {
    const query = JSON.parse('{"__proto__": {"token": "x"}, "password": "y"}') as object;
    const output = serializers.req(serialized({ url: '/a', query })).query as Record<
      string,
      unknown
    >;
    expect(Object.keys(output)).toEqual(['__proto__', 'password']);
    expect(JSON.parse(JSON.stringify(output))).toEqual(
      JSON.parse('{"__proto__": {"token": "[Redacted]"}, "password": "[Redacted]"}'),
    );
  });

  it('serializes a request given as is (pino-http with wrapSerializers: false)', async () => {
    let output: Record<string, unknown> | undefined;
    const app = createApp(
      (a) =>
        a.get('/throw', (req, _res, next) => {
          output = serializers.req(req as IncomingMessage);
          next(new NotFoundError());
        }),
      { logger: false },
    );
    await rawGet(app, 'http://user:SECRET-pw@example.test/throw?sig=SECRET-sig');

    expect(output).toMatchObject({
      method: 'GET',
      url: 'http://[Redacted]@example.test/throw?sig=[Redacted]',
    });
    expect({ ...(output!.query as object) }).toEqual({ sig: '[Redacted]' });
  });

  it('leaves what is not a serialized request alone', () => {
    expect(serializers.req(undefined as never)).toBeUndefined();
    expect(serializers.req(serialized({ url: 42 })).url).toBe(42);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(serializers)).toBe(true);
  });
});
