import request from 'supertest';
import { defaultCatalog, errorClasses, type CatalogEntry } from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { problemOf } from '../helpers/problem.js';

const errorEntries = defaultCatalog.entries.filter((entry) => entry.status >= 400);

// The options a route gives the classes that take the headers of their status as options.
const CLASS_OPTIONS: Partial<Record<number, object>> = {
  405: { allow: ['GET', 'HEAD'] },
  416: { completeLength: 1234 },
  426: { upgrade: 'websocket' },
  451: { blockedBy: 'https://isp.example/legal' },
};

/** The error a route would throw for an entry: its status's class, with the sub-code. */
function errorFor(entry: CatalogEntry) {
  const ErrorClass = errorClasses[entry.status as keyof typeof errorClasses] as unknown as new (
    options: object,
  ) => Error;
  return new ErrorClass({ subCode: entry.subCode, ...CLASS_OPTIONS[entry.status] });
}

/** The headers a response for the entry must carry, beside the content headers and request id. */
function impliedHeaders(entry: CatalogEntry): Record<string, string> {
  const headers: Record<string, string> = {};
  if (entry.status === 401) headers['www-authenticate'] = 'Bearer realm="api"';
  if (entry.status === 405) headers.allow = 'GET, HEAD';
  if (entry.status === 407) headers['proxy-authenticate'] = 'Bearer realm="api"';
  if (entry.status === 408) headers.connection = 'close';
  if (entry.status === 416) headers['content-range'] = 'bytes */1234';
  // supertest's requests say `Connection: close`, which the handler keeps beside `upgrade`.
  if (entry.status === 426)
    Object.assign(headers, { upgrade: 'websocket', connection: 'upgrade, close' });
  if (entry.status === 451) headers.link = '<https://isp.example/legal>; rel="blocked-by"';
  if (entry.status === 503) headers['retry-after'] = '120';
  if (entry.subCode) headers['x-status-sub-code'] = entry.subCode;
  return headers;
}

describe.each(errorEntries.map((entry) => [entry.subCode ?? entry.status, entry] as const))(
  'catalog entry %s thrown from a route',
  (_code, entry) => {
    it('answers with its status, headers and problem body', async () => {
      const res = await request(appThrowing(() => errorFor(entry))).get('/throw');
      const statusEntry = defaultCatalog.get(entry.status)!;

      expect(res.status).toBe(entry.status);
      expect(res.headers['content-type']).toBe('application/problem+json');
      for (const [name, value] of Object.entries(impliedHeaders(entry))) {
        expect(res.headers[name]).toBe(value);
      }
      if (!entry.subCode) expect(res.headers['x-status-sub-code']).toBeUndefined();
      if (entry.status !== 401) expect(res.headers['www-authenticate']).toBeUndefined();
      if (entry.status !== 407) expect(res.headers['proxy-authenticate']).toBeUndefined();
      if (entry.status !== 416) expect(res.headers['content-range']).toBeUndefined();
      if (entry.status !== 426) expect(res.headers.upgrade).toBeUndefined();
      expect(problemOf(res)).toEqual({
        type: 'about:blank',
        title: statusEntry.title,
        status: entry.status,
        detail: entry.description,
        instance: '/throw',
        code: entry.name,
        ...(entry.subCode ? { subCode: entry.subCode } : {}),
      });
    });

    it("carries the answer's code on the error itself, as err.code", () => {
      expect((errorFor(entry) as Error & { code: string }).code).toBe(entry.name);
    });
  },
);
