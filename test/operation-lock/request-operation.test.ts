import type { Request } from 'express';
import type { OperationLockOptions } from '../../src/index.js';
import { requestFingerprint } from '../../src/operation-lock/fingerprint.js';
import { parseOperationLockOptions } from '../../src/operation-lock/options.js';
import { requestOperation } from '../../src/operation-lock/request-operation.js';

const defaults = parseOperationLockOptions();

/** A request as Express gives it to the lock, with only what the lock reads. */
function requestOf(parts: {
  url?: string;
  path?: string;
  baseUrl?: string;
  route?: { path: string };
  headers?: Record<string, string | string[]>;
  body?: unknown;
  trustProxy?: boolean;
  ip?: string;
  remoteAddress?: string;
}): Request {
  const url = parts.url ?? '/orders';
  return {
    method: 'POST',
    originalUrl: url,
    path: parts.path ?? url.split('?')[0],
    baseUrl: parts.baseUrl ?? '',
    route: parts.route,
    headers: parts.headers ?? { 'idempotency-key': '"k-1"' },
    body: parts.body ?? { item: 'book' },
    ip: parts.ip,
    socket: { remoteAddress: parts.remoteAddress ?? '127.0.0.1' },
    app: { get: (name: string) => (name === 'trust proxy' ? parts.trustProxy : undefined) },
  } as unknown as Request;
}

describe('requestOperation', () => {
  it('keys the lock by the client, the method and route, length-prefixed, then the key', () => {
    expect(requestOperation(requestOf({}), defaults)).toEqual({
      key: '9:127.0.0.112:POST /ordersk-1',
      client: '127.0.0.1',
      fingerprint: requestFingerprint('/orders', { item: 'book' }),
    });
  });

  it("takes the route's pattern where the lock is mounted on a route, under the router's base", () => {
    const req = requestOf({
      url: '/API/accounts/7',
      baseUrl: '/API',
      path: '/accounts/7',
      route: { path: '/accounts/:id' },
    });
    expect(requestOperation(req, defaults)?.key).toBe('9:127.0.0.122:POST /api/accounts/:idk-1');
  });

  it('matches a path as Express routes it by default: any case, with or without a trailing slash', () => {
    const key = (url: string) => requestOperation(requestOf({ url }), defaults)?.key;
    expect(key('/Orders/')).toBe(key('/orders'));
    expect(requestOperation(requestOf({ url: '/' }), defaults)?.key).toBe('9:127.0.0.16:POST /k-1');
  });

  it('fingerprints the path as sent, case and all, without its query', () => {
    const fingerprint = (url: string) =>
      requestOperation(requestOf({ url }), defaults)?.fingerprint;
    expect(fingerprint('/orders?sig=1')).toBe(fingerprint('/orders?sig=2'));
    expect(fingerprint('/Orders')).not.toBe(fingerprint('/orders'));
  });

  it('takes the client from `req.ip` under `trust proxy`, else from the socket, IPv6 by /56', () => {
    const client = (parts: Parameters<typeof requestOf>[0]) =>
      requestOperation(requestOf(parts), defaults)?.client;
    expect(client({ trustProxy: true, ip: '203.0.113.9' })).toBe('203.0.113.9');
    expect(client({ ip: '203.0.113.9', remoteAddress: '::ffff:10.0.0.1' })).toBe('10.0.0.1');
    expect(client({ remoteAddress: '2001:db8:0:12ff:1::1' })).toBe('2001:db8:0:1200::/56');
  });

  it('has no operation for a request without a key, unless one is required (400.10)', () => {
    const req = requestOf({ headers: {} });
    expect(requestOperation(req, defaults)).toBeUndefined();
    expect(() => requestOperation(req, parseOperationLockOptions({ required: true }))).toThrow(
      expect.objectContaining({ status: 400, subCode: '400.10' }),
    );
  });

  it('joins a header sent twice into the list it is, which is no key (400.11)', () => {
    const req = requestOf({ headers: { 'idempotency-key': ['"a"', '"b"'] } });
    expect(() => requestOperation(req, defaults)).toThrow(
      expect.objectContaining({ status: 400, subCode: '400.11' }),
    );
  });

  it('takes the key, the client and the fingerprint from the options where given', () => {
    const config = parseOperationLockOptions({
      key: () => 'ref-9',
      client: () => '',
      fingerprint: () => 'v1',
    });
    expect(requestOperation(requestOf({}), config)).toEqual({
      key: '0:12:POST /ordersref-9',
      client: '',
      fingerprint: requestFingerprint('/orders', undefined, 'v1'),
    });
  });

  it.each([
    ['key', { key: () => '' }, 'must return a non-empty string or undefined, got ""'],
    ['client', { client: () => 42 }, 'must return a non-empty string, got 42'],
    ['fingerprint', { fingerprint: () => '' }, 'must return a non-empty string, got ""'],
  ])('refuses a `%s` option that returns no string, naming it', (name, options, message) => {
    const config = parseOperationLockOptions(options as OperationLockOptions);
    expect(() => requestOperation(requestOf({}), config)).toThrow(
      new TypeError(`operationLock \`${name}\` ${message}`),
    );
  });
});
