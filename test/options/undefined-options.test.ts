/**
 * An option given as `undefined` is an option not given: a consumer that
 * forwards its own optional configuration (`errorHandler({ logger:
 * config.logger })`) gets the defaults, as the types say (`| undefined` on
 * every optional option; test/public-types.express5.test.ts compiles that
 * under `exactOptionalPropertyTypes`). Each factory here is given every
 * optional option as `undefined` and compared with the same call without
 * them: its parsed configuration where it has a parse function, else what
 * it answers.
 */
import type { Express, RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import request from 'supertest';
import {
  ApiError,
  MemoryLockStore,
  MemoryStore,
  RedisLockStore,
  RedisStore,
  assertProblemMatchesCatalog,
  bearerChallenge,
  createError,
  created,
  defaultCatalog,
  defineCatalog,
  defineErrorClass,
  deprecated,
  errorClasses,
  maintenance,
  methodNotAllowed,
  pinoHttpOptions,
  renderResponseCodes,
  responseCodesPage,
  toOpenApi,
  type ApiErrorOptions,
  type BearerChallengeOptions,
  type CatalogEntry,
  type ContractOptions,
  type CreatedOptions,
  type DeprecatedLinks,
  type DeprecatedOptions,
  type ErrorHandlerOptions,
  type LoadSheddingOptions,
  type MaintenanceOptions,
  type MemoryLockStoreOptions,
  type MemoryStoreOptions,
  type MethodNotAllowedOptions,
  type OperationLockOptions,
  type PinoHttpRecipeOptions,
  type RateLimitPolicy,
  type RateLimitSharedOptions,
  type RedisLockStoreOptions,
  type RedisStoreOptions,
  type RenderResponseCodesOptions,
  type ResponseCodesPageOptions,
  type ToOpenApiOptions,
  type WindowOptions,
} from '../../src/index.js';
import { optionNamesOf } from '../../src/errors/define-error-class.js';
import { parseOptions } from '../../src/handler/options.js';
import { parseLoadSheddingOptions } from '../../src/middleware/load-shedding.js';
import { parseOperationLockOptions } from '../../src/operation-lock/options.js';
import { parseRateLimitOptions } from '../../src/rate-limit/options.js';
import { createApp } from '../helpers/app.js';
import { freezePerformanceNow } from '../helpers/clock.js';
import { connectClient, describeWithRedis } from '../helpers/redis.js';

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/**
 * `{ name: undefined }` for each optional option of `Options`: the compiler
 * holds `names` to every one of them, so that a new option is tried too.
 */
function allUndefined<Options extends object>() {
  return <const Names extends readonly OptionalKeys<Options>[]>(
    names: Names &
      ([Exclude<OptionalKeys<Options>, Names[number]>] extends [never]
        ? unknown
        : { readonly missingOptions: Exclude<OptionalKeys<Options>, Names[number]> }),
  ): { [Name in OptionalKeys<Options>]: undefined } =>
    Object.fromEntries(names.map((name) => [name, undefined])) as never;
}

const ERROR_HANDLER = allUndefined<ErrorHandlerOptions>()([
  'catalog',
  'mappings',
  'logger',
  'logLevels',
  'refusals',
  'subCodeHeader',
  'requestIdHeader',
  'defaultChallenge',
  'problemType',
  'typeBaseUri',
  'debug',
]);
const RATE_LIMIT = allUndefined<RateLimitSharedOptions>()([
  'algorithm',
  'name',
  'key',
  'ipv6Subnet',
  'cost',
  'skip',
  'detail',
  'requestPropertyName',
  'countOnly',
  'block',
  'store',
  'failOpen',
  'storeTimeoutMs',
  'denyCache',
  'legacyHeaders',
  'standardHeaders',
  'logger',
]);
const OPERATION_LOCK = allUndefined<OperationLockOptions>()([
  'header',
  'key',
  'client',
  'fingerprint',
  'required',
  'docsUrl',
  'replay',
  'record',
  'replayHeaders',
  'maxBodyBytes',
  'lockTtlMs',
  'replayTtlMs',
  'retryAfter',
  'waitMs',
  'store',
  'failOpen',
  'storeTimeoutMs',
  'logger',
]);
const API_ERROR = allUndefined<ApiErrorOptions>()([
  'subCode',
  'headers',
  'cause',
  'expose',
  'extensions',
]);

/** What a configuration holds, its logger getter read: a closure is made per call. */
function effective<Config extends { logger: () => unknown }>(config: Config) {
  return { ...config, logger: config.logger() };
}

/** Status, headers (but `Date`) and body of the answer to `method path`. */
async function answerOf(app: Express, method: 'get' | 'post' | 'options', path: string) {
  const res = await request(app)[method](path);
  const headers = Object.entries(res.headers as Record<string, unknown>).filter(
    ([name]) => name !== 'date',
  );
  return { status: res.status, headers, body: res.text };
}

/** An app that mounts `middleware` before `GET /` and `GET /health`; no request id, so answers compare. */
function appWith(middleware: RequestHandler): Express {
  return createApp(
    (app) => {
      app.use(middleware);
      app.get(['/', '/health'], (_req, res) => void res.send('ok'));
    },
    { logger: false, requestIdHeader: false },
  );
}

const POLICY: RateLimitPolicy = {
  algorithm: 'gcra',
  windows: [{ limit: 2, windowMs: 1000, name: 'w' }],
  block: undefined,
};

describe('an option given as undefined is an option not given', () => {
  it('errorHandler(): the same configuration', () => {
    // The refusal log's clock is a closure made per configuration: its interval is what is set.
    const handler = (options: ErrorHandlerOptions) => {
      const { refusalLog, ...config } = parseOptions(options);
      return { ...config, refusalIntervalMs: refusalLog.intervalMs };
    };
    expect(handler({ ...ERROR_HANDLER })).toEqual(handler({}));
    expect(handler({ refusals: { level: undefined, intervalMs: undefined } })).toEqual(
      handler({ refusals: {} }),
    );
    expect(handler({ defaultChallenge: { scheme: 'Basic', params: undefined } })).toEqual(
      handler({ defaultChallenge: { scheme: 'Basic' } }),
    );
  });

  it('rateLimit(): the same configuration, windows and deny cache', () => {
    const shorthand = { limit: 5, windowMs: 1000 };
    expect(
      effective(parseRateLimitOptions({ ...shorthand, windows: undefined, ...RATE_LIMIT })),
    ).toEqual(effective(parseRateLimitOptions(shorthand)));
    const windows: WindowOptions[] = [{ limit: 5, windowMs: 1000, name: undefined }];
    expect(
      effective(
        parseRateLimitOptions({ windows, limit: undefined, windowMs: undefined, ...RATE_LIMIT }),
      ),
    ).toEqual(effective(parseRateLimitOptions({ windows: [{ limit: 5, windowMs: 1000 }] })));
    expect(parseRateLimitOptions({ ...shorthand, denyCache: { maxKeys: undefined } })).toEqual(
      expect.objectContaining({ denyCacheKeys: 10_000 }),
    );
  });

  it('operationLock(): the same configuration', () => {
    expect(effective(parseOperationLockOptions({ ...OPERATION_LOCK }))).toEqual(
      effective(parseOperationLockOptions({})),
    );
  });

  it('loadShedding(): the same configuration', () => {
    const none = allUndefined<LoadSheddingOptions>()([
      'maxHeapUsedBytes',
      'retryAfter',
      'sampleIntervalMs',
    ]);
    expect(parseLoadSheddingOptions({ maxEventLoopDelayMs: 200, ...none })).toEqual(
      parseLoadSheddingOptions({ maxEventLoopDelayMs: 200 }),
    );
  });

  it('MemoryStore and MemoryLockStore: the same answers on the same clock', () => {
    const clock = freezePerformanceNow();
    try {
      const answers = (store: MemoryStore) => {
        store.init(POLICY);
        const decisions = [1, 2, 3].map(() => store.consume('client', 1));
        store.shutdown();
        return decisions;
      };
      const storeOptions = allUndefined<MemoryStoreOptions>()(['maxKeys', 'now']);
      expect(answers(new MemoryStore({ ...storeOptions }))).toEqual(answers(new MemoryStore()));

      const locks = (store: MemoryLockStore) => {
        const outcomes = [
          store.acquire('op', 'token', 'fp', 1000),
          store.acquire('op', 'other', 'fp', 1000),
          store.complete('op', 'token', 'response', 1000),
          store.acquire('op', 'other', 'fp', 1000),
        ];
        store.shutdown();
        return outcomes;
      };
      const lockOptions = allUndefined<MemoryLockStoreOptions>()(['maxEntries', 'maxBytes', 'now']);
      expect(locks(new MemoryLockStore({ ...lockOptions }))).toEqual(locks(new MemoryLockStore()));
    } finally {
      clock.restore();
    }
  });

  it('the error classes: the same error, for each class and each of its options', () => {
    const required: Record<number, object> = { 405: { allow: ['GET'] }, 426: { upgrade: 'h2c' } };
    const fieldsOf = (error: ApiError) => ({
      name: error.name,
      message: error.message,
      status: error.status,
      subCode: error.subCode,
      detail: error.detail,
      expose: error.expose,
      headers: error.headers,
      extensions: error.extensions,
      cause: error.cause,
    });
    for (const [status, ErrorClass] of Object.entries(errorClasses)) {
      const given = required[Number(status)] ?? {};
      const names = optionNamesOf(ErrorClass)!.filter((name) => !Object.hasOwn(given, name));
      const undefinedOptions = Object.fromEntries(names.map((name) => [name, undefined]));
      const Class = ErrorClass as unknown as new (detail?: string, options?: object) => ApiError;
      expect(fieldsOf(new Class('x', { ...given, ...undefinedOptions }))).toStrictEqual(
        fieldsOf(new Class('x', given)),
      );
    }
    const Unprocessable = errorClasses[422];
    expect(
      new Unprocessable({ errors: [{ detail: 'x', pointer: undefined, field: undefined }] })
        .extensions,
    ).toStrictEqual(new Unprocessable({ errors: [{ detail: 'x' }] }).extensions);
    expect(fieldsOf(new ApiError(404, 'x', { ...API_ERROR }))).toStrictEqual(
      fieldsOf(new ApiError(404, 'x')),
    );
    expect(fieldsOf(createError(404, 'x', { ...API_ERROR }))).toStrictEqual(
      fieldsOf(createError(404, 'x')),
    );
    const cause = new Error('cause');
    expect(fieldsOf(createError(cause, 'x', { ...API_ERROR }))).toStrictEqual(
      fieldsOf(createError(cause, 'x')),
    );
    const Teapot = defineErrorClass(418, 'TeapotError', { options: undefined, imply: undefined });
    const Plain = defineErrorClass(418, 'TeapotError');
    expect(fieldsOf(new Teapot('x'))).toStrictEqual(fieldsOf(new Plain('x')));
  });

  it('bearerChallenge(): the same challenge', () => {
    const none = allUndefined<BearerChallengeOptions>()([
      'realm',
      'scope',
      'error',
      'errorDescription',
      'errorUri',
    ]);
    expect(bearerChallenge({ ...none })).toStrictEqual(bearerChallenge({}));
  });

  it('defineCatalog(): the same entries, without keys of their own for the fields left out', () => {
    const entry = { status: 404, name: 'NOT_FOUND', title: 'Not Found', description: 'None.' };
    const none = allUndefined<CatalogEntry>()(['subCode', 'headers']);
    const catalog = defineCatalog([{ ...entry, ...none }]);
    expect(catalog.entries).toStrictEqual(defineCatalog([entry]).entries);
    expect(Object.keys(catalog.get(404)!)).toEqual(['status', 'name', 'title', 'description']);
  });

  it('methodNotAllowed(), maintenance() and deprecated(): the same answers', async () => {
    const routes = createApp((app) => app.get('/', (_req, res) => void res.send('ok')));
    const cacheSize = allUndefined<MethodNotAllowedOptions>()(['cacheSize']);
    const guarded = (options: MethodNotAllowedOptions) =>
      appWith(methodNotAllowed(routes, options));
    for (const method of ['post', 'options'] as const) {
      expect(await answerOf(guarded({ ...cacheSize }), method, '/')).toEqual(
        await answerOf(guarded({}), method, '/'),
      );
    }

    const down = allUndefined<MaintenanceOptions>()(['retryAfter', 'allow', 'detail']);
    for (const path of ['/', '/health']) {
      expect(await answerOf(appWith(maintenance({ enabled: true, ...down })), 'get', path)).toEqual(
        await answerOf(appWith(maintenance({ enabled: true })), 'get', path),
      );
    }

    const none = allUndefined<DeprecatedOptions>()(['since', 'sunset', 'link', 'now']);
    const noLinks = allUndefined<DeprecatedLinks>()(['deprecation', 'sunset']);
    const link = 'https://example.com/v2';
    const pairs: [DeprecatedOptions, DeprecatedOptions][] = [
      [{ ...none, since: '2025-01-01' }, { since: '2025-01-01' }],
      [{ ...none, sunset: '2000-01-01' }, { sunset: '2000-01-01' }],
      [
        { since: '2025-01-01', link: { ...noLinks, sunset: link } },
        { since: '2025-01-01', link: { sunset: link } },
      ],
    ];
    for (const [withUndefined, without] of pairs) {
      expect(await answerOf(appWith(deprecated(withUndefined)), 'get', '/')).toEqual(
        await answerOf(appWith(deprecated(without)), 'get', '/'),
      );
    }
  });

  it('the docs: the same page, components and contract', async () => {
    const page = allUndefined<RenderResponseCodesOptions>()(['typeBaseUri', 'title']);
    expect(renderResponseCodes(defaultCatalog, { format: 'markdown', ...page })).toBe(
      renderResponseCodes(defaultCatalog, { format: 'markdown' }),
    );
    const openApi = allUndefined<ToOpenApiOptions>()(['typeBaseUri', 'title', 'version']);
    expect(toOpenApi(defaultCatalog, { ...openApi })).toStrictEqual(toOpenApi(defaultCatalog));
    const served = allUndefined<ResponseCodesPageOptions>()(['typeBaseUri', 'title']);
    const docsApp = (options: ResponseCodesPageOptions) =>
      createApp((app) => app.get('/errors', responseCodesPage(defaultCatalog, options)));
    expect(await answerOf(docsApp({ ...served }), 'get', '/errors')).toEqual(
      await answerOf(docsApp({}), 'get', '/errors'),
    );

    const contract = allUndefined<ContractOptions>()(['typeBaseUri']);
    const res = await request(createApp(() => undefined)).get('/nowhere');
    const outcome = (options: ContractOptions) => {
      try {
        assertProblemMatchesCatalog(res, defaultCatalog, options);
        return 'matches';
      } catch (error) {
        return (error as Error).message;
      }
    };
    // A 404 that is no problem of the catalog's, so that both say the same failures.
    expect(outcome({ ...contract })).toBe(outcome({}));
  });

  it('pinoHttpOptions() and created(): the same request id, levels and response', async () => {
    const recipe = allUndefined<PinoHttpRecipeOptions>()(['requestIdHeader', 'customLogLevel']);
    const behaviour = (options: PinoHttpRecipeOptions) => {
      const { genReqId, customLogLevel } = pinoHttpOptions(options);
      const req = new IncomingMessage(new Socket());
      req.headers['x-request-id'] = 'order-7';
      const res = new ServerResponse(req);
      res.statusCode = 503;
      return {
        id: genReqId(req, res),
        echoed: res.getHeader('X-Request-Id'),
        level: customLogLevel(req, res),
      };
    };
    expect(behaviour({ ...recipe })).toEqual(behaviour({}));

    const globalId = allUndefined<CreatedOptions>()(['globalId']);
    const creating = (options: CreatedOptions) =>
      createApp((app) =>
        app.post('/', (_req, res) => created(res, '/orders/7', { id: 7 }, options)),
      );
    expect(await answerOf(creating({ ...globalId }), 'post', '/')).toEqual(
      await answerOf(creating({}), 'post', '/'),
    );
  });
});

describeWithRedis('an undefined option of the Redis stores is an option not given', () => {
  it('RedisStore and RedisLockStore: the default prefix and Redis’s clock', async () => {
    const { client, close } = await connectClient('ioredis');
    // A key of its own under the default prefixes, taken back at the end.
    const key = `undefined-options:${randomUUID()}`;
    try {
      const none = allUndefined<RedisStoreOptions>()(['prefix', 'now']);
      const limited = new RedisStore({ client, ...none });
      const plain = new RedisStore({ client });
      expect(limited.keySpace).toBe(plain.keySpace);
      limited.init(POLICY);
      plain.init(POLICY);
      await limited.consume(key, 1);
      expect(await plain.get(key)).toMatchObject({ remaining: 1 });
      await plain.reset(key);

      const lockNone = allUndefined<RedisLockStoreOptions>()(['prefix', 'now']);
      const locks = new RedisLockStore({ client, ...lockNone });
      const plainLocks = new RedisLockStore({ client });
      expect(await locks.acquire(key, 'token', 'fp', 5000)).toEqual({ state: 'acquired' });
      expect(await plainLocks.acquire(key, 'other', 'fp', 5000)).toMatchObject({
        state: 'running',
      });
      expect(await plainLocks.release(key, 'token')).toBe(true);
    } finally {
      await close();
    }
  });
});
