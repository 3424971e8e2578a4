import type { CatalogEntry } from '../catalog/catalog-entry.js';
import type { ApiError } from '../errors/api-error.js';
import { getDefaultLogger } from '../logging/logger.js';
import type { Configuration } from './options.js';
import { summarizeError } from '../logging/summarize-error.js';

/** An RFC 9457 problem details object, with this library's extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** The catalog name, e.g. `TOKEN_EXPIRED`. */
  code: string;
  subCode?: string;
  requestId?: string;
  [extension: string]: unknown;
}

// Extension members may not replace these (RFC 9457 §3.2 extensions sit beside them), nor
// be `toJSON`, which would make JSON.stringify write another body, or `__proto__`, which
// would set the problem's prototype instead of a member.
const RESERVED = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'subCode',
  'requestId',
  'toJSON',
  '__proto__',
]);

/**
 * Put in the place of an extension member that could not be read (a getter
 * that throws, on extensions changed after construction): JSON cannot write
 * it, so `serializeProblem` leaves it out and names it, as it does a BigInt.
 */
const UNREADABLE = Object.freeze({
  toJSON(): never {
    throw new TypeError('The extension member could not be read');
  },
});

/**
 * The catalog entry of an error's sub-code, else of its status, else one
 * made from the status phrase. A sub-code the catalog does not document is
 * still sent, under its status's name, and warned about once: it is most
 * likely a catalog that was not passed to `errorHandler({ catalog })`.
 */
export function findEntry(error: Answer, config: Configuration): CatalogEntry {
  const entry = config.catalog.entryFor(error.status, error.subCode);
  if (error.subCode !== undefined && entry.subCode !== error.subCode) {
    warnUnknownSubCode(error.subCode, config);
  }
  return entry;
}

/** At most this many distinct unknown sub-codes are warned about, so that the set stays small. */
const MAX_UNKNOWN_SUB_CODES = 100;

function warnUnknownSubCode(subCode: string, config: Configuration): void {
  const warned = config.unknownSubCodes;
  if (warned.has(subCode) || warned.size >= MAX_UNKNOWN_SUB_CODES) return;
  warned.add(subCode);
  try {
    const logger = config.logger === false ? undefined : (config.logger ?? getDefaultLogger());
    logger?.warn(
      { code: 'UNKNOWN_SUB_CODE', subCode },
      `Sub-code ${subCode} is not in errorHandler's catalog: it is sent under its status's name. Pass the catalog that documents it as errorHandler({ catalog }).`,
    );
  } catch {
    // A failing logger must not change the answer.
  }
}

export interface ProblemContext {
  /** The request's path; none for a target that names no resource (`OPTIONS *`). */
  readonly instance: string | undefined;
  readonly requestId: string | undefined;
  /** What was thrown, before it became `error`: shown only in debug mode. */
  readonly thrown: unknown;
}

/**
 * What the handler answers from, read off the error once, before any code
 * of the app's runs (an error-channel subscriber, an extension member's
 * getter), so that such code cannot change an answer half made.
 */
export type Answer = Pick<
  ApiError,
  'status' | 'subCode' | 'detail' | 'expose' | 'extensions' | 'headers'
>;

/** The error's answer: its fields, each read once (see `Answer`). */
export function answerOf(error: ApiError): Answer {
  const { status, subCode, detail, expose, extensions, headers } = error;
  return { status, subCode, detail, expose, extensions, headers };
}

/** The one place that decides the body of an error response. */
export function buildProblem(
  error: Answer,
  entry: CatalogEntry,
  config: Configuration,
  context: ProblemContext,
): ProblemDetails {
  const type = config.problemType?.(entry) ?? 'about:blank';
  const problem: ProblemDetails = {
    type,
    // RFC 9457 §4.2.1: with about:blank, the title is the status phrase.
    title: type === 'about:blank' ? config.catalog.entryFor(error.status).title : entry.title,
    status: error.status,
    // `=== true`: a truthy `expose` set after construction ('false', 1) must not send a 5xx's detail.
    detail: (error.expose === true ? error.detail : undefined) ?? entry.description,
    instance: context.instance,
    code: entry.name,
  };
  if (error.subCode !== undefined) problem.subCode = error.subCode;
  if (context.requestId !== undefined) problem.requestId = context.requestId;
  if (error.extensions) addExtensions(problem, error.extensions);
  if (config.debug && error.status >= 500) addDebugMembers(problem, context.thrown);
  return problem;
}

/** The extension members, each read alone: one that cannot be read does not cost the answer. */
function addExtensions(problem: ProblemDetails, extensions: Readonly<Record<string, unknown>>) {
  let names: string[];
  try {
    names = Object.keys(extensions);
  } catch {
    return; // a Proxy that will not list its members has none to send
  }
  for (const name of names) {
    if (RESERVED.has(name)) continue;
    try {
      problem[name] = extensions[name];
    } catch {
      problem[name] = UNREADABLE;
    }
  }
}

function addDebugMembers(problem: ProblemDetails, thrown: unknown): void {
  const summary = summarizeError(thrown);
  problem.detail = summary.message;
  problem.stack = summary.stack?.split('\n');
}
