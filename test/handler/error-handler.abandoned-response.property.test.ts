/**
 * Property-based tests of `errorHandler` after a handler began a response
 * (framing, caching and other fields, a status message) and then failed:
 * the replies are read off the socket, where a conflict in framing would
 * show (../helpers/throw-server.ts, route `/abandon/<id>`).
 */
import http from 'node:http';
import fc from 'fast-check';
import { ApiError } from '../../src/index.js';
import { flushed } from '../helpers/logs.js';
import { rawGet, type RawResponse } from '../helpers/raw-http.js';
import { expectedFor, type Expected } from '../helpers/expected-answer.js';
import { libraryError } from '../helpers/library-errors.js';
import { problemFaults } from '../helpers/problem-faults.js';
import {
  PROPERTY_TIMEOUT,
  RUNS,
  throwServer,
  type Abandoned,
  type Reply,
} from '../helpers/throw-server.js';
import { anyValue, box, errorLike } from '../helpers/thrown-values.js';

const { logs, port, park, expectServerAlive } = throwServer();

const httpDate = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((date) => date.toUTCString());

/** Framing a streaming handler sets up (RFC 9112 §6), each left out at random. */
const framingFields = fc.record(
  {
    'Transfer-Encoding': fc.constantFrom('chunked', 'gzip, chunked'),
    'Content-Length': fc.nat({ max: 100_000 }).map(String),
    Trailer: fc.constantFrom('Server-Timing', 'Expires, Content-MD5'),
  },
  { requiredKeys: [] },
);

/** Freshness and validators of the response the handler meant to send (RFC 9111). */
const cachingFields = fc.record(
  {
    'Cache-Control': fc.constantFrom(
      'public, max-age=3600',
      'private, max-age=60',
      's-maxage=600, stale-while-revalidate=30',
      'immutable',
    ),
    Expires: httpDate,
    ETag: fc.constantFrom('"v42"', 'W/"1a-abc"'),
    'Last-Modified': httpDate,
    Age: fc.nat({ max: 86_400 }).map(String),
  },
  { requiredKeys: [] },
);

/** Fields an error response keeps. */
const keptFields = fc.record(
  {
    Vary: fc.constantFrom('Origin', 'Accept-Encoding, Origin'),
    'Access-Control-Allow-Origin': fc.constantFrom('*', 'https://app.example'),
  },
  { requiredKeys: [] },
);

const abandoned: fc.Arbitrary<Abandoned> = fc
  .record({
    framing: framingFields,
    caching: cachingFields,
    kept: keptFields,
    statusMessage: fc.option(
      fc.oneof(fc.constantFrom('OK', 'All Good', 'Partial Content'), fc.string()),
      { nil: undefined },
    ),
  })
  .map(({ framing, caching, kept, statusMessage }) => ({
    headers: { ...framing, ...caching, ...kept },
    ...(statusMessage === undefined ? {} : { statusMessage }),
  }));

/** Extension values JSON.stringify throws on; made fresh for each error. */
const unserialisable = fc.constantFrom<[string, () => unknown]>(
  ['a BigInt', () => 10n],
  [
    'a circular object',
    () => {
      const value: Record<string, unknown> = {};
      value.self = value;
      return value;
    },
  ],
  [
    'an object whose toJSON throws',
    () => ({
      toJSON() {
        throw new Error('SECRET-toJSON');
      },
    }),
  ],
  [
    'an object with a getter that throws',
    () => ({
      get owner() {
        throw new Error('SECRET-getter');
      },
    }),
  ],
);

/** An error's own caching headers, which win over what it replaces. */
const ownCaching = fc.record(
  {
    'Cache-Control': fc.constantFrom('max-age=60', 'no-cache'),
    Expires: httpDate,
    ETag: fc.constantFrom('"problem-1"'),
  },
  { requiredKeys: [] },
);

/**
 * An ApiError whose extensions mix members JSON can write (lower-case names)
 * with members it cannot (upper-case names, so never a reserved member).
 */
const apiErrorWithBadMembers = fc
  .record({
    status: fc.integer({ min: 400, max: 599 }),
    good: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 3,
    }),
    bad: fc.dictionary(fc.stringMatching(/^[A-Z]{1,8}$/), unserialisable, {
      minKeys: 1,
      maxKeys: 3,
    }),
    headers: fc.option(ownCaching, { nil: undefined }),
  })
  .map(({ status, good, bad, headers }) => {
    const extensions: Record<string, unknown> = { ...good };
    for (const [name, [, make]] of Object.entries(bad)) extensions[name] = make();
    const kinds = Object.entries(bad).map(([name, [kind]]) => `${name}: ${kind}`);
    return box(
      new ApiError(status, 'bad member', { extensions, headers }),
      `new ApiError(${status}, 'bad member', { extensions: ${fc.stringify(good)} + { ${kinds.join(', ')} }, headers: ${fc.stringify(headers)} })`,
    );
  });

/** The names of an ApiError's members that JSON cannot write. */
function unwritableMembers(value: unknown): string[] {
  if (!(value instanceof ApiError)) return [];
  return Object.keys(value.extensions ?? {}).filter((name) => /^[A-Z]+$/.test(name));
}

/** A reply read off the socket, as problemFaults takes it (repeated fields joined). */
function replyOf(raw: RawResponse): Reply {
  const headers: http.IncomingHttpHeaders = {};
  for (const [name, field] of raw.headers) {
    const lower = name.toLowerCase();
    const before = headers[lower];
    headers[lower] = before === undefined ? field : `${String(before)}, ${field}`;
  }
  return {
    status: raw.status,
    reason: raw.reason,
    headers,
    rawHeaders: raw.headers.flat(),
    body: Buffer.from(raw.body, 'latin1'),
  };
}

const CACHING_FIELDS = ['age', 'etag', 'expires', 'last-modified'];

/**
 * What is wrong with the framing and caching of an error response that
 * replaced `begun`: exactly one framing; no freshness or validator of the
 * abandoned response (RFC 9111); Cache-Control: no-store in place of its
 * Cache-Control; the error's own caching fields over both.
 */
function replacedFaults(raw: RawResponse, begun: Abandoned, expected: Expected): string[] {
  const faults: string[] = [];
  const values = (name: string) =>
    raw.headers.filter(([field]) => field.toLowerCase() === name).map(([, value]) => value);
  const transferEncoding = values('transfer-encoding');
  const contentLength = values('content-length');
  if (transferEncoding.length > 0 && contentLength.length > 0) {
    faults.push(`both Transfer-Encoding ${transferEncoding} and Content-Length ${contentLength}`);
  }
  if (contentLength.length !== 1) faults.push(`Content-Length ${JSON.stringify(contentLength)}`);
  if (values('trailer').length > 0) faults.push(`Trailer ${values('trailer')}`);
  const had = new Set(Object.keys(begun.headers).map((name) => name.toLowerCase()));
  const own = (name: string) => expected.headers.get(name)?.trim();
  const cacheControl = own('cache-control') ?? (had.has('cache-control') ? 'no-store' : undefined);
  const sentCacheControl = values('cache-control');
  if (JSON.stringify(sentCacheControl) !== JSON.stringify(cacheControl ? [cacheControl] : [])) {
    faults.push(`Cache-Control ${JSON.stringify(sentCacheControl)}, expected ${cacheControl}`);
  }
  for (const name of CACHING_FIELDS) {
    const sent = values(name);
    const mine = own(name);
    if (JSON.stringify(sent) !== JSON.stringify(mine === undefined ? [] : [mine])) {
      faults.push(`${name} ${JSON.stringify(sent)}, expected ${mine ?? 'none'}`);
    }
  }
  for (const name of ['vary', 'access-control-allow-origin']) {
    const field = Object.entries(begun.headers).find(([key]) => key.toLowerCase() === name);
    // The problem's media type depends on Accept, which Vary then names too (RFC 9110 §12.5.5).
    const kept = field && (name === 'vary' ? `${field[1]}, Accept` : field[1]);
    if (kept && JSON.stringify(values(name)) !== JSON.stringify([kept])) {
      faults.push(`${name} ${JSON.stringify(values(name))}, expected ${kept}`);
    }
  }
  return faults;
}

describe('errorHandler after a handler began a response and failed', () => {
  it(
    'answers with one framing, the right reason phrase, nothing cacheable of the abandoned response, and logs the status sent',
    async () => {
      const value = fc.oneof(
        { weight: 2, arbitrary: apiErrorWithBadMembers },
        libraryError,
        anyValue,
        errorLike,
      );
      await fc.assert(
        fc.asyncProperty(value, abandoned, async ({ value: thrown }, begun) => {
          const id = park({ value: thrown, begun });
          const path = `/logged/abandon/${id}`;
          const before = logs.lines.length;
          const expected = expectedFor(thrown);
          const raw = await rawGet(port(), path);
          await flushed();

          expect([
            ...problemFaults(replyOf(raw), path, expected),
            ...replacedFaults(raw, begun, expected),
          ]).toEqual([]);
          const problem = JSON.parse(raw.text) as Record<string, unknown>;
          const dropped = unwritableMembers(thrown);
          for (const name of dropped) expect(problem).not.toHaveProperty(name);
          expect(logs.lines.length).toBe(before + 1);
          const line = logs.lines[before] as Record<string, unknown>;
          expect([line.status, line.level]).toEqual([raw.status, raw.status >= 500 ? 50 : 40]);
          expect(line.droppedMembers).toEqual(dropped.length > 0 ? dropped : undefined);
        }),
        { numRuns: RUNS.abandoned },
      );
      await expectServerAlive();
    },
    PROPERTY_TIMEOUT,
  );
});
