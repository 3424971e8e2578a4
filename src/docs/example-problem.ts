import type { Catalog } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import { ApiError } from '../errors/api-error.js';
import { parseOptions, type Configuration } from '../handler/options.js';
import { buildProblem, type ProblemDetails } from '../handler/problem.js';

/** The request path shown in examples. */
export const EXAMPLE_INSTANCE = '/orders/42';
/** The request id shown in examples: RFC 9562's example UUID. */
export const EXAMPLE_REQUEST_ID = 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6';

/** Whether an entry is an error the handler answers (4xx or 5xx), and so has a problem body. */
export function isErrorEntry(entry: CatalogEntry): boolean {
  return entry.status >= 400 && entry.status <= 599;
}

/**
 * The handler configuration the examples are built with: the catalog and
 * type URIs of the page, through errorHandler's own option parsing.
 */
export function exampleConfiguration(
  catalog: Catalog,
  typeBaseUri: string | undefined,
): Configuration {
  return parseOptions({ catalog, logger: false, typeBaseUri });
}

/**
 * The body `errorHandler` sends for an entry thrown without a detail of its
 * own, built by the handler's own `buildProblem`, so that the page cannot
 * show a body the handler would not send.
 */
export function exampleProblem(entry: CatalogEntry, config: Configuration): ProblemDetails {
  const error = new ApiError(entry.status, undefined, { subCode: entry.subCode as never });
  return buildProblem(error, entry, config, {
    instance: EXAMPLE_INSTANCE,
    requestId: EXAMPLE_REQUEST_ID,
    thrown: error,
  });
}
