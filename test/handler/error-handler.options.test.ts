import request from 'supertest';
import {
  Catalog,
  defaultEntries,
  NotFoundError,
  errorHandler,
  type ErrorHandlerOptions,
} from '../../src/index.js';
import { appThrowing } from '../helpers/app.js';
import { problemOf } from '../helpers/problem.js';

class OrderMissing extends Error {}

describe('errorHandler: options', () => {
  it.each<[string, ErrorHandlerOptions, string, string | RegExp]>([
    [
      'options that are not an object',
      'debug' as never,
      'ERR_EAE_OPTIONS',
      'errorHandler(): options must be an object such as { logger: pino() }, got "debug"',
    ],
    [
      'a misspelt option',
      { debg: true } as never,
      'ERR_EAE_UNKNOWN_OPTION',
      'errorHandler(): `debg` is not an option. Did you mean `debug`?',
    ],
    [
      'an option of a hand-written handler',
      { includeStack: true } as never,
      'ERR_EAE_UNKNOWN_OPTION',
      'errorHandler(): `includeStack` is not an option: stacks are logged, never sent; `debug: true` sends them, for local development only.',
    ],
    [
      'a misspelt field of a mapping',
      { mappings: [{ match: () => true, too: 404 }] as never },
      'ERR_EAE_UNKNOWN_OPTION',
      'errorHandler(): `mappings[0].too` is not an option. Did you mean `mappings[0].to`?',
    ],
    [
      'a misspelt field of refusals',
      { refusals: { interval: 1000 } } as never,
      'ERR_EAE_UNKNOWN_OPTION',
      'errorHandler(): `refusals.interval` is not an option. Did you mean `refusals.intervalMs`?',
    ],
    [
      'refusals that are an array',
      { refusals: [] as never },
      'ERR_EAE_OPTION_TYPE',
      "errorHandler(): `refusals` must be an object such as { level: 'info', intervalMs: 60000 }, got []",
    ],
    [
      'log levels that are an array',
      { logLevels: ['info'] as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `logLevels` must be an object mapping statuses to pino levels, such as { 404: \'info\' }, got ["info"]',
    ],
    [
      'a catalog not made by defineCatalog',
      { catalog: [] as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `catalog` must be built with defineCatalog(), got []',
    ],
    [
      'an object that only carries the brand of a catalog',
      { catalog: { [Symbol.for('express-api-errors.Catalog')]: true } as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `catalog` must be built with defineCatalog(), got {}',
    ],
    [
      'mappings that are not an array',
      { mappings: {} as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `mappings` must be an array such as [{ match: OrderMissing, to: 404 }]',
    ],
    [
      'a mapping that is not an object',
      { mappings: [404] as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `mappings[0]` must be an object { match, to }, got 404',
    ],
    [
      'a mapping without match',
      { mappings: [{ to: 404 }] as never },
      'ERR_EAE_OPTION_MISSING',
      'errorHandler(): `mappings[0].match` must be an Error subclass or a predicate function, got undefined',
    ],
    [
      'a mapping to a status outside the catalog',
      { mappings: [{ match: () => true, to: 509 as never }] },
      'ERR_EAE_OPTION_RANGE',
      'errorHandler(): `mappings[0].to` must be an error status or sub-code of the catalog, got 509',
    ],
    [
      'a mapping to a success status',
      { mappings: [{ match: () => true, to: 200 as never }] },
      'ERR_EAE_OPTION_RANGE',
      'errorHandler(): `mappings[0].to` must be an error status or sub-code of the catalog, got 200',
    ],
    [
      'a mapping to an unknown sub-code',
      { mappings: [{ match: () => true, to: '404.9' as never }] },
      'ERR_EAE_OPTION_RANGE',
      'got "404.9"',
    ],
    [
      'a mapping without to',
      { mappings: [{ match: () => true }] as never },
      'ERR_EAE_OPTION_MISSING',
      'errorHandler(): `mappings[0].to` must be a status, a sub-code or a function returning an ApiError, got undefined',
    ],
    [
      'a mapping to something else',
      { mappings: [{ match: () => true, to: {} as never }] },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `mappings[0].to` must be a status, a sub-code or a function returning an ApiError',
    ],
    [
      'a logger without level methods',
      { logger: {} as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `logger` must be a pino logger',
    ],
    [
      'a logger without a level that logLevels names',
      {
        logger: { error: () => undefined, warn: () => undefined, info: () => undefined } as never,
        logLevels: { 404: 'debug' },
      },
      'ERR_EAE_OPTION_TYPE',
      "errorHandler(): `logger` must be a pino logger (or have pino's level methods), or false; it has no `debug()`",
    ],
    [
      'a logger without the level of refusals',
      {
        logger: { error: () => undefined, warn: () => undefined, info: () => undefined } as never,
        refusals: { level: 'trace' },
      },
      'ERR_EAE_OPTION_TYPE',
      "errorHandler(): `logger` must be a pino logger (or have pino's level methods), or false; it has no `trace()`",
    ],
    [
      'a log level that pino lacks',
      { logLevels: { 404: 'loud' as never } },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `logLevels[404]` must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      'a log level for a non-error status',
      { logLevels: { 200: 'info' } },
      'ERR_EAE_OPTION_RANGE',
      'errorHandler(): `logLevels` keys must be statuses from 400 to 599, got 200',
    ],
    [
      'a sub-code header that is not a token',
      { subCodeHeader: 'X Sub' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `subCodeHeader` must be a header name (an RFC 9110 token) such as X-Status-Sub-Code, got "X Sub"',
    ],
    [
      'a request id header that is not a token',
      { requestIdHeader: '' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `requestIdHeader` must be a header name (an RFC 9110 token) such as X-Request-Id, got ""',
    ],
    [
      'a request id header that HTTP already defines',
      { requestIdHeader: 'Retry-After' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `requestIdHeader` must name a field of its own, not Retry-After, which HTTP or the handler already uses; the default is X-Request-Id',
    ],
    [
      'a sub-code header that the handler already sends',
      { subCodeHeader: 'content-type' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `subCodeHeader` must name a field of its own, not content-type, which HTTP or the handler already uses; the default is X-Status-Sub-Code',
    ],
    [
      'one field for both the sub-code and the request id',
      { subCodeHeader: 'X-Ids', requestIdHeader: 'x-ids' },
      'ERR_EAE_OPTION_CONFLICT',
      'errorHandler(): `subCodeHeader` and `requestIdHeader` both name x-ids; give each its own field',
    ],
    [
      'a default challenge with CR/LF',
      { defaultChallenge: { scheme: 'Bearer', params: { realm: 'a\r\n' } } },
      'ERR_EAE_OPTION_TYPE',
      /^errorHandler\(\): Challenge parameter `realm`/,
    ],
    [
      'a problemType that is not a function',
      { problemType: 'https://x' as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `problemType` must be a function, got "https://x"',
    ],
    [
      'a typeBaseUri that is not an absolute URI',
      { typeBaseUri: '/docs/errors' },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `typeBaseUri` must be an absolute URI without a fragment, such as "https://api.example.com/docs/errors", got "/docs/errors"',
    ],
    [
      'a typeBaseUri with a fragment',
      { typeBaseUri: 'https://api.example.com/docs#errors' },
      'ERR_EAE_OPTION_TYPE',
      /^errorHandler\(\): `typeBaseUri` must be an absolute URI without a fragment/,
    ],
    [
      'typeBaseUri together with problemType',
      { typeBaseUri: 'https://api.example.com/docs/errors', problemType: () => 'about:blank' },
      'ERR_EAE_OPTION_CONFLICT',
      'errorHandler(): `typeBaseUri` and `problemType` both set the problem `type`: give one of them',
    ],
    [
      'debug that is not a boolean',
      { debug: 'yes' as never },
      'ERR_EAE_OPTION_TYPE',
      'errorHandler(): `debug` must be a boolean, got "yes"',
    ],
  ])('refuses %s at start-up', (_case, options, code, message) => {
    expect(() => errorHandler(options)).toThrow(message);
    expect(() => errorHandler(options)).toThrow(expect.objectContaining({ code }));
  });

  it('answers with a catalog made by another copy of the library (ESM next to CommonJS)', async () => {
    let copy: typeof import('../../src/catalog/catalog.js') | undefined;
    let copyErrors: typeof import('../../src/errors/error-classes.js') | undefined;
    jest.isolateModules(() => {
      copy = jest.requireActual<typeof import('../../src/catalog/catalog.js')>(
        '../../src/catalog/catalog.js',
      );
      copyErrors = jest.requireActual<typeof import('../../src/errors/error-classes.js')>(
        '../../src/errors/error-classes.js',
      );
    });
    const catalog = copy!.defineCatalog([
      ...defaultEntries,
      {
        status: 404,
        subCode: '404.7',
        name: 'ORDER_NOT_FOUND',
        title: 'Order not found',
        description: 'No order has this number.',
      },
    ]);
    expect(catalog).not.toBeInstanceOf(Catalog);
    const res = await request(
      appThrowing(() => new NotFoundError('No order 7', { subCode: '404.7' as never }), {
        logger: false,
        catalog,
      }),
    ).get('/throw');
    expect([res.status, problemOf(res)]).toEqual([
      404,
      {
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: 'No order 7',
        instance: '/throw',
        code: 'ORDER_NOT_FOUND',
        subCode: '404.7',
      },
    ]);
    // Both copies name errors with the catalog the handler was given, as its answers do.
    expect(new NotFoundError('x', { subCode: '404.7' as never }).code).toBe('ORDER_NOT_FOUND');
    expect(new copyErrors!.NotFoundError('x', { subCode: '404.7' as never }).code).toBe(
      'ORDER_NOT_FOUND',
    );
  });

  it('does not change the options object it is given', () => {
    const options = Object.freeze({
      logger: false as const,
      mappings: Object.freeze([{ match: OrderMissing, to: 404 as const }]),
      logLevels: Object.freeze({ 404: 'info' as const }),
    });
    expect(() => errorHandler(options)).not.toThrow();
    expect(options).toEqual({
      logger: false,
      mappings: [{ match: OrderMissing, to: 404 }],
      logLevels: { 404: 'info' },
    });
  });

  it('is an Express error middleware: it takes four arguments', () => {
    expect(errorHandler({ logger: false })).toHaveLength(4);
  });
});
