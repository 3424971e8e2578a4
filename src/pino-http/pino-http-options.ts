import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultLevelFor, type LogLevel } from '../logging/logger.js';
import { redactPaths } from '../logging/redact-paths.js';
import { answeredByErrorHandler, lineLeftToLogger } from '../handler/response-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { parseFieldName } from '../headers/field-name.js';
import { checkOptionsObject, parseFunction } from '../options/parse.js';
import { DEFINED_FIELDS } from '../handler/options.js';
import { requestIdGenerator, type GenReqId } from './gen-req-id.js';
import { serializers } from './serializers.js';

const FACTORY = 'pinoHttpOptions()';
const OPTION_NAMES = optionNames<PinoHttpRecipeOptions>()(['requestIdHeader', 'customLogLevel']);
const DEFAULT_REQUEST_ID_HEADER = 'X-Request-Id';

/** pino-http's `customLogLevel`. */
export type CustomLogLevel = (req: IncomingMessage, res: ServerResponse, error?: Error) => LogLevel;

export interface PinoHttpRecipeOptions {
  /**
   * The request id header, the same as `errorHandler`'s `requestIdHeader`.
   * Defaults to `X-Request-Id`.
   */
  requestIdHeader?: string | undefined;
  /**
   * The level of pino-http's line for a request `errorHandler` did not
   * answer and log (for one it did, the handler's line is the only one).
   * Defaults to the handler's levels: `error` for a 5xx, `warn` for a 4xx,
   * `info` otherwise (`error` if the request failed under a success status). Use this rather than pino-http's
   * `useLevel`, which pino-http refuses beside `customLogLevel`.
   */
  customLogLevel?: CustomLogLevel | undefined;
}

/** Options to spread into `pinoHttp({ ... })`. */
export interface PinoHttpRecipe {
  /** Keeps the client's well-formed request id, else makes a UUID; sets it on the response. */
  genReqId: GenReqId;
  /** `req` redacts the URL's userinfo and secret-looking query values. */
  serializers: typeof serializers;
  /** `redactPaths`: the credential headers of the request and the response. */
  redact: string[];
  /** `silent` for a request `errorHandler` answered and logged: its own line is the one. */
  customLogLevel: CustomLogLevel;
  /**
   * Adds what the handler's own line says of a refusal it left to
   * pino-http (`logger: false`): `refusal: true`, and `refusalsNotLogged`.
   */
  customErrorObject: CustomErrorObject;
}

/** pino-http's `customErrorObject`: the object its error line logs, from the one it made. */
export type CustomErrorObject = (
  req: IncomingMessage,
  res: ServerResponse,
  error: Error,
  value: Record<string, unknown>,
) => Record<string, unknown>;

/** The refusal members of the handler's line, on pino-http's. */
const withRefusal: CustomErrorObject = (_req, res, _error, value) => {
  const line = lineLeftToLogger(res);
  if (line?.refusal !== true) return value;
  const { refusalsNotLogged } = line;
  return refusalsNotLogged > 0
    ? { ...value, refusal: true, refusalsNotLogged }
    : { ...value, refusal: true };
};

/**
 * The level `errorHandler` would log a response at: the one it chose for an
 * error it answered (a refusal at its refusal level), and for a response it
 * did not answer, by status: a 5xx sent by a route itself is a fault as much
 * as one thrown (pino-http's own default is `info` for every line).
 */
const levelByStatus: CustomLogLevel = (_req, res, error) => {
  const chosen = lineLeftToLogger(res)?.level;
  if (chosen !== undefined) return chosen;
  if (res.statusCode >= 400) return defaultLevelFor(res.statusCode);
  // A response that failed under a success status: cut short, or a stream that broke
  // (pino-http passes the error it saw itself; the handler's is `res.err`).
  const failed =
    error !== undefined || (res as ServerResponse & { err?: unknown }).err !== undefined;
  return failed ? 'error' : 'info';
};

/**
 * pino-http's options for working with `errorHandler`: one line per failed
 * request (the handler's, on `req.log`, with the real error; pino-http's
 * completion line is silenced for it, whatever `autoLogging` is), the
 * client's request id kept in the response, the body and every line, and no
 * credential, userinfo or secret query value in any line. Spread it first,
 * then your own options; pass your own `redact` paths as
 * `[...recipe.redact, ...yours]` (pino-http hands its options to a child
 * logger, whose `redact` replaces the parent's).
 *
 * @example app.use(pinoHttp({ ...pinoHttpOptions(), logger }))
 */
export function pinoHttpOptions(options: PinoHttpRecipeOptions = {}): PinoHttpRecipe {
  checkOptionsObject(FACTORY, options, "{ requestIdHeader: 'X-Request-Id' }");
  checkOptionNames(FACTORY, options, OPTION_NAMES);
  // The same field as errorHandler's, so refused as its option would be.
  const header = parseFieldName(FACTORY, 'requestIdHeader', options.requestIdHeader, {
    fallback: DEFAULT_REQUEST_ID_HEADER,
    reserved: DEFINED_FIELDS,
  });
  const level = parseFunction(FACTORY, 'customLogLevel', options.customLogLevel) ?? levelByStatus;
  return {
    genReqId: requestIdGenerator(header),
    serializers,
    redact: [...redactPaths],
    // Silent for a line the handler wrote, or a refusal its refusal log only counts.
    customLogLevel: (req, res, error) =>
      answeredByErrorHandler(res) || lineLeftToLogger(res)?.level === 'silent'
        ? 'silent'
        : level(req, res, error),
    customErrorObject: withRefusal,
  };
}
