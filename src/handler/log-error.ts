import { unescape } from 'node:querystring';
import type { ServerResponse } from 'node:http';
import type { Request } from 'express';
import type { ApiError } from '../errors/api-error.js';
import { MAX_LISTED, MAX_NAME, MAX_TEXT, truncate } from '../logging/log-bounds.js';
import { withoutUserinfo } from './request-target.js';
import {
  defaultLevelFor,
  getDefaultLogger,
  type Logger,
  type LogLevel,
} from '../logging/logger.js';
import type { Configuration } from './options.js';
import { summarizeError } from '../logging/summarize-error.js';
import { isCopyOfThrown } from './to-api-error.js';
import { refusalOf } from '../errors/refusal.js';

/**
 * What went out before an error that came after the headers: the status they
 * carried (the line's `status`), and whether the handler cuts the response
 * short (`false`: it had been complete).
 */
export interface Sent {
  readonly status: number;
  readonly cutShort: boolean;
}

/** What `res` had sent when an error came after its headers (see `cutShort`). */
export function sentOf(res: ServerResponse): Sent {
  return { status: res.statusCode, cutShort: !res.writableEnded };
}

export interface LogContext {
  /** The status answered, which decides the level: the error's, or 500 if the handler fell back. */
  readonly status: number;
  /** For an error that came after the headers went out: what went out (see `sentOf`). */
  readonly sent?: Sent;
  /** The sub-code sent, if any (the handler's reading of it, see `Answer`). */
  readonly subCode?: string;
  readonly code: string;
  readonly requestId: string | undefined;
  /** What was thrown, before it became `error`. */
  readonly thrown: unknown;
  /** Extension members left out of the body because JSON cannot represent them. */
  readonly droppedMembers?: readonly string[];
  /** Why the handler fell back to its last resort. */
  readonly handlerFailure?: string;
  /**
   * The client had gone (its connection closed, as when it gave up mid-body:
   * body-parser's `request.aborted`) before the answer could be written:
   * nothing reached the wire, so the line has no `status`.
   */
  readonly clientGone?: boolean;
}

/** Whether the connection of `req` is gone, so that nothing written to `res` can reach the client. */
export function clientGone(req: Request, res: ServerResponse): boolean {
  return res.destroyed || req.socket?.destroyed === true;
}

/**
 * Query parameters whose values are secrets (RFC 6750 §2.3 allows
 * `access_token` in the query): by a part of their name, so that `api_key`,
 * `x-amz-signature`, `pwd` and `jwt` are found; a harmless name that
 * contains one (`passport`) is redacted too, the safe side.
 */
const SECRET_PARAM =
  /token|key|secret|pass|pwd|auth|session|signature|sig|code|jwt|otp|bearer|credential/i;

/**
 * Logs one line for a handled error, like pino-http: on `req.log` when it
 * exists, under `err`, at `error` for 5xx (with the stack) and `warn` for
 * 4xx unless configured, by the status that was sent. Request headers are
 * never logged: they hold credentials.
 */
export function logError(
  req: Request,
  error: ApiError,
  config: Configuration,
  context: LogContext,
): void {
  if (config.logger === false) return;
  const { status, sent } = context;
  const refusal = refusalOf(error);
  const level = levelFor(status, config, refusal !== undefined);
  if (level === 'silent') return;
  const logger = config.logger ?? (req as Request & { log?: Logger }).log ?? getDefaultLogger();
  // Build nothing for a line the logger would drop.
  if (logger.isLevelEnabled?.(level) === false) return;
  // A flood of refusals must not be a flood of lines: see refusal-log.ts.
  const refusalsNotLogged = refusal ? config.refusalLog.admit(context.code, refusal.key) : 0;
  if (refusalsNotLogged === undefined) return;
  const url = truncate(redactUrl(req.originalUrl ?? req.url ?? ''), MAX_TEXT);
  const method = truncate(String(req.method), MAX_NAME);
  const line: Record<string, unknown> = {
    // Stacks only for 5xx: a 4xx is the client's doing, and formatting stacks is costly.
    // A refusal is no bug: no stack for its 503 either.
    err: summarizeError(loggedError(error, context.thrown), status >= 500 && !refusal),
    method,
    url,
    status: sent?.status ?? status,
    code: context.code,
  };
  // What was sent is the line's `status`: none, to a client that had gone.
  if (context.clientGone) {
    delete line.status;
    line.clientGone = true;
  }
  if (sent !== undefined) line.cutShort = sent.cutShort;
  if (context.subCode !== undefined) line.subCode = context.subCode;
  if (context.requestId !== undefined) line.requestId = context.requestId;
  if (refusal) {
    line.refusal = true;
    if (refusalsNotLogged) line.refusalsNotLogged = refusalsNotLogged;
  }
  if (context.droppedMembers?.length) line.droppedMembers = listed(context.droppedMembers);
  if (context.handlerFailure !== undefined) {
    line.handlerFailure = truncate(context.handlerFailure, MAX_TEXT);
  }
  const message = context.clientGone
    ? `${method} ${url} failed with ${context.code}, but the client had gone: no ${status} was sent`
    : sent === undefined
      ? `${method} ${url} failed with ${status} ${context.code}`
      : `${method} ${url} failed with ${context.code} after its ${sent.status} was sent`;
  logger[level](line, message);
}

/** The first `MAX_LISTED` names, each cut to `MAX_NAME`, and how many more there were. */
function listed(names: readonly string[]): string[] {
  const shown = names.slice(0, MAX_LISTED).map((name) => truncate(name, MAX_NAME));
  if (names.length > MAX_LISTED) shown.push(`… ${names.length - MAX_LISTED} more`);
  return shown;
}

/** Logs the one line of a request, unless it was logged already; a logger that throws changes nothing. */
export function logOnce(
  req: Request,
  error: ApiError,
  config: Configuration,
  context: LogContext,
  progress: { logged: boolean },
): void {
  if (progress.logged) return;
  progress.logged = true;
  try {
    logError(req, error, config, context);
  } catch {
    // A failing logger must not change the answer.
  }
}

/**
 * What the line describes: the error that was thrown (its stack points at the
 * bug), or what the ApiError made for it kept of it (`cause`: a body error's
 * safe copy). A thrown primitive is described as the cause of its 500.
 */
export function loggedError(error: ApiError, thrown: unknown): unknown {
  if (typeof thrown !== 'object' || thrown === null) return error;
  // `error` may be a copy of a thrown ApiError (see `toApiError`): the thrown one is logged.
  if (error === thrown || isCopyOfThrown(error)) return thrown;
  return error.cause ?? thrown;
}

function levelFor(status: number, config: Configuration, refusal: boolean): LogLevel {
  return config.logLevels.get(status) ?? (refusal ? config.refusalLevel : defaultLevelFor(status));
}

/** What the handler would log of an error it leaves to another logger. */
export interface LineLeft {
  /** `silent` for a refusal that the refusal log only counts. */
  readonly level: LogLevel;
  readonly refusal: boolean;
  /** The refusals of the same client and code not logged before this one. */
  readonly refusalsNotLogged: number;
}

/**
 * The line the handler would log for an error it leaves to another logger
 * (`logger: false`, with pino-http), counted by the refusal log as its own
 * line would be.
 */
export function lineForLogger(
  error: ApiError,
  config: Configuration,
  status: number,
  code: string,
): LineLeft {
  const refusal = refusalOf(error);
  const level = levelFor(status, config, refusal !== undefined);
  if (refusal === undefined) return { level, refusal: false, refusalsNotLogged: 0 };
  const refusalsNotLogged =
    level === 'silent' ? undefined : config.refusalLog.admit(code, refusal.key);
  return refusalsNotLogged === undefined
    ? { level: 'silent', refusal: true, refusalsNotLogged: 0 }
    : { level, refusal: true, refusalsNotLogged };
}

/** The URL without userinfo, and with the values of secret-looking query parameters replaced. */
export function redactUrl(target: string): string {
  const url = withoutUserinfo(target);
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      const name = pair.slice(0, equals);
      if (isSecretName(name)) return `${name}=[Redacted]`;
      const value = redactAfterSemicolon(pair.slice(equals + 1));
      return value === undefined ? pair : `${name}=${value}`;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

/**
 * A parameter's value with everything from a `;`-separated secret-looking
 * parameter on replaced (`1;token=[Redacted]`), or undefined when it holds
 * none. Express's parsers split on `&` alone, but some servers and proxies
 * split on `;` too (HTML 4.01 §B.2.2), so `x=1;token=…` may carry a token;
 * the rest of the value is redacted whole, since a secret may hold a `;`.
 */
export function redactAfterSemicolon(value: string): string | undefined {
  const segments = value.split(';');
  let offset = segments[0]!.length + 1;
  for (let index = 1; index < segments.length; index++) {
    const segment = segments[index]!;
    const equals = segment.indexOf('=');
    if (equals !== -1 && isSecretName(segment.slice(0, equals))) {
      return `${value.slice(0, offset + equals + 1)}[Redacted]`;
    }
    offset += segment.length + 1;
  }
  return undefined;
}

/**
 * Whether a parameter's name looks secret, as sent or as a query parser reads
 * it: `+` is a space, `%74oken` is `token` (qs and Node's querystring both
 * decode names, brackets included). A malformed escape does not throw: Node's
 * `unescape` decodes the valid ones, as Express 5's parser does, and the name
 * as sent is tested too, which is what qs keeps of a name it cannot decode.
 */
export function isSecretName(name: string): boolean {
  if (SECRET_PARAM.test(name)) return true;
  return /[%+]/.test(name) && SECRET_PARAM.test(unescape(name.replace(/\+/g, ' ')));
}
