import { LOG_LEVELS, type Logger, type LogLevel } from '../logging/logger.js';
import {
  defaultCatalog,
  isCatalog,
  type Catalog,
  type ErrorStatusOf,
  type ErrorSubCodeOf,
  type RegisteredEntry,
} from '../catalog/catalog.js';
import { problemTypeUri } from '../catalog/anchor.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import type { ApiError } from '../errors/api-error.js';
import { bearerChallenge, formatChallenges, type Challenge } from '../headers/www-authenticate.js';
import { parseFieldName } from '../headers/field-name.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import {
  checkNestedObject,
  checkOptionsObject,
  parseBaseUri,
  parseBoolean,
  parseFunction,
  parseLogger,
  parseWholeNumber,
  parseWith,
} from '../options/parse.js';
import { MAX_TIMER_MS } from '../time/timers.js';
import { RefusalLog } from './refusal-log.js';

/** A class of domain errors, matched with `instanceof`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass<E = Error> = abstract new (...args: any[]) => E;

/** What a mapping may answer with: an error status or error sub-code of the registered catalog. */
export type MappingTarget = ErrorStatusOf<RegisteredEntry> | ErrorSubCodeOf<RegisteredEntry>;

/**
 * Maps a domain error to an HTTP answer. The first mapping whose `match` fits wins.
 * `Matched` is what `match` lets through: the class's instances, or what a
 * type guard asserts; the `to` callback receives it.
 *
 * @example { match: OrderMissing, to: 404 }
 * @example { match: isPrismaError, to: (e) => new ConflictError(`${e.meta.target} exists`) }
 */
// `any` by default only where nothing is inferred (an options object typed on its own).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ErrorMapping<Matched = any> {
  /** An Error subclass (matched with `instanceof`), a type guard or a predicate. */
  match:
    | ErrorClass<Matched & object>
    | ((error: unknown) => error is Matched)
    | ((error: unknown) => boolean);
  /**
   * A status or sub-code of the catalog (the error's message becomes the
   * detail below 500), or a function that returns the `ApiError` to answer with.
   */
  to: MappingTarget | ((error: Matched) => ApiError);
}

/** The mappings in order, each typed by its own `match`. */
export type ErrorMappings<Matched extends readonly unknown[]> = {
  readonly [Index in keyof Matched]: ErrorMapping<Matched[Index]>;
};

/**
 * The options of `errorHandler()`. `Matched` lists what each mapping's
 * `match` lets through, inferred where the options are written inline.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ErrorHandlerOptions<Matched extends readonly unknown[] = any[]> {
  /** The codes to answer with. Defaults to `defaultCatalog`. */
  catalog?: Catalog | undefined;
  /** Domain errors to map, tried in order before anything else. Defaults to none. */
  mappings?: ErrorMappings<Matched> | undefined;
  /**
   * Where to log. Defaults to `req.log` when pino-http is mounted, else a pino
   * logger writing to stdout. `false` logs nothing.
   */
  logger?: Logger | false | undefined;
  /** Log level per status, e.g. `{ 404: 'info' }`. Defaults to `error` for 5xx and `warn` for 4xx. */
  logLevels?: Readonly<Record<number, LogLevel>> | undefined;
  /**
   * How deliberate refusals are logged: 429s, 403.30 blocks, maintenance and
   * load-shedding 503s. They are the library working, not faults: by
   * default at `info`, without a stack, and at most one line per client
   * and code every `intervalMs` (60,000), each with `refusalsNotLogged`,
   * the count of the refusals left out since the previous one; `0` logs
   * every refusal. A `logLevels` entry for the status wins over `level`.
   */
  refusals?: { level?: LogLevel | undefined; intervalMs?: number | undefined } | undefined;
  /** The header that carries the sub-code. Defaults to `X-Status-Sub-Code`; `false` sends none. */
  subCodeHeader?: string | false | undefined;
  /** The header that carries the request id, read from the request and echoed. Defaults to `X-Request-Id`; `false` neither reads nor sends it. */
  requestIdHeader?: string | false | undefined;
  /**
   * The challenge of a 401 (in `WWW-Authenticate`) or a 407 (in
   * `Proxy-Authenticate`) that has none of its own. Defaults to `Bearer realm="api"`.
   */
  defaultChallenge?: Challenge | readonly Challenge[] | undefined;
  /**
   * The `type` URI of a problem (RFC 9457 §3.1.1). Defaults to `about:blank`,
   * with the status phrase as title; with your own URIs the title is the
   * sub-code's title.
   */
  problemType?: ((entry: CatalogEntry) => string) | undefined;
  /**
   * The URI of your response-codes page (see `responseCodesPage()`), to make
   * each problem's `type` that code's anchor on it, e.g.
   * `https://api.example.com/docs/errors#401.24`, and its `title` the
   * entry's title. Defaults to none (`about:blank`). Give this or
   * `problemType`, not both.
   */
  typeBaseUri?: string | undefined;
  /**
   * Send the real message and stack of 5xx errors. Defaults to `false`.
   * For local development only: it exposes internals.
   */
  debug?: boolean | undefined;
}

/** The resolved, validated form of the options, built once. */
export interface Configuration {
  readonly catalog: Catalog;
  readonly mappings: readonly ErrorMapping[];
  readonly logger: Logger | false | undefined;
  readonly logLevels: ReadonlyMap<number, LogLevel>;
  readonly refusalLevel: LogLevel;
  /** Which refusals this handler logs; its state is bounded (see refusal-log.ts). */
  readonly refusalLog: RefusalLog;
  readonly subCodeHeader: string | false;
  readonly requestIdHeader: string | false;
  /** The lower-case form of `requestIdHeader`, as Node keys `req.headers`. */
  readonly requestIdHeaderKey: string | false;
  /** Lower-case names of the headers the handler sets itself; an error's own are dropped. */
  readonly ownedHeaders: ReadonlySet<string>;
  readonly defaultChallenge: string;
  readonly realm: string | undefined;
  readonly problemType: ((entry: CatalogEntry) => string) | undefined;
  readonly debug: boolean;
  /** Sub-codes thrown that the catalog does not document, each warned about once. */
  readonly unknownSubCodes: Set<string>;
}

const FACTORY = 'errorHandler()';
const OPTION_NAMES = optionNames<ErrorHandlerOptions>()([
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
/** Where the options of the handlers users write by hand, or of other libraries, went. */
const MIGRATIONS: Readonly<Record<string, string>> = {
  log: 'pass a pino logger as `logger`, or `false`',
  stack: 'stacks are logged, never sent; `debug: true` sends them, for local development only',
  includeStack:
    'stacks are logged, never sent; `debug: true` sends them, for local development only',
  expose: 'set `expose` on the error itself (see createError()); below 500 messages are sent',
  handler: 'errorHandler() answers every error itself; map your errors with `mappings`',
  statusCode: 'give each error its status, or map it with `mappings`',
};
const LEVELS: ReadonlySet<LogLevel> = new Set(LOG_LEVELS);
const LEVEL_LIST = [...LEVELS].join(', ');
const DEFAULT_CHALLENGE = bearerChallenge({ realm: 'api' });

/** Checks the options once, at start-up, and fails with a message that says what to change. */
export function parseOptions(options: ErrorHandlerOptions = {}): Configuration {
  checkOptionsObject(FACTORY, options, '{ logger: pino() }');
  checkOptionNames(FACTORY, options, OPTION_NAMES, { migrations: MIGRATIONS });
  const catalog = options.catalog ?? defaultCatalog;
  if (!isCatalog(catalog)) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_TYPE',
      `\`catalog\` must be built with defineCatalog(), got ${describeValue(catalog)}`,
    );
  }
  const challenge = options.defaultChallenge ?? DEFAULT_CHALLENGE;
  const subCodeHeader = parseHeaderName(
    options.subCodeHeader,
    'X-Status-Sub-Code',
    'subCodeHeader',
  );
  const requestIdHeader = parseHeaderName(
    options.requestIdHeader,
    'X-Request-Id',
    'requestIdHeader',
  );
  if (
    subCodeHeader !== false &&
    requestIdHeader !== false &&
    subCodeHeader.toLowerCase() === requestIdHeader.toLowerCase()
  ) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_CONFLICT',
      `\`subCodeHeader\` and \`requestIdHeader\` both name ${requestIdHeader}; give each its own field`,
    );
  }
  const firstChallenge: Challenge | undefined = Array.isArray(challenge)
    ? challenge[0]
    : (challenge as Challenge);
  const logLevels = parseLogLevels(options.logLevels);
  const refusals = parseRefusals(options.refusals);
  // Its lines go out at `error`, `warn` and `info` by default, and at each level configured.
  const levels = new Set<LogLevel>([
    'error',
    'warn',
    'info',
    refusals.refusalLevel,
    ...logLevels.values(),
  ]);
  levels.delete('silent');
  return {
    catalog,
    mappings: parseMappings(options.mappings, catalog),
    logger: parseLogger(FACTORY, options.logger, [...levels] as Exclude<LogLevel, 'silent'>[]),
    logLevels,
    ...refusals,
    subCodeHeader,
    requestIdHeader,
    requestIdHeaderKey: requestIdHeader === false ? false : requestIdHeader.toLowerCase(),
    ownedHeaders: new Set(
      [subCodeHeader, requestIdHeader].flatMap((name) =>
        name === false ? [] : [name.toLowerCase()],
      ),
    ),
    defaultChallenge: parseWith(FACTORY, () => formatChallenges(challenge)),
    realm: firstChallenge?.params?.realm,
    problemType: parseProblemType(options),
    debug: parseBoolean(FACTORY, 'debug', options.debug, false),
    unknownSubCodes: new Set(),
  };
}

/** `problemType`, or the anchors of the page at `typeBaseUri`; one or the other. */
function parseProblemType(
  options: ErrorHandlerOptions,
): ((entry: CatalogEntry) => string) | undefined {
  const problemType = parseFunction(FACTORY, 'problemType', options.problemType);
  const typeBaseUri = parseBaseUri(FACTORY, 'typeBaseUri', options.typeBaseUri);
  if (typeBaseUri === undefined) return problemType;
  if (problemType !== undefined) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_CONFLICT',
      '`typeBaseUri` and `problemType` both set the problem `type`: give one of them',
    );
  }
  return (entry) => problemTypeUri(typeBaseUri, entry);
}

const MAPPING_NAMES = optionNames<ErrorMapping>()(['match', 'to']);

function parseMappings(
  mappings: ErrorHandlerOptions['mappings'],
  catalog: Catalog,
): readonly ErrorMapping[] {
  if (mappings === undefined) return [];
  if (!Array.isArray(mappings)) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_TYPE',
      `\`mappings\` must be an array such as [{ match: OrderMissing, to: 404 }], got ${describeValue(mappings)}`,
    );
  }
  return mappings.map((mapping: ErrorMapping, index) => {
    const where = `mappings[${index}]`;
    checkNestedObject(FACTORY, where, mapping, 'an object { match, to }');
    checkOptionNames(FACTORY, mapping, MAPPING_NAMES, { path: `${where}.` });
    if (typeof mapping.match !== 'function') {
      throw optionError(
        FACTORY,
        mapping.match === undefined ? 'ERR_EAE_OPTION_MISSING' : 'ERR_EAE_OPTION_TYPE',
        `\`${where}.match\` must be an Error subclass or a predicate function, got ${describeValue(mapping.match)}`,
      );
    }
    const { to } = mapping;
    if (typeof to === 'number' || typeof to === 'string') {
      const status = typeof to === 'number' ? to : Number(to.split('.')[0]);
      if (!(status >= 400 && status <= 599) || !catalog.has(to)) {
        throw optionError(
          FACTORY,
          'ERR_EAE_OPTION_RANGE',
          `\`${where}.to\` must be an error status or sub-code of the catalog, got ${describeValue(to)}`,
        );
      }
    } else if (typeof to !== 'function') {
      throw optionError(
        FACTORY,
        to === undefined ? 'ERR_EAE_OPTION_MISSING' : 'ERR_EAE_OPTION_TYPE',
        `\`${where}.to\` must be a status, a sub-code or a function returning an ApiError, got ${describeValue(to)}`,
      );
    }
    return Object.freeze({ match: mapping.match, to });
  });
}

const DEFAULT_REFUSAL_INTERVAL_MS = 60_000;
const REFUSALS_NAMES = optionNames<NonNullable<ErrorHandlerOptions['refusals']>>()([
  'level',
  'intervalMs',
]);

function parseRefusals(
  refusals: ErrorHandlerOptions['refusals'],
): Pick<Configuration, 'refusalLevel' | 'refusalLog'> {
  if (refusals !== undefined) {
    checkNestedObject(
      FACTORY,
      'refusals',
      refusals,
      "an object such as { level: 'info', intervalMs: 60000 }",
    );
    checkOptionNames(FACTORY, refusals, REFUSALS_NAMES, { path: 'refusals.' });
  }
  const { level = 'info', intervalMs = DEFAULT_REFUSAL_INTERVAL_MS } = refusals ?? {};
  return {
    refusalLevel: parseLevel('refusals.level', level),
    refusalLog: new RefusalLog(
      parseWholeNumber(FACTORY, 'refusals.intervalMs', intervalMs, {
        min: 0,
        max: MAX_TIMER_MS,
        unit: 'milliseconds',
      }),
    ),
  };
}

function parseLevel(option: string, level: unknown): LogLevel {
  if (!LEVELS.has(level as LogLevel)) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_TYPE',
      `\`${option}\` must be one of ${LEVEL_LIST}, got ${describeValue(level)}`,
    );
  }
  return level as LogLevel;
}

function parseLogLevels(levels: ErrorHandlerOptions['logLevels']): ReadonlyMap<number, LogLevel> {
  const parsed = new Map<number, LogLevel>();
  if (levels === undefined) return parsed;
  checkNestedObject(
    FACTORY,
    'logLevels',
    levels,
    "an object mapping statuses to pino levels, such as { 404: 'info' }",
  );
  for (const [key, level] of Object.entries(levels)) {
    const status = Number(key);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw optionError(
        FACTORY,
        'ERR_EAE_OPTION_RANGE',
        `\`logLevels\` keys must be statuses from 400 to 599, got ${key}`,
      );
    }
    parsed.set(status, parseLevel(`logLevels[${key}]`, level));
  }
  return parsed;
}

/**
 * Fields whose meaning HTTP or this handler already gives them: a sub-code
 * or a request id sent under one of these names would say something else
 * to every client and cache (a UUID as `Retry-After`).
 */
/** Fields HTTP or the handler sends for its own purpose: no option may name them. */
export const DEFINED_FIELDS: ReadonlySet<string> = new Set([
  'allow',
  'cache-control',
  'connection',
  'content-length',
  'content-type',
  'date',
  'location',
  'proxy-authenticate',
  'retry-after',
  'set-cookie',
  'transfer-encoding',
  'www-authenticate',
  'x-content-type-options',
]);

function parseHeaderName(
  value: string | false | undefined,
  fallback: string,
  option: string,
): string | false {
  if (value === false) return false;
  return parseFieldName(FACTORY, option, value, { fallback, reserved: DEFINED_FIELDS });
}
