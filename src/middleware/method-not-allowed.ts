import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from '../errors/error-classes.js';
import { formatAllow } from '../headers/allow.js';
import { handlesMethod, methodsOf, stackReader } from './express-routes.js';
import { RouteCache } from './route-cache.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import {
  checkNotCalledAsMiddleware,
  checkOptionsObject,
  parseWholeNumber,
} from '../options/parse.js';

export interface MethodNotAllowedOptions {
  /**
   * How many request paths the routes matching them are remembered for
   * (least recently used are dropped); `0` matches every request afresh.
   * Defaults to 1,000.
   */
  cacheSize?: number | undefined;
}

interface MethodNotAllowedConfiguration {
  readonly cacheSize: number;
}

const DEFAULT_CACHE_SIZE = 1000;
const FACTORY = 'methodNotAllowed()';
const OPTION_NAMES = optionNames<MethodNotAllowedOptions>()(['cacheSize']);

/**
 * Mount after the routes of `appOrRouter`, before `notFound()`:
 * `app.use(methodNotAllowed(app))`. A request whose path matches a route but
 * whose method none of the matching routes handles becomes a 405
 * (`MethodNotAllowedError` with `Allow`, through `next(err)`, for
 * `errorHandler` to send); an OPTIONS request to such a path is answered
 * `204` with `Allow`. Any other request goes on with `next()`.
 */
export function methodNotAllowed(
  appOrRouter: unknown,
  options: MethodNotAllowedOptions = {},
  ...extra: never[]
): RequestHandler {
  checkNotCalledAsMiddleware(
    FACTORY,
    [appOrRouter, options, ...extra],
    'app.use(methodNotAllowed(app))',
  );
  const readStack = stackReader(appOrRouter);
  if (readStack === undefined) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_TYPE',
      `\`appOrRouter\` must be the Express app or Router whose routes it checks, e.g. \`app.use(methodNotAllowed(app))\`; got ${describeValue(appOrRouter)}`,
    );
  }
  const config = parseMethodNotAllowedOptions(options);
  const cache = new RouteCache(readStack, config.cacheSize);
  return function methodNotAllowedMiddleware(req, res, next) {
    const routes = cache.routesFor(req.path);
    if (routes.length === 0 || handlesMethod(routes, req.method)) {
      next();
      return;
    }
    const methods = methodsOf(routes);
    if (methods.length === 0) {
      next(); // only routes without handlers yet: as if there were none
      return;
    }
    // OPTIONS is answered here (below), or by Express in a mounted Router.
    const allow = [...new Set([...methods, 'OPTIONS'])].sort();
    if (req.method === 'OPTIONS') {
      res.status(204).setHeader('Allow', formatAllow(allow));
      res.end();
      return;
    }
    next(
      new MethodNotAllowedError(
        `${req.method} is not allowed on this resource; it allows ${allow.join(', ')}.`,
        { allow },
      ),
    );
  };
}

function parseMethodNotAllowedOptions(
  options: MethodNotAllowedOptions,
): MethodNotAllowedConfiguration {
  checkOptionsObject(FACTORY, options, '{ cacheSize: 1000 }');
  checkOptionNames(FACTORY, options, OPTION_NAMES);
  return {
    cacheSize: parseWholeNumber(FACTORY, 'cacheSize', options.cacheSize ?? DEFAULT_CACHE_SIZE, {
      min: 0,
      unit: 'paths',
    }),
  };
}
