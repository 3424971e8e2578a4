/**
 * Real HTTP clients against a listening app: the Accept each one sends by
 * default, the Content-Type it gets back, the body, and whether a problem
 * details parser from npm (@inrupt/solid-client-errors) recognises the answer
 * and reads its `detail`. got and ky are ESM-only, which jest's CommonJS
 * runtime cannot load: they run in a child `node` (test/helpers/esm-client.mjs).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import { handleErrorResponse } from '@inrupt/solid-client-errors';
import { NotFoundError } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { serve } from '../helpers/server.js';

const run = promisify(execFile);
const ESM_CLIENT = join(__dirname, '..', 'helpers', 'esm-client.mjs');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const NOT_FOUND = {
  type: 'about:blank',
  title: 'Not Found',
  status: 404,
  detail: 'No such order.',
  instance: '/orders/7',
  code: 'NOT_FOUND',
  requestId: expect.stringMatching(UUID),
};

/** The Accept field of each request the app received, in order. */
const received: (string | undefined)[] = [];
let server: Awaited<ReturnType<typeof serve>>;
let url: string;

beforeAll(async () => {
  server = await serve(
    createApp((app) => {
      app.get('/orders/:id', (req, _res, next) => {
        received.push(req.headers.accept);
        next(new NotFoundError('No such order.'));
      });
    }),
  );
  url = `${server.url}/orders/7`;
});

afterAll(() => server.close());

beforeEach(() => {
  received.length = 0;
});

async function esmClient(client: string): Promise<{ contentType: string; body: unknown }> {
  const { stdout } = await run(process.execPath, [ESM_CLIENT, client, url]);
  return JSON.parse(stdout) as { contentType: string; body: unknown };
}

describe('what real clients get', () => {
  it('answers axios (Accept: application/json, text/plain, */*) with application/problem+json', async () => {
    const res = await axios.get(url, { validateStatus: () => true });

    expect(received).toEqual(['application/json, text/plain, */*']);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.data).toEqual(NOT_FOUND);
  });

  it('answers fetch (undici, Accept: */*) with application/problem+json', async () => {
    const res = await fetch(url);

    expect(received).toEqual(['*/*']);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toEqual(NOT_FOUND);
  });

  it.each([
    ['got', undefined, 'application/problem+json'],
    ['got-json', 'application/json', 'application/json'],
    ['ky', '*/*', 'application/problem+json'],
    ['ky-json', 'application/json', 'application/json'],
    ['ky-text', 'text/*', 'application/problem+json'],
  ])('answers %s (Accept: %p) with %s', async (client, accept, type) => {
    const { contentType, body } = await esmClient(client);

    expect(received).toEqual([accept]);
    expect(contentType).toBe(type);
    expect(body).toEqual(NOT_FOUND);
  });
});

describe('a problem details client parser (@inrupt/solid-client-errors)', () => {
  it('recognises the answer to fetch and reads its detail', async () => {
    const res = await fetch(url);
    const error = handleErrorResponse(res, await res.text(), 'GET /orders/7 failed');

    expect(error.problemDetails).toMatchObject({
      title: 'Not Found',
      status: 404,
      detail: 'No such order.',
    });
    expect(String(error.problemDetails.instance)).toBe(url);
  });

  it('recognises the answer to axios’s Accept and reads its detail', async () => {
    const res = await axios.get<string>(url, { validateStatus: () => true, responseType: 'text' });
    const response = {
      status: res.status,
      statusText: res.statusText,
      headers: new Headers(res.headers as Record<string, string>),
      url,
    };
    const error = handleErrorResponse(response, res.data, 'GET /orders/7 failed');

    expect(error.problemDetails.detail).toBe('No such order.');
  });

  it('reads no detail from application/json, which is why a client that accepts problem+json gets it', async () => {
    const res = await fetch(url, { headers: { Accept: 'application/json' } });
    const error = handleErrorResponse(res, await res.text(), 'GET /orders/7 failed');

    expect(res.headers.get('content-type')).toBe('application/json');
    expect(error.problemDetails.detail).toBeUndefined();
  });
});
