import type { Request, RequestHandler } from 'express';
import {
  DEFAULT_SERVICE_UNAVAILABLE_RETRY_AFTER,
  ServiceUnavailableError,
} from '../errors/error-classes.js';
import { refusalError } from '../errors/refusal.js';
import { formatRetryAfter, type RetryAfter } from '../headers/retry-after.js';
import { describeValue } from '../options/describe-value.js';
import { optionError, type OptionErrorCode } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { checkNotCalledAsMiddleware, checkOptionsObject, parseWith } from '../options/parse.js';

/** A request that passes during maintenance: an exact `req.path`, a RegExp tested on it, or a predicate. */
export type MaintenanceAllowRule = string | RegExp | ((req: Request) => boolean);

export interface MaintenanceOptions {
  /** Whether maintenance is on: a boolean, or a function read on every request (e.g. a feature flag). */
  enabled: boolean | ((req: Request) => boolean);
  /**
   * `Retry-After`: seconds, or the Date maintenance ends (counted down per
   * request; `0` once it has passed). Defaults to 120 seconds.
   */
  retryAfter?: RetryAfter | undefined;
  /**
   * Requests that pass during maintenance, compared with `req.path` (relative
   * to where the middleware is mounted). Defaults to `DEFAULT_MAINTENANCE_ALLOW`:
   * `/health`, `/healthz`, `/livez`, `/ready` and `/readyz`. `[]` lets nothing through.
   */
  allow?: readonly MaintenanceAllowRule[] | undefined;
  /** The problem's `detail`. Defaults to `The service is down for maintenance.` */
  detail?: string | undefined;
}

/** The health-check paths that pass by default, so that orchestrators do not restart a server in maintenance. */
export const DEFAULT_MAINTENANCE_ALLOW: readonly string[] = Object.freeze([
  '/health',
  '/healthz',
  '/livez',
  '/ready',
  '/readyz',
]);

const DEFAULT_DETAIL = 'The service is down for maintenance.';

const FACTORY = 'maintenance()';
const fail = (code: OptionErrorCode, message: string) => optionError(FACTORY, code, message);
const OPTION_NAMES = optionNames<MaintenanceOptions>()([
  'enabled',
  'retryAfter',
  'allow',
  'detail',
]);

interface MaintenanceConfiguration {
  readonly enabled: (req: Request) => boolean;
  readonly retryAfter: RetryAfter;
  readonly allowed: (req: Request) => boolean;
  readonly detail: string;
}

/**
 * While `enabled`, answers every request but the allowed ones with a `503`
 * (`ServiceUnavailableError`, with `Retry-After`) through `next(err)`, for
 * `errorHandler` to send. Mount it first, after any CORS middleware.
 */
export function maintenance(options: MaintenanceOptions, ...extra: never[]): RequestHandler {
  checkNotCalledAsMiddleware(
    FACTORY,
    [options, ...extra],
    'app.use(maintenance({ enabled: true }))',
  );
  const config = parseMaintenanceOptions(options);
  return function maintenanceMiddleware(req, _res, next) {
    if (!config.enabled(req) || config.allowed(req)) {
      next();
      return;
    }
    next(
      refusalError(
        () =>
          new ServiceUnavailableError(config.detail, {
            retryAfter: config.retryAfter,
            expose: true,
          }),
      ),
    );
  };
}

function parseMaintenanceOptions(options: MaintenanceOptions): MaintenanceConfiguration {
  checkOptionsObject(FACTORY, options, '{ enabled: true }');
  checkOptionNames(FACTORY, options, OPTION_NAMES);
  const given = options.retryAfter ?? DEFAULT_SERVICE_UNAVAILABLE_RETRY_AFTER;
  parseWith(FACTORY, () => formatRetryAfter(given)); // names `retryAfter`
  // A copy: the caller may go on changing their Date.
  const retryAfter = given instanceof Date ? new Date(given.getTime()) : given;
  const detail = options.detail ?? DEFAULT_DETAIL;
  if (typeof detail !== 'string' || detail.length === 0) {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`detail\` must be a non-empty string, got ${describeValue(detail)}`,
    );
  }
  return {
    enabled: parseEnabled(options.enabled),
    retryAfter,
    allowed: parseAllow(options.allow ?? DEFAULT_MAINTENANCE_ALLOW),
    detail,
  };
}

function parseEnabled(enabled: MaintenanceOptions['enabled']): (req: Request) => boolean {
  if (typeof enabled === 'boolean') return () => enabled;
  if (typeof enabled !== 'function') {
    const wanted = 'a boolean or a function (req) => boolean';
    throw enabled === undefined
      ? fail('ERR_EAE_OPTION_MISSING', `\`enabled\` is required: ${wanted}`)
      : fail('ERR_EAE_OPTION_TYPE', `\`enabled\` must be ${wanted}, got ${describeValue(enabled)}`);
  }
  return (req) => {
    const on: unknown = enabled(req);
    // A Promise (an async flag lookup) would be truthy: maintenance forever. Refuse it loudly.
    if (typeof on !== 'boolean') {
      throw fail(
        'ERR_EAE_OPTION_TYPE',
        `\`enabled\` must return a boolean, got ${on instanceof Promise ? 'a Promise' : describeValue(on)}; read async flags outside the request path`,
      );
    }
    return on;
  };
}

function parseAllow(allow: readonly MaintenanceAllowRule[]): (req: Request) => boolean {
  if (!Array.isArray(allow)) {
    throw fail(
      'ERR_EAE_OPTION_TYPE',
      `\`allow\` must be an array of paths, RegExps or predicates, got ${describeValue(allow)}`,
    );
  }
  const paths = new Set<string>();
  const tests: ((req: Request) => boolean)[] = [];
  allow.forEach((rule: unknown, index) => {
    if (typeof rule === 'string') {
      if (!rule.startsWith('/')) {
        throw fail(
          'ERR_EAE_OPTION_TYPE',
          `\`allow[${index}]\` must be a path starting with /, got ${describeValue(rule)}`,
        );
      }
      paths.add(rule);
    } else if (rule instanceof RegExp) {
      // With g or y, test() moves lastIndex: the answer would depend on the previous request.
      if (rule.global || rule.sticky) {
        throw fail(
          'ERR_EAE_OPTION_TYPE',
          `\`allow[${index}]\` must not have the g or y flag, got ${describeValue(rule)}`,
        );
      }
      tests.push((req) => rule.test(req.path));
    } else if (typeof rule === 'function') {
      tests.push(rule as (req: Request) => boolean);
    } else {
      throw fail(
        'ERR_EAE_OPTION_TYPE',
        `\`allow[${index}]\` must be a path, a RegExp or a function, got ${describeValue(rule)}`,
      );
    }
  });
  const rules = Object.freeze(tests);
  return (req) => paths.has(req.path) || rules.some((test) => test(req) === true);
}
