import {
  defaultCatalog,
  defaultEntries,
  defineCatalog,
  toOpenApi,
  type CatalogEntry,
} from '../../src/index.js';
import { expectOptionError } from '../helpers/option-error.js';
import { ordersCatalog, TYPE_BASE_URI } from '../helpers/docs-catalog.js';
import { lintOpenApi, validateOpenApi } from '../helpers/openapi-tools.js';
import { join } from 'node:path';
import request from 'supertest';
import { assertProblemMatchesCatalog, deprecated, requireContentType } from '../../src/index.js';
import { createApp } from '../helpers/app.js';

const REDOCLY_CONFIG = join(__dirname, 'openapi/redocly.yaml');
const TOOL_TIMEOUT = 60_000;
const document = toOpenApi(defaultCatalog);
const { schemas, examples, responses, headers } = document.components;

const pascal = (entry: CatalogEntry) =>
  entry.name
    .split('_')
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join('');
const errorEntries = defaultCatalog.entries.filter((entry) => entry.status >= 400);

describe('toOpenApi', () => {
  it.each(errorEntries.map((entry) => [entry.subCode ?? entry.status, entry] as const))(
    'documents %s: a schema and an example, listed by its status response',
    (_code, entry) => {
      const name = pascal(entry);
      expect(schemas[`${name}Problem`]).toMatchObject({
        allOf: [{ $ref: '#/components/schemas/Problem' }],
        properties: {
          type: { const: 'about:blank' },
          status: { const: entry.status },
          code: { const: entry.name },
          ...(entry.subCode === undefined ? {} : { subCode: { const: entry.subCode } }),
        },
        description: entry.description,
      });
      expect(examples[name]).toMatchObject({ value: { status: entry.status, code: entry.name } });
      const status = defaultCatalog.get(entry.status)!;
      const response = responses[pascal(status)] as {
        content: Record<
          string,
          { schema: { properties: Record<string, { enum?: unknown[] }> }; examples: object }
        >;
      };
      expect(response.content['application/problem+json']!.examples).toHaveProperty(name, {
        $ref: `#/components/examples/${name}`,
      });
      expect(response.content['application/problem+json']!.schema.properties.code!.enum).toContain(
        entry.name,
      );
      if (entry.subCode !== undefined) {
        expect(response.content['application/json']!.schema.properties.subCode!.enum).toContain(
          entry.subCode,
        );
      }
    },
  );

  it('lists the sub-codes of a status as an enum, and its headers by reference', () => {
    expect(responses.Unauthorized).toMatchObject({
      description:
        '401 Unauthorized: The request lacks valid credentials. The WWW-Authenticate header says how to authenticate.',
      headers: {
        'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' },
        'X-Status-Sub-Code': { $ref: '#/components/headers/X-Status-Sub-Code' },
        'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
      },
    });
    const schema = (responses.Unauthorized as { content: Record<string, { schema: unknown }> })
      .content['application/problem+json']!.schema as {
      properties: { subCode: { enum: string[] } };
    };
    expect(schema.properties.subCode.enum).toEqual(
      defaultCatalog.entries
        .filter((entry) => entry.status === 401 && entry.subCode)
        .map((entry) => entry.subCode),
    );
    expect(Object.keys(responses.TooManyRequests!.headers as object)).toEqual([
      'Retry-After',
      'X-Rate-Limit-Limit',
      'X-Rate-Limit-Remaining',
      'X-Rate-Limit-Reset',
      'RateLimit',
      'RateLimit-Policy',
      'X-Request-Id',
    ]);
  });

  it('defines the headers the library sends', () => {
    expect(Object.keys(headers)).toEqual(
      expect.arrayContaining([
        'Retry-After',
        'Allow',
        'WWW-Authenticate',
        'Location',
        'X-Rate-Limit-Limit',
        'X-Rate-Limit-Remaining',
        'X-Rate-Limit-Reset',
        'RateLimit',
        'RateLimit-Policy',
        'X-Status-Sub-Code',
        'X-Request-Id',
      ]),
    );
    expect(headers['X-Status-Sub-Code']).toEqual({
      description: 'The sub-code of the answer, the same as the `subCode` member.',
      schema: { type: 'string', pattern: '^[1-5][0-9]{2}\\.(?:0|[1-9][0-9]{0,3})$' },
    });
  });

  it.each([
    ['410 of deprecated()', 'Gone', ['deprecation', 'sunset', 'link'], 'get', '/old'],
    [
      '415 of requireContentType() to a POST',
      'UnsupportedMediaType',
      ['accept-post'],
      'post',
      '/orders',
    ],
    [
      '415 of requireContentType() to a PATCH',
      'UnsupportedMediaType',
      ['accept-patch'],
      'patch',
      '/orders',
    ],
  ] as const)(
    'documents every header the library sends with the %s, defined',
    async (_case, response, sent, method, path) => {
      const app = createApp((app) => {
        app.use(
          '/old',
          deprecated({
            since: new Date('2020-01-01T00:00:00Z'),
            sunset: new Date('2021-01-01T00:00:00Z'),
            link: 'https://example.com/migrate',
            now: () => Date.parse('2022-01-01T00:00:00Z'),
          }),
        );
        app.all('/orders', requireContentType('application/json'), (_req, res) => {
          res.send('ok');
        });
      });
      const res = await request(app)[method](path).set('Content-Type', 'text/plain').send('x');
      for (const name of sent) expect(res.get(name)).toBeDefined();
      // Each value validates against its component's schema, too.
      expect(() => assertProblemMatchesCatalog(res, defaultCatalog)).not.toThrow();
      const documented = Object.keys(responses[response]!.headers as object);
      for (const name of sent) {
        const key = documented.find((each) => each.toLowerCase() === name);
        expect(key).toBeDefined();
        expect(headers[key!]!.description).toMatch(/\(RFC \d+|\(W3C LDP/);
      }
    },
  );

  it('has no component for success or redirection codes', () => {
    expect(responses).not.toHaveProperty('Ok');
    expect(schemas).not.toHaveProperty('CreatedProblem');
    expect(Object.keys(responses)).toHaveLength(
      defaultCatalog.entries.filter((entry) => entry.status >= 400 && entry.subCode === undefined)
        .length,
    );
  });

  it("types each problem with typeBaseUri, and documents a user catalog's sub-codes and headers", () => {
    const own = toOpenApi(ordersCatalog, { typeBaseUri: TYPE_BASE_URI });
    expect(own.components.schemas.OrderAlreadyShippedProblem).toMatchObject({
      properties: {
        type: { const: 'https://api.example.com/docs/errors#409.71' },
        title: { const: 'Order already shipped' },
        subCode: { const: '409.71' },
      },
      required: ['subCode'],
    });
    expect(own.components.headers['X-Shipment-Id']).toEqual({
      description: 'The X-Shipment-Id header.',
      schema: { type: 'string' },
    });
    // 409's Location, 409.1's Retry-After (a duplicate in progress), then the user's 409.71.
    expect(Object.keys(own.components.responses.Conflict!.headers as object)).toEqual([
      'Location',
      'Retry-After',
      'X-Shipment-Id',
      'X-Status-Sub-Code',
      'X-Request-Id',
    ]);
  });

  it(
    'validates against the OpenAPI 3.1 schema',
    async () => {
      expect(await validateOpenApi(document)).toEqual({ valid: true, version: '3.1' });
      expect(
        await validateOpenApi(toOpenApi(ordersCatalog, { typeBaseUri: TYPE_BASE_URI })),
      ).toEqual({
        valid: true,
        version: '3.1',
      });
    },
    TOOL_TIMEOUT,
  );

  it(
    'lints with no error under Redocly recommended rules (bar servers, which the referencing document has)',
    async () => {
      const problems = await lintOpenApi(
        toOpenApi(ordersCatalog, { typeBaseUri: TYPE_BASE_URI }),
        REDOCLY_CONFIG,
      );
      expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      // Its components are there to be referenced: Redocly warns that nothing does, and about the license.
      expect(new Set(problems.map((problem) => problem.ruleId))).toEqual(
        new Set(['no-unused-components', 'info-license']),
      );
    },
    TOOL_TIMEOUT,
  );

  it('refuses an unknown option and a bad typeBaseUri', () => {
    expect(() => toOpenApi(defaultCatalog, { typeBase: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_EAE_UNKNOWN_OPTION' }),
    );
    expect(() => toOpenApi(defaultCatalog, { typeBaseUri: 'x' })).toThrow(
      /^toOpenApi\(\): `typeBaseUri` must be an absolute URI without a fragment/,
    );
  });

  it('refuses two entry names that make the same component key, rather than leave one out', () => {
    const catalog = defineCatalog([
      ...defaultEntries,
      { status: 461, name: 'ERROR2', title: 'First', description: 'first' },
      { status: 462, name: 'ERROR_2', title: 'Second', description: 'second' },
    ]);
    expectOptionError(
      () => toOpenApi(catalog),
      'ERR_EAE_OPTION_CONFLICT',
      'toOpenApi(): `ERROR2` (461) and `ERROR_2` (462) make the same OpenAPI component key `Error2`: rename one of them',
    );
  });

  it('refuses two header names that make the same component key, rather than leave one out', () => {
    const catalog = defineCatalog([
      ...defaultEntries,
      { status: 461, name: 'FIRST', title: 'First', description: 'first', headers: ['X|Y'] },
      { status: 462, name: 'SECOND', title: 'Second', description: 'second', headers: ['X&Y'] },
    ]);
    expectOptionError(
      () => toOpenApi(catalog),
      'ERR_EAE_OPTION_CONFLICT',
      'toOpenApi(): the header `x|y` and the header `x&y` make the same OpenAPI component key `X_Y`: rename one of them',
    );
  });
});
