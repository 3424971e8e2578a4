/**
 * The public types as a consumer's compiler options meet them.
 *
 * Every interface and class that the root's exports reach (a parameter, a
 * return type, a property, a type argument) is exported from the root too.
 * A consumer compiled with `declaration: true` that exports a value built by
 * the library (`export const headers = toOpenApi(catalog).components.headers`)
 * gets its type written out by name: a type alias is written out inline, but
 * an interface or a class must be importable from 'express-api-errors', or
 * tsc fails with TS2742 ("cannot be named without a reference to
 * .../dist/esm/docs/openapi-headers.js"), which `exports` then forbids.
 * Once, in the express5 project: it reads the sources, not Express.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { repositoryCompilerOptions, typeErrorsOf } from './helpers/type-errors.js';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');

/** The repository's compiler options, with `overrides`. */
/**
 * The TypeScript errors in `code`, a module of its own in test/ that imports
 * the sources, under the repository's compiler options and `overrides`.
 * Only the errors of `code` count: the sources are compiled under the
 * repository's own options in `npm run typecheck`.
 */
const typeErrors = (code: string, overrides: ts.CompilerOptions): string[] =>
  typeErrorsOf('test/public-types-consumer.ts', code, { overrides, onlyCode: true });

/** `name @ file` of each interface or class that the exports of src/index.ts reach without exporting it. */
function unexportedReachedTypes(): string[] {
  const program = ts.createProgram([join(SRC, 'index.ts')], repositoryCompilerOptions());
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(SRC, 'index.ts'));
  const module = index && checker.getSymbolAtLocation(index);
  if (module === undefined) throw new Error('src/index.ts is not a module');
  const resolve = (symbol: ts.Symbol) =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const exports = checker.getExportsOfModule(module).map(resolve);
  const exported = new Set(exports);
  const found = new Set<string>();
  const seen = new Set<ts.Type>();

  const note = (symbol: ts.Symbol | undefined) => {
    const declaration = symbol?.declarations?.[0];
    if (symbol === undefined || declaration === undefined || exported.has(symbol)) return;
    const file = declaration.getSourceFile().fileName;
    if (!file.startsWith(SRC)) return;
    if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) {
      found.add(`${symbol.name} @ ${relative(ROOT, file)}`);
    }
  };
  const isPublic = (member: ts.Symbol) =>
    !member.name.startsWith('#') &&
    !(member.declarations ?? []).some(
      (declaration) =>
        ts.getCombinedModifierFlags(declaration) &
        (ts.ModifierFlags.Private | ts.ModifierFlags.Protected),
    );
  const visit = (type: ts.Type | undefined, depth: number): void => {
    if (type === undefined || depth > 8 || seen.has(type)) return;
    seen.add(type);
    for (const argument of type.aliasTypeArguments ?? []) visit(argument, depth + 1);
    note(type.getSymbol());
    if (type.isUnionOrIntersection()) for (const part of type.types) visit(part, depth + 1);
    if (type.isTypeParameter()) visit(checker.getBaseConstraintOfType(type), depth + 1);
    if (!(type.flags & ts.TypeFlags.Object)) return;
    if (checker.isArrayType(type) || checker.isTupleType(type) || type.getSymbol()?.name !== '') {
      for (const argument of checker.getTypeArguments(type as ts.TypeReference))
        visit(argument, depth + 1);
    }
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const parameter of signature.getTypeParameters() ?? []) visit(parameter, depth + 1);
      for (const parameter of signature.getParameters()) {
        visit(checker.getTypeOfSymbol(parameter), depth + 1);
      }
      visit(signature.getReturnType(), depth + 1);
    }
    for (const member of type.getProperties().filter(isPublic)) {
      visit(checker.getTypeOfSymbol(member), depth + 1);
    }
    // Inherited members are among the properties; a base interface itself is never named.
    for (const info of checker.getIndexInfosOfType(type)) visit(info.type, depth + 1);
  };

  for (const symbol of exports) {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) continue;
    if (symbol.flags & ts.SymbolFlags.Value) {
      visit(checker.getTypeOfSymbolAtLocation(symbol, declaration), 0);
    }
    if (symbol.flags & ts.SymbolFlags.Type) visit(checker.getDeclaredTypeOfSymbol(symbol), 0);
  }
  return [...found].sort();
}

describe('the types of the public API', () => {
  it('are exported from the root wherever a public signature reaches an interface or a class', () => {
    expect(unexportedReachedTypes()).toEqual([]);
  }, 60_000);
});

describe('the error constructors under exactOptionalPropertyTypes', () => {
  it('take an undefined detail or options, as they do at run time', () => {
    const code = [
      "import { createError, NotFoundError, type SubCodeOf } from '../src/index.js';",
      'declare const detail: string | undefined;',
      'declare const subCode: SubCodeOf<404> | undefined;',
      'export const made = [',
      '  new NotFoundError(detail),',
      '  new NotFoundError(detail, undefined),',
      "  new NotFoundError(detail, { subCode: '404.1' }),",
      '  createError(404, detail),',
      '  createError(new Error(), detail, undefined),',
      '];',
    ].join('\n');
    expect(typeErrors(code, { exactOptionalPropertyTypes: true })).toEqual([]);
  }, 60_000);
});

/**
 * A consumer under `exactOptionalPropertyTypes` forwards its own optional
 * configuration (`errorHandler({ logger: config.logger })`): each factory
 * takes an undefined option as absent at run time (test/options/undefined-options.test.ts),
 * so each optional property of its options says `| undefined`, as @types/node's do.
 */
describe('the options under exactOptionalPropertyTypes', () => {
  it('take undefined for every optional option of every factory and constructor', () => {
    const code = `
      import express, { type Response } from 'express';
      import {
        ApiError, ConflictError, ForbiddenError, MemoryLockStore, MemoryStore, NotFoundError,
        PayloadTooLargeError, ProxyAuthenticationRequiredError, RangeNotSatisfiableError,
        RedisLockStore, RedisStore, ServiceUnavailableError, TooManyRequestsError,
        UnauthorizedError, UnavailableForLegalReasonsError, UnprocessableEntityError,
        UnsupportedMediaTypeError, assertProblemMatchesCatalog, bearerChallenge, createError,
        created, defaultCatalog, defineCatalog, defineErrorClass, deprecated, errorHandler,
        loadShedding, maintenance, markRefusal, methodNotAllowed, operationLock, pinoHttpOptions,
        rateLimit, renderResponseCodes, responseCodesPage, toOpenApi,
        type Logger, type ProblemResponse, type RedisClient, type SubCodeOf,
      } from '../src/index.js';

      declare const client: RedisClient;
      declare const res: Response;
      declare const response: ProblemResponse;
      declare const config: { logger?: Logger | undefined; subCode?: SubCodeOf<404> | undefined };
      const app = express();

      export const errors = [
        new ApiError(404, undefined, {
          subCode: undefined, headers: undefined, cause: undefined, expose: undefined, extensions: undefined,
        }),
        new NotFoundError('x', { subCode: config.subCode }),
        new NotFoundError({
          subCode: undefined, headers: undefined, cause: undefined, expose: undefined, extensions: undefined,
        }),
        new UnauthorizedError({ challenge: undefined }),
        new ForbiddenError({ retryAfter: undefined, challenge: undefined }),
        new ProxyAuthenticationRequiredError({ challenge: undefined }),
        new ConflictError({ location: undefined, retryAfter: undefined }),
        new PayloadTooLargeError({ retryAfter: undefined }),
        new UnsupportedMediaTypeError({ accept: undefined }),
        new RangeNotSatisfiableError({ completeLength: undefined }),
        new UnprocessableEntityError({ errors: [{ detail: 'x', pointer: undefined, field: undefined }] }),
        new TooManyRequestsError({ retryAfter: undefined }),
        new UnavailableForLegalReasonsError({ blockedBy: undefined }),
        new ServiceUnavailableError({ retryAfter: undefined }),
        createError(404, { subCode: undefined, expose: undefined }),
        createError(new Error(), 'x', { cause: undefined, headers: undefined }),
        markRefusal(new Error(), { key: undefined }),
      ];
      export const TeapotError = defineErrorClass(418, 'TeapotError', { options: undefined, imply: undefined });
      export const TaggedError = defineErrorClass<418, { tag?: string | undefined }>(418, 'TaggedError', {
        options: { tag: 'optional' },
        imply: () => ({ headers: undefined, extensions: undefined }),
      });
      export const catalog = defineCatalog([
        { status: 404, name: 'NOT_FOUND', title: 'Not Found', description: 'x', subCode: undefined, headers: undefined },
      ]);
      export const challenge = bearerChallenge({
        realm: undefined, scope: undefined, error: undefined, errorDescription: undefined, errorUri: undefined,
      });
      export const middleware: unknown[] = [
        errorHandler({ logger: config.logger }),
        errorHandler({
          catalog: undefined, mappings: undefined, logger: undefined, logLevels: undefined,
          refusals: { level: undefined, intervalMs: undefined }, subCodeHeader: undefined,
          requestIdHeader: undefined, defaultChallenge: { scheme: 'Bearer', params: undefined },
          problemType: undefined, typeBaseUri: undefined, debug: undefined,
        }),
        errorHandler({ refusals: undefined, defaultChallenge: undefined }),
        rateLimit({ limit: 5, windowMs: 1000, name: undefined }),
        rateLimit({
          limit: 5, windowMs: 1000, windows: undefined, algorithm: undefined, name: undefined,
          key: undefined, ipv6Subnet: undefined, cost: undefined, skip: undefined, detail: undefined,
          requestPropertyName: undefined, countOnly: undefined, block: undefined, store: undefined,
          failOpen: undefined, storeTimeoutMs: undefined, denyCache: { maxKeys: undefined },
          legacyHeaders: undefined, standardHeaders: undefined, logger: undefined,
        }),
        rateLimit({
          windows: [{ limit: 5, windowMs: 1000, name: undefined }], limit: undefined, windowMs: undefined,
          denyCache: undefined, store: new MemoryStore({ maxKeys: undefined, now: undefined }),
        }),
        rateLimit({ limit: 5, windowMs: 1000, store: new RedisStore({ client, prefix: undefined, now: undefined }) }),
        operationLock({
          header: undefined, key: undefined, client: undefined, fingerprint: undefined, required: undefined,
          docsUrl: undefined, replay: undefined, record: undefined, replayHeaders: undefined,
          maxBodyBytes: undefined, lockTtlMs: undefined, replayTtlMs: undefined, retryAfter: undefined,
          waitMs: undefined, store: undefined, failOpen: undefined, storeTimeoutMs: undefined, logger: undefined,
        }),
        operationLock({ store: new MemoryLockStore({ maxEntries: undefined, maxBytes: undefined, now: undefined }) }),
        operationLock({ store: new RedisLockStore({ client, prefix: undefined, now: undefined }) }),
        methodNotAllowed(app, { cacheSize: undefined }),
        maintenance({ enabled: true, retryAfter: undefined, allow: undefined, detail: undefined }),
        loadShedding({
          maxEventLoopDelayMs: 200, maxHeapUsedBytes: undefined, retryAfter: undefined, sampleIntervalMs: undefined,
        }),
        deprecated({ since: '2025-01-01', sunset: undefined, link: undefined, now: undefined }),
        deprecated({ since: undefined, sunset: '2026-01-01', link: { deprecation: undefined, sunset: 'https://example.com' } }),
        responseCodesPage(defaultCatalog, { typeBaseUri: undefined, title: undefined }),
      ];
      export const docs = [
        renderResponseCodes(defaultCatalog, { format: 'html', typeBaseUri: undefined, title: undefined }),
        toOpenApi(defaultCatalog, { typeBaseUri: undefined, title: undefined, version: undefined }),
        assertProblemMatchesCatalog(response, defaultCatalog, { typeBaseUri: undefined }),
        pinoHttpOptions({ requestIdHeader: undefined, customLogLevel: undefined }),
        created(res, '/orders/1', undefined, { globalId: undefined }),
      ];
    `;
    expect(typeErrors(code, { exactOptionalPropertyTypes: true })).toEqual([]);
  }, 60_000);

  it('say | undefined on each optional property of every options type the root exports', () => {
    // Every `…Options` the root exports, so that a new one is checked too, and the shapes
    // options hold or a constructor takes that are not named so.
    const exported = [
      ...new Set(readFileSync(join(SRC, 'index.ts'), 'utf8').match(/\b[A-Z]\w*Options\b/g)),
    ];
    const shapes = [
      ...exported,
      'ValidationIssue',
      'Challenge',
      'ImpliedParts',
      'ErrorClassParts<object>',
      'DeprecatedLinks',
      'CatalogEntry',
      'Refusal',
      "NonNullable<ErrorHandlerOptions['refusals']>",
      "Extract<RateLimitSharedOptions['denyCache'], object>",
      "Extract<DeprecatedOptions['link'], object>",
    ];
    const names = [
      ...new Set(shapes.flatMap((shape) => shape.match(/\b[A-Z]\w+\b/g) ?? [])),
    ].filter((name) => !['NonNullable', 'Extract'].includes(name));
    const code = [
      `import type { CreateErrorArgs, ErrorClassStatus, ${names.join(', ')} } from '../src/index.js';`,
      // The optional properties of T, of each member of a union.
      'type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];',
      'type Optional<T> = T extends unknown ? Pick<T, OptionalKeys<T>> : never;',
      'type AllUndefined<T> = T extends unknown ? { [K in OptionalKeys<T>]: undefined } : never;',
      'declare function allUndefined<T>(): AllUndefined<T>;',
      ...shapes.map(
        (shape, index) =>
          `export const shape${index}: Optional<${shape}> = allUndefined<${shape}>();`,
      ),
      // Each error class's options, its own (a 403's `retryAfter`) and ApiError's.
      'type ClassOptions<S extends ErrorClassStatus> = Extract<CreateErrorArgs<S>, { length: 1 }>[0];',
      'export const classes: { [S in ErrorClassStatus]: Optional<ClassOptions<S>> } =',
      '  {} as { [S in ErrorClassStatus]: AllUndefined<ClassOptions<S>> };',
    ].join('\n');
    expect(exported.length).toBeGreaterThan(20);
    expect(typeErrors(code, { exactOptionalPropertyTypes: true })).toEqual([]);
  }, 60_000);
});
