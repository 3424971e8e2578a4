/**
 * Errors of HTTP clients about a response they got from another service,
 * passed on by a handler that called it: made by the real clients against
 * a local upstream.
 */
import { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import axios from 'axios';
import express from 'express';
import createError from 'http-errors';
import OpenAI from 'openai';
import Stripe from 'stripe';
import superagent from 'superagent';
import request from 'supertest';
import { Agent, interceptors, request as undiciRequest } from 'undici';
import { defaultCatalog } from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { errorFieldsOf, expectedProblem, problemOf } from '../helpers/problem.js';
import { serve } from '../helpers/server.js';

/**
 * An upstream that answers the status its path (`/status/:code`) or its
 * client's API key (`sk_test_<code>`, for the SDKs, whose paths are fixed)
 * names, with a challenge and a cookie.
 */
const upstreamApp = express();
upstreamApp.use((req, res) => {
  const named =
    /^\/status\/(\d{3})/.exec(req.path) ?? /_(\d{3})$/.exec(req.get('authorization') ?? '');
  res
    .status(Number(named?.[1] ?? 500))
    .set('WWW-Authenticate', 'Bearer realm="upstream", error="invalid_token"')
    .set('Set-Cookie', 'upstream-session=s3cr3t')
    .set('Retry-After', '120')
    .json({ error: 'upstream secret detail' });
});

/**
 * The same upstream without a `Date` (Elasticsearch sends none; any server
 * may leave it out), and with the fields a hostile one would send.
 */
const datelessApp = express();
datelessApp.use((req, res, next) => {
  res.sendDate = false;
  res.set({
    'Access-Control-Allow-Origin': 'https://evil.example',
    'Access-Control-Allow-Credentials': 'true',
    Location: 'https://evil.example/login',
    'X-Upstream': 'yes',
  });
  next();
}, upstreamApp);

let upstream: Awaited<ReturnType<typeof serve>>;
let dateless: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  upstream = await serve(upstreamApp);
  dateless = await serve(datelessApp);
});
afterAll(() => Promise.all([upstream.close(), dateless.close()]));

/** What each client rejects with when the upstream answers `status`. */
const CLIENTS: [string, (origin: string, status: number) => Promise<unknown>][] = [
  ['axios', (origin, status) => axios.get(`${origin}/status/${status}`)],
  ['superagent', (origin, status) => superagent.get(`${origin}/status/${status}`)],
  [
    'the OpenAI SDK',
    (origin, status) =>
      new OpenAI({
        apiKey: `sk_test_${status}`,
        baseURL: `${origin}/v1`,
        maxRetries: 0,
      }).models.list(),
  ],
  [
    'the Stripe SDK',
    (origin, status) => {
      const { hostname, port } = new URL(origin);
      return new Stripe(`sk_test_${status}`, {
        host: hostname,
        port: Number(port),
        protocol: 'http',
        maxNetworkRetries: 0,
      }).customers.list();
    },
  ],
];

async function rejectionOf(
  call: (origin: string, status: number) => Promise<unknown>,
  status: number,
  origin = upstream.url,
) {
  try {
    await call(origin, status);
  } catch (error) {
    return error;
  }
  throw new Error('the client did not reject');
}

const INTERNAL = expectedProblem(500, '/throw', defaultCatalog.get(500)!.description);

describe.each(CLIENTS)('errorHandler: an error of %s about the response it got', (_name, call) => {
  it.each([401, 403, 404, 429, 503])(
    'answers 500 to an upstream %i, with none of its headers or its message',
    async (status) => {
      const error = await rejectionOf(call, status);

      const res = await request(appThrowing(() => error)).get('/throw');

      expect(res.status).toBe(500);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['retry-after']).toBeUndefined();
      expect(problemOf(res)).toEqual(INTERNAL);
    },
  );

  it('logs it as a fault, at error with its stack', async () => {
    const error = await rejectionOf(call, 401);
    const logs = captureLogs();

    await request(appThrowing(() => error, { logger: logs.logger })).get('/throw');

    await flushed();
    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).toMatchObject({ level: 50, status: 500 });
    expect((logs.lines[0]!.err as { stack?: string }).stack).toEqual(expect.any(String));
  });
});

/**
 * Clients whose errors keep the upstream's status and headers as plain
 * fields, with nothing but those headers' `Date` to tell them from an error
 * made to be sent, before they were recognised by their own fields:
 * undici's `ResponseError` by its `code`, Elasticsearch's by its `meta`.
 */
const DATELESS_CLIENTS: [string, (origin: string, status: number) => Promise<unknown>][] = [
  [
    "undici's request() with interceptors.responseError()",
    async (origin, status) => {
      const agent = new Agent();
      try {
        return await undiciRequest(`${origin}/status/${status}`, {
          dispatcher: agent.compose(interceptors.responseError()),
        });
      } finally {
        await agent.close();
      }
    },
  ],
  [
    'the Elasticsearch client',
    async (origin, status) => {
      const client = new ElasticsearchClient({
        node: origin,
        auth: { apiKey: `key_${status}` },
        maxRetries: 0,
      });
      try {
        return await client.search({ index: 'customers' });
      } finally {
        await client.close();
      }
    },
  ],
];

describe.each(DATELESS_CLIENTS)(
  'errorHandler: an error of %s about a response without Date',
  (_name, call) => {
    it.each([401, 403, 404, 429, 503])(
      'answers 500 to an upstream %i, with none of its headers or its message',
      async (status) => {
        const error = await rejectionOf(call, status, dateless.url);

        const res = await request(appThrowing(() => error)).get('/throw');

        expect(res.status).toBe(500);
        expect(errorFieldsOf(res)).toEqual({});
        expect(problemOf(res)).toEqual(INTERNAL);
      },
    );
  },
);

/**
 * An error shaped as twilio-node's `RestException` (src/base/RestException.ts):
 * the upstream's status, and the fields of Twilio's JSON error body (`code`,
 * `more_info` as `moreInfo`, `details`), but neither headers nor a response.
 */
class TwilioRestException extends Error {
  status: number;
  code?: number;
  moreInfo?: string;
  details?: object;

  constructor(statusCode: number, body: { message: string; code: number; more_info?: string }) {
    super(`[HTTP ${statusCode}] Failed to execute request`);
    this.status = statusCode;
    this.message = body.message;
    this.code = body.code;
    this.moreInfo = body.more_info;
    this.details = undefined;
  }
}

describe("errorHandler: an error of Twilio's SDK about the response it got", () => {
  it.each([
    [401, 20003, 'Authenticate'],
    [404, 20404, 'The requested resource was not found'],
    [429, 20429, 'Too Many Requests'],
  ])(
    'answers 500 to an upstream %i (Twilio code %i), not its status',
    async (status, code, message) => {
      const error = new TwilioRestException(status, {
        message,
        code,
        more_info: `https://www.twilio.com/docs/errors/${code}`,
      });

      const res = await request(appThrowing(() => error)).get('/throw');

      expect(res.status).toBe(500);
      expect(problemOf(res)).toEqual(INTERNAL);
    },
  );
});

describe("errorHandler: an error that is not an HTTP client's keeps the status it was given", () => {
  it.each([
    ['the request it is about', { request: { method: 'GET', url: '/orders/7' } }],
    ['its configuration', { config: { table: 'orders' } }],
    [
      'a response body of its own (NestJS HttpException)',
      { response: { statusCode: 404, message: 'No order 7' } },
    ],
  ])('answers 404 to an http-errors 404 carrying %s', async (_what, fields) => {
    const res = await request(appThrowing(() => createError(404, 'No order 7', fields))).get(
      '/throw',
    );

    expect(res.status).toBe(404);
    expect(problemOf(res)).toMatchObject({ status: 404, detail: 'No order 7' });
  });

  it('answers 429 with its Retry-After to an error made as Express documents it, a status and the headers to send', async () => {
    const error = Object.assign(new Error('Slow down'), {
      status: 429,
      headers: { 'Retry-After': '10' },
    });

    const res = await request(appThrowing(() => error)).get('/throw');

    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('10');
  });
});
