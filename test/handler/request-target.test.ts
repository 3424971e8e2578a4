/**
 * The request target as `instance` and the logged `url` show it, for each of
 * its forms (RFC 9112 §3.2): never userinfo in either, never scheme or host
 * in `instance`. The absolute form is sent on a raw socket: clients send the
 * origin form.
 */
import { NotFoundError, notFound } from '../../src/index.js';
import { pathOfTarget, withoutUserinfo } from '../../src/handler/request-target.js';
import { createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { rawProblemOf } from '../helpers/problem.js';
import { rawRequest } from '../helpers/raw-http.js';

function loggedApp() {
  const logs = captureLogs();
  const app = createApp(
    (a) => {
      a.get('/throw', (_req, _res, next) => next(new NotFoundError('No such order.')));
      a.use(notFound());
    },
    { logger: logs.logger },
  );
  return { app, lines: logs.lines };
}

describe('instance and the logged url, by form of the request target', () => {
  it('gives the path alone of an absolute-form target with credentials, and logs them redacted', async () => {
    const { app, lines } = loggedApp();
    const res = await rawRequest(
      app,
      'GET http://admin:hunter2@example.test/throw?page=2 HTTP/1.1\r\nHost: example.test\r\n',
    );
    await flushed();

    expect(res.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(rawProblemOf(res).instance).toBe('/throw');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.url).toBe('http://[Redacted]@example.test/throw?page=2');
    expect(lines[0]!.msg).toBe(
      'GET http://[Redacted]@example.test/throw?page=2 failed with 404 NOT_FOUND',
    );
    expect(res.raw + JSON.stringify(lines)).not.toMatch(/hunter2|admin/);
  });

  it('gives / for an absolute-form target without a path', async () => {
    const { app } = loggedApp();
    const res = await rawRequest(
      app,
      'GET http://admin:hunter2@example.test HTTP/1.1\r\nHost: example.test\r\n',
    );

    expect(res.status).toBe(404);
    expect(rawProblemOf(res).instance).toBe('/');
  });

  it('leaves instance out for the asterisk form, which names no resource', async () => {
    const { app, lines } = loggedApp();
    const res = await rawRequest(app, 'OPTIONS * HTTP/1.1\r\nHost: example.test\r\n');
    await flushed();

    expect(res.status).toBe(404);
    expect(rawProblemOf(res)).not.toHaveProperty('instance');
    expect(lines[0]!.url).toBe('*');
  });

  it('keeps every segment of an origin-form path that starts with //, which has no authority (RFC 9112 §3.2.1)', async () => {
    const { app, lines } = loggedApp();
    const res = await rawRequest(app, 'GET //throw/1 HTTP/1.1\r\nHost: example.test\r\n');
    await flushed();

    expect(res.status).toBe(404);
    expect(rawProblemOf(res).instance).toBe('/.//throw/1');
    expect(new URL('/.//throw/1', 'http://example.test/').pathname).toBe('//throw/1');
    expect(lines[0]!.url).toBe('//throw/1');
  });

  it('names the path that was routed, not another that exists, for ///throw', async () => {
    const { app } = loggedApp();
    const res = await rawRequest(app, 'GET ///throw HTTP/1.1\r\nHost: example.test\r\n');

    expect(res.status).toBe(404);
    expect(rawProblemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No resource exists at this URL, or the requested object does not exist.',
      instance: '/.///throw',
      code: 'NOT_FOUND',
    });
  });

  it('still logs the userinfo-like part of an origin-form path that starts with // redacted', async () => {
    const { app, lines } = loggedApp();
    const res = await rawRequest(
      app,
      'GET //admin:hunter2@example.test/nope HTTP/1.1\r\nHost: example.test\r\n',
    );
    await flushed();

    expect(res.status).toBe(404);
    expect(rawProblemOf(res).instance).toBe('/.//admin:hunter2@example.test/nope');
    expect(lines[0]!.url).toBe('//[Redacted]@example.test/nope');
  });

  it('gives an instance that is a URI reference, whatever characters Node let into the target', async () => {
    const { app } = loggedApp();
    const res = await rawRequest(app, 'GET /a{b}|c"d<e>^`x/%zz HTTP/1.1\r\nHost: example.test\r\n');

    expect(res.status).toBe(404);
    expect(rawProblemOf(res).instance).toBe('/a%7Bb%7D%7Cc%22d%3Ce%3E%5E%60x/%25zz');
  });

  it('never gives an instance that a client would read as naming another host', async () => {
    const { app } = loggedApp();
    const res = await rawRequest(app, 'GET //a//evil.example/x HTTP/1.1\r\nHost: example.test\r\n');
    const { instance } = rawProblemOf(res) as { instance: string };

    expect(res.status).toBe(404);
    expect(instance).toBe('/.//a//evil.example/x');
    expect(new URL(instance, 'http://example.test/').host).toBe('example.test');
  });
});

describe('pathOfTarget', () => {
  it.each<[string, string | undefined]>([
    ['/orders/7', '/orders/7'],
    ['/orders/7?access_token=x', '/orders/7'],
    ['/orders/7#top', '/orders/7'],
    ['/', '/'],
    ['http://example.test/orders/7?x=1', '/orders/7'],
    ['https://admin:hunter2@example.test:8443/orders/7', '/orders/7'],
    ['HTTP://example.test', '/'],
    ['http://example.test?x=1', '/'],
    ['//admin:hunter2@example.test/orders', '/.//admin:hunter2@example.test/orders'],
    ['//users/1', '/.//users/1'],
    ['///users', '/.///users'],
    ['//a//evil.example/x', '/.//a//evil.example/x'],
    ['http://example.test//evil.example/x', '/.//evil.example/x'],
    ['/x//y', '/x//y'],
    ['/\\evil.example/x', '/%5Cevil.example/x'],
    ['http://a/\\evil.example/x', '/%5Cevil.example/x'],
    ['/a\\b', '/a%5Cb'],
    ['/a{b}|c"d<e>^`x', '/a%7Bb%7D%7Cc%22d%3Ce%3E%5E%60x'],
    ['/[x]', '/%5Bx%5D'],
    ['/%zz/%4/%41', '/%25zz/%254/%41'],
    ["/a-b_c.d~e!$&'()*+,;=:@", "/a-b_c.d~e!$&'()*+,;=:@"],
    ['/caf\u00e9', '/caf%C3%A9'],
    ['/\u{1F600}', '/%F0%9F%98%80'],
    ['/\ud800x', '/%EF%BF%BDx'],
    ['*', undefined],
    ['example.test:443', undefined],
    ['admin:hunter2@example.test:443', undefined],
    ['', undefined],
  ])('reads %p as %p', (target, path) => {
    expect(pathOfTarget(target)).toBe(path);
  });
});

describe('withoutUserinfo', () => {
  it.each([
    ['/orders/7?a=1', '/orders/7?a=1'],
    ['/orders/a@b', '/orders/a@b'],
    ['http://example.test/a@b', 'http://example.test/a@b'],
    ['http://admin:hunter2@example.test/a', 'http://[Redacted]@example.test/a'],
    ['http://a@b:c@example.test/', 'http://[Redacted]@example.test/'],
    ['//admin:hunter2@example.test/a', '//[Redacted]@example.test/a'],
    ['admin:hunter2@example.test:443', '[Redacted]@example.test:443'],
    ['example.test:443', 'example.test:443'],
    ['*', '*'],
  ])('turns %p into %p', (target, expected) => {
    expect(withoutUserinfo(target)).toBe(expected);
  });
});
