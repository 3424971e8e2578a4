import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import {
  ApiError,
  assertProblemMatchesCatalog,
  defaultCatalog,
  ProblemContractError,
  toOpenApi,
  type Catalog,
  type CatalogEntry,
  type ProblemResponse,
} from '../../src/index.js';
import { schemaFailures } from '../../src/docs/schema-check.js';
import { appThrowing } from '../helpers/app.js';
import { ordersCatalog, TYPE_BASE_URI } from '../helpers/docs-catalog.js';

const errorEntries = (catalog: Catalog) => catalog.entries.filter((entry) => entry.status >= 400);

/** What errorHandler answers for an entry thrown without a detail. */
async function answerFor(entry: CatalogEntry, catalog: Catalog, typeBaseUri?: string) {
  return request(
    appThrowing(() => new ApiError(entry.status, undefined, { subCode: entry.subCode as never }), {
      logger: false,
      catalog,
      typeBaseUri,
    }),
  ).get('/throw');
}

/** A copy of a response with some fields changed, as a broken server might answer. */
function tampered(
  res: ProblemResponse,
  change: {
    status?: number;
    headers?: Record<string, string | undefined>;
    body?: Record<string, unknown>;
  },
): ProblemResponse {
  return {
    status: change.status ?? res.status,
    headers: { ...(res.headers as Record<string, string>), ...change.headers },
    body: { ...(res.body as object), ...change.body },
  };
}

function failuresOf(check: () => void): readonly string[] {
  try {
    check();
  } catch (error) {
    if (error instanceof ProblemContractError) return error.failures;
    throw error;
  }
  return [];
}

describe('assertProblemMatchesCatalog', () => {
  it.each(
    errorEntries(defaultCatalog).map((entry) => [entry.subCode ?? entry.status, entry] as const),
  )('passes for %s thrown through errorHandler', async (_code, entry) => {
    const res = await answerFor(entry, defaultCatalog);
    expect(() => assertProblemMatchesCatalog(res, defaultCatalog)).not.toThrow();
  });

  it.each(
    errorEntries(ordersCatalog).map((entry) => [entry.subCode ?? entry.status, entry] as const),
  )("passes for %s of a user's catalog with typeBaseUri", async (_code, entry) => {
    const res = await answerFor(entry, ordersCatalog, TYPE_BASE_URI);
    expect(() =>
      assertProblemMatchesCatalog(res, ordersCatalog, { typeBaseUri: TYPE_BASE_URI }),
    ).not.toThrow();
  });

  it('fails for a response whose type the catalog would not send', async () => {
    const res = await answerFor(defaultCatalog.get('401.24')!, defaultCatalog, TYPE_BASE_URI);
    expect(failuresOf(() => assertProblemMatchesCatalog(res, defaultCatalog))).toEqual([
      'body.type must be "about:blank", got "https://api.example.com/docs/errors#401.24"',
      'body.title must be "Unauthorized", got "Token expired"',
    ]);
  });

  describe('fails for a tampered response', () => {
    let res: ProblemResponse;
    beforeAll(async () => {
      res = await answerFor(defaultCatalog.get('401.24')!, defaultCatalog);
    });

    it.each<[string, Parameters<typeof tampered>[1], string[]]>([
      [
        'another code',
        { body: { code: 'TOKEN_REVOKED' } },
        ['body.code must be "TOKEN_EXPIRED", got "TOKEN_REVOKED"'],
      ],
      [
        'a sub-code header that disagrees with the body',
        { headers: { 'x-status-sub-code': '401.23' } },
        ['header X-Status-Sub-Code (401.23) and body.subCode (401.24) must agree'],
      ],
      [
        'a sub-code of another status',
        { body: { subCode: '404.1' }, headers: { 'x-status-sub-code': '404.1' } },
        [
          'body.subCode "404.1" is not a sub-code of 401 in the catalog',
          'body.code must be "UNAUTHORIZED", got "TOKEN_EXPIRED"',
        ],
      ],
      [
        'a status the body does not have',
        { status: 403 },
        expect.arrayContaining(['body.status must be 403, got 401']) as never,
      ],
      [
        'a missing challenge',
        { headers: { 'www-authenticate': undefined } },
        ['header WWW-Authenticate is required with a 401, and missing'],
      ],
      [
        'a request id that differs from the header',
        { body: { requestId: 'other' } },
        [
          expect.stringMatching(
            /^header X-Request-Id \(.*\) and body.requestId \(other\) must agree$/,
          ) as never,
        ],
      ],
      [
        'a missing detail',
        { body: { detail: undefined } },
        ['body.detail must be of type string, got nothing'],
      ],
      [
        'a non-problem content type',
        { headers: { 'content-type': 'text/html; charset=utf-8' } },
        [
          'Content-Type must be application/problem+json or application/json, got text/html; charset=utf-8',
        ],
      ],
    ])('%s', (_case, change, expected) => {
      expect(
        failuresOf(() => assertProblemMatchesCatalog(tampered(res, change), defaultCatalog)),
      ).toEqual(expected);
    });

    it('a header that does not match its schema', async () => {
      const limited = await answerFor(defaultCatalog.get(429)!, defaultCatalog);
      const changed = tampered(limited, {
        headers: { 'retry-after': 'soon', 'x-rate-limit-remaining': '-1' },
      });
      expect(failuresOf(() => assertProblemMatchesCatalog(changed, defaultCatalog))).toEqual([
        expect.stringMatching(/^header Retry-After must match .*, got "soon"$/),
        'header X-Rate-Limit-Remaining must be of type integer, got "-1"',
      ]);
    });

    it('throws a ProblemContractError whose message lists the failures', () => {
      expect(() =>
        assertProblemMatchesCatalog(tampered(res, { body: { code: 'NOPE' } }), defaultCatalog),
      ).toThrow(new ProblemContractError(['body.code must be "TOKEN_EXPIRED", got "NOPE"']));
      expect(new ProblemContractError(['x']).message).toBe(
        'The response does not match the catalog:\n- x',
      );
    });
  });

  it('fails for a status the catalog does not have', () => {
    expect(
      failuresOf(() =>
        assertProblemMatchesCatalog({ status: 499, headers: {}, body: {} }, defaultCatalog),
      ),
    ).toEqual(['status 499 is not an error status of the catalog']);
  });

  it('reads the headers of a fetch Response', async () => {
    const app = appThrowing(() => new ApiError(404, undefined, { subCode: '404.1' }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/throw`);
      const body: unknown = await res.json();
      expect(() =>
        assertProblemMatchesCatalog(
          { status: res.status, headers: res.headers, body },
          defaultCatalog,
        ),
      ).not.toThrow();
    } finally {
      server.close();
    }
  });

  it('refuses an unknown option', () => {
    expect(() =>
      assertProblemMatchesCatalog({ status: 404, headers: {}, body: {} }, defaultCatalog, {
        base: 'x',
      } as never),
    ).toThrow(expect.objectContaining({ code: 'ERR_EAE_UNKNOWN_OPTION' }));
  });
});

describe('the schema checker of the contract', () => {
  // Ajv, a full JSON Schema 2020-12 validator, on the same generated schemas.
  const document = toOpenApi(ordersCatalog, { typeBaseUri: TYPE_BASE_URI });
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(document, 'doc');

  const bodies: [string, unknown][] = [
    [
      'a valid body',
      {
        type: 'https://api.example.com/docs/errors#404.71',
        title: 'Order not found',
        status: 404,
        detail: 'x',
        code: 'ORDER_NOT_FOUND',
        subCode: '404.71',
      },
    ],
    [
      'an extension member',
      {
        type: 'https://api.example.com/docs/errors#404.71',
        title: 'Order not found',
        status: 404,
        detail: 'x',
        code: 'ORDER_NOT_FOUND',
        subCode: '404.71',
        orderId: 7,
      },
    ],
    [
      'a wrong code',
      {
        type: 'https://api.example.com/docs/errors#404.71',
        title: 'Order not found',
        status: 404,
        detail: 'x',
        code: 'NOT_FOUND',
        subCode: '404.71',
      },
    ],
    [
      'no sub-code',
      {
        type: 'https://api.example.com/docs/errors#404.71',
        title: 'Order not found',
        status: 404,
        detail: 'x',
        code: 'ORDER_NOT_FOUND',
      },
    ],
    [
      'a status as a string',
      {
        type: 'https://api.example.com/docs/errors#404.71',
        title: 'Order not found',
        status: '404',
        detail: 'x',
        code: 'ORDER_NOT_FOUND',
        subCode: '404.71',
      },
    ],
    [
      'a malformed sub-code',
      {
        type: 'x',
        title: 'Order not found',
        status: 404,
        detail: 'x',
        code: 'ORDER_NOT_FOUND',
        subCode: '404.',
      },
    ],
    ['an array', []],
    ['nothing', null],
  ];

  it.each(bodies)('agrees with Ajv on %s', (_case, body) => {
    const ref = 'doc#/components/schemas/OrderNotFoundProblem';
    const ajvValid = ajv.validate(ref, body);
    const schema = document.components.schemas.OrderNotFoundProblem!;
    expect(schemaFailures(schema, body, document, 'body').length === 0).toBe(ajvValid);
  });

  it('throws on a keyword it does not check, rather than pass the value', () => {
    expect(() => schemaFailures({ oneOf: [] }, {}, {}, 'body')).toThrow(
      'schema keyword `oneOf` at body is not one the contract check knows',
    );
  });
});
