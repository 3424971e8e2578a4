/**
 * Property-based tests of `errorHandler` through a real Express app on
 * 127.0.0.1 (../helpers/throw-server.ts): thousands of arbitrary thrown values,
 * error-like objects, hostile objects and library errors must each become a
 * well-formed RFC 9457 problem response (../helpers/problem-faults.ts) with the status
 * and detail the model gives (../helpers/expected-answer.ts), and leak neither stacks
 * nor secrets. Then what Express does before the handler runs, and the bugs
 * the properties found once.
 */
import fc from 'fast-check';
import createError from 'http-errors';
import {
  ApiError,
  assertProblemMatchesCatalog,
  codeAnchor,
  defaultCatalog,
  errorClasses,
} from '../../src/index.js';
import { flushed } from '../helpers/logs.js';
import { expectedFor } from '../helpers/expected-answer.js';
import { libraryError } from '../helpers/library-errors.js';
import { expectWellFormedProblem } from '../helpers/problem-faults.js';
import { PROPERTY_TIMEOUT, RUNS, TYPE_BASE_URI, throwServer } from '../helpers/throw-server.js';
import { anyValue, errorLike, hostile, secret, type Boxed } from '../helpers/thrown-values.js';

const { logs, park, request, throwThrough, expectServerAlive } = throwServer();

describe('errorHandler under arbitrary thrown values', () => {
  const check = async ({ value }: Boxed) => {
    const expected = expectedFor(value);
    const { path, reply } = await throwThrough(value);
    expectWellFormedProblem(reply, path, expected);
  };

  it(
    'answers any value whatsoever with a well-formed problem',
    async () => {
      await fc.assert(fc.asyncProperty(anyValue, check), { numRuns: RUNS.anything });
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'trusts status, then statusCode, only as an integer from 400 to 599, and leaks nothing',
    async () => {
      await fc.assert(fc.asyncProperty(errorLike, check), { numRuns: RUNS.errorLike });
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'answers values that throw on inspection, Proxies and circular causes without crashing',
    async () => {
      await fc.assert(fc.asyncProperty(hostile, check), { numRuns: RUNS.hostile });
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'answers ApiErrors, http-errors and Boom errors with their own status, detail and headers',
    async () => {
      await fc.assert(
        fc.asyncProperty(libraryError, async ({ value: error }) => {
          const { path, reply } = await throwThrough(error);
          expectWellFormedProblem(reply, path, expectedFor(error));
          const problem = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
          if (error instanceof ApiError) {
            if (error.subCode !== undefined) {
              expect(problem.subCode).toBe(error.subCode);
              expect(reply.headers['x-status-sub-code']).toBe(error.subCode);
            }
            const entry = defaultCatalog.get(error.subCode ?? error.status);
            if (entry) expect(problem.code).toBe(entry.name);
            for (const [name, value] of Object.entries(error.extensions ?? {})) {
              if (!(name in { type: 1, title: 1, status: 1, detail: 1, instance: 1, code: 1 })) {
                expect(problem[name]).toEqual(JSON.parse(JSON.stringify(value)));
              }
            }
          }
          if (reply.status === 401) expect(reply.headers['www-authenticate']).toBeDefined();
          if (reply.status === 407) expect(reply.headers['proxy-authenticate']).toBeDefined();
        }),
        { numRuns: RUNS.library },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'logs exactly one parseable line per request, without credentials',
    async () => {
      const value = fc.oneof(anyValue, errorLike, hostile, libraryError);
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(value, secret, async ({ value: thrown }, credential) => {
          const token = credential.replace('SECRET-', 'CREDENTIAL-');
          const requestId = `req-${sent++}`;
          const before = logs.lines.length;
          const expected = expectedFor(thrown);
          const { path, reply } = await throwThrough(thrown, {
            prefix: '/logged',
            headers: {
              Authorization: `Bearer ${token}`,
              Cookie: `sid=${token}`,
              'X-Request-Id': requestId,
            },
          });
          await flushed();
          expectWellFormedProblem(reply, path, expected);
          expect(logs.lines.length).toBe(before + 1);
          const line = logs.lines[before] as Record<string, unknown>;
          expect(line.level).toBe(reply.status >= 500 ? 50 : 40);
          expect(line.status).toBe(reply.status);
          expect(line.requestId).toBe(requestId);
          expect(line.url).toBe(`${path}?access_token=[Redacted]`);
          const logged = JSON.stringify(line);
          expect(logged).not.toContain(token);
          expect(logged).not.toContain('CREDENTIAL-');
          expect(logged).not.toContain('SECRET-query-');
        }),
        { numRuns: RUNS.logged },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});

/** Whether a value is an ApiError; false for one whose inspection throws (a revoked Proxy). */
function isOwnError(value: unknown): boolean {
  try {
    return value instanceof ApiError;
  } catch {
    return false;
  }
}

describe('errorHandler with typeBaseUri under arbitrary thrown values', () => {
  it(
    "answers with a well-formed problem whose type is its code's anchor on the page, titled by the entry; an ApiError's passes the contract check",
    async () => {
      const value = fc.oneof(anyValue, errorLike, hostile, libraryError);
      await fc.assert(
        fc.asyncProperty(value, async ({ value: thrown }) => {
          const { path, reply } = await throwThrough(thrown, { prefix: '/typed' });
          expectWellFormedProblem(reply, path, expectedFor(thrown));
          const problem = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
          const subCode = problem.subCode as string | undefined;
          const entry = defaultCatalog.entryFor(reply.status, subCode);
          expect(problem.type).toBe(`${TYPE_BASE_URI}#${codeAnchor(entry)}`);
          expect(problem.title).toBe(entry.title);
          // Only for the library's own errors: a foreign error's headers are echoed when HTTP can
          // carry them (an unreadable Retry-After aside), whatever the catalog documents for them.
          if (isOwnError(thrown) && defaultCatalog.has(reply.status)) {
            assertProblemMatchesCatalog(
              { status: reply.status, headers: reply.headers, body: problem },
              defaultCatalog,
              { typeBaseUri: TYPE_BASE_URI },
            );
          }
        }),
        { numRuns: RUNS.typed },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});

describe('what Express does before errorHandler runs', () => {
  it.each([undefined, null, false, 0, -0, NaN, '', 0n])(
    'treats a falsy %p, thrown or passed to next(), as no error: notFound() answers 404',
    async (value) => {
      for (const route of ['/throw', '/next']) {
        const id = park(value);
        const reply = await request(`${route}/${id}`);
        expectWellFormedProblem(reply, `${route}/${id}`, expectedFor(value));
        expect(JSON.parse(reply.body.toString('utf8')).code).toBe('NOT_FOUND');
      }
    },
  );

  it("treats next('route') as a skip to the next route: notFound() answers 404", async () => {
    const reply = await request('/signal/route');
    expectWellFormedProblem(reply, '/signal/route', expectedFor(undefined));
  });

  it("treats next('router') as leaving the app: Express's own final handler answers 404", async () => {
    const reply = await request('/signal/router');
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
  });
});

// Bugs the properties found once, kept as regression tests.
describe('a `type` naming an Object.prototype member', () => {
  // body-parser types were once looked up in a plain object literal, so
  // "valueOf" found Object.prototype.valueOf: a 500, or "[object Undefined]".
  it.each([
    'valueOf',
    'toString',
    'constructor',
    'hasOwnProperty',
    '__proto__',
    'toLocaleString',
    'isPrototypeOf',
  ])('keeps the status and message of a 400 whose type is %p', async (type) => {
    const error = Object.assign(new Error('bad request'), { status: 400, expose: true, type });
    const { path, reply } = await throwThrough(error);
    expectWellFormedProblem(reply, path, {
      status: 400,
      detail: 'bad request',
      headers: new Map(),
    });
  });
});

describe("the handler's own headers beside case-variants in err.headers", () => {
  // The handler once added X-Request-Id and X-Status-Sub-Code to a copy of
  // err.headers by exact key, so another case of the name in err.headers won.
  it('sends the request id of the body in X-Request-Id', async () => {
    const error = createError(400, 'bad request', {
      headers: { 'X-Request-Id': 'a', 'x-request-id': 'b' },
    });
    const { path, reply } = await throwThrough(error);
    expectWellFormedProblem(reply, path, { status: 400, headers: new Map() });
  });

  it('sends the sub-code of the body in X-Status-Sub-Code', async () => {
    const error = new errorClasses[404]('no such user', {
      subCode: '404.1',
      headers: { 'X-Status-Sub-Code': 'a', 'x-status-sub-code': 'b' },
    });
    const { reply } = await throwThrough(error);
    const problem = JSON.parse(reply.body.toString('utf8')) as Record<string, unknown>;
    expect(problem.subCode).toBe('404.1');
    expect(reply.headers['x-status-sub-code']).toBe('404.1');
  });
});

describe('framing headers carried by a foreign error', () => {
  // A foreign error's valid-looking headers were once applied as they are:
  // - `Transfer-Encoding: chunked` beside Content-Length: the client rejects
  //   the response (HPE_INVALID_CONTENT_LENGTH);
  // - `Trailer` without chunked encoding: Node refuses to write, and the
  //   last resort failed the same way, so the socket was destroyed;
  // - `Content-Encoding: gzip`: a plain JSON body labelled gzip.
  it.each([
    ['Transfer-Encoding', 'chunked'],
    ['Trailer', 'Expires'],
    ['Content-Encoding', 'gzip'],
  ])('ignores %s: %s from err.headers', async (name, value) => {
    const error = Object.assign(new Error('bad request'), {
      status: 400,
      expose: true,
      headers: { [name]: value },
    });
    const { path, reply } = await throwThrough(error);
    expectWellFormedProblem(reply, path, { status: 400, headers: new Map() });
  });

  it('still answers after those failures', async () => {
    await expectServerAlive();
  });
});
