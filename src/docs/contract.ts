import type { Catalog } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { checkOptionsObject } from '../options/parse.js';
import { statusHeaderRule } from '../handler/status-headers.js';
import {
  componentKey,
  componentName,
  problemSchemaName,
  REQUEST_ID_HEADER,
  SUB_CODE_HEADER,
  toOpenApi,
  type OpenApiComponents,
} from './openapi.js';
import { checkCatalog } from './render-response-codes.js';
import { schemaFailures } from './schema-check.js';

/** A response as test clients give it: supertest's, or status, headers and parsed body from fetch. */
export interface ProblemResponse {
  readonly status: number;
  /** Field names in any case (supertest's are lower case), or a fetch `Headers`. */
  readonly headers:
    | Readonly<Record<string, string | readonly string[] | undefined>>
    | { get(name: string): string | null };
  /** The parsed JSON body. */
  readonly body: unknown;
}

export interface ContractOptions {
  /** As given to `errorHandler({ typeBaseUri })`. Defaults to none (`about:blank`). */
  typeBaseUri?: string | undefined;
}

/** Thrown by `assertProblemMatchesCatalog`: every way the response departs from the catalog. */
export class ProblemContractError extends Error {
  readonly failures: readonly string[];

  constructor(failures: readonly string[]) {
    super(
      `The response does not match the catalog:\n${failures.map((line) => `- ${line}`).join('\n')}`,
    );
    this.failures = failures;
  }
}
Object.defineProperty(ProblemContractError.prototype, 'name', {
  value: 'ProblemContractError',
  writable: true,
  configurable: true,
});

const FACTORY = 'assertProblemMatchesCatalog()';
const CONTRACT_OPTION_NAMES = optionNames<ContractOptions>()(['typeBaseUri']);
const PROBLEM_MEDIA_TYPES = /^application\/(?:problem\+)?json\s*(?:;|$)/i;
const documents = new WeakMap<Catalog, Map<string, OpenApiComponents>>();

/**
 * Checks, in a test, that an error response is what the catalog documents:
 * its status is an error status of the catalog; its sub-code, if any, one
 * of that status's, the same in `X-Status-Sub-Code` and in the body; the
 * body validates against the schema `toOpenApi` generates for its problem
 * type; each documented header it carries validates against its schema;
 * the challenge a 401 or 407 requires is there; `X-Request-Id` and
 * `requestId` agree. Throws a `ProblemContractError` listing every failure.
 *
 * @example
 * const res = await request(app).get('/orders/nope');
 * assertProblemMatchesCatalog(res, catalog);
 */
export function assertProblemMatchesCatalog(
  response: ProblemResponse,
  catalog: Catalog,
  options: ContractOptions = {},
): void {
  checkCatalog(FACTORY, catalog);
  checkOptionsObject(FACTORY, options, "{ typeBaseUri: 'https://api.example.com/docs/errors' }");
  checkOptionNames(FACTORY, options, CONTRACT_OPTION_NAMES);
  const failures = contractFailures(response, catalog, openApiOf(catalog, options));
  if (failures.length > 0) throw new ProblemContractError(failures);
}

function contractFailures(
  response: ProblemResponse,
  catalog: Catalog,
  document: OpenApiComponents,
): string[] {
  const { status, body } = response;
  const statusEntry = catalog.get(status);
  if (!(status >= 400 && status <= 599) || statusEntry === undefined) {
    return [`status ${status} is not an error status of the catalog`];
  }
  const failures: string[] = [];
  const contentType = header(response, 'Content-Type');
  if (contentType === undefined || !PROBLEM_MEDIA_TYPES.test(contentType)) {
    failures.push(
      `Content-Type must be application/problem+json or application/json, got ${contentType ?? 'nothing'}`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [...failures, `the body must be a JSON object, got ${JSON.stringify(body)}`];
  }
  const problem = body as Record<string, unknown>;
  const entry = problemEntry(problem, statusEntry, catalog, failures);
  const schema = document.components.schemas[problemSchemaName(entry)]!;
  failures.push(...schemaFailures(schema, problem, document, 'body'));
  // The problem type's schema is the strictest: the status response's only adds the enums.
  const responseObject = document.components.responses[componentName(statusEntry)] as {
    headers: Record<string, { $ref: string }>;
  };
  failures.push(...headerFailures(response, problem, status, responseObject.headers, document));
  return [...new Set(failures)];
}

/** The entry the body's sub-code names, or the status's; a sub-code that is not the status's is a failure. */
function problemEntry(
  problem: Record<string, unknown>,
  statusEntry: CatalogEntry,
  catalog: Catalog,
  failures: string[],
): CatalogEntry {
  const { subCode } = problem;
  if (subCode === undefined) return statusEntry;
  const entry = typeof subCode === 'string' ? catalog.get(subCode) : undefined;
  if (entry === undefined || entry.status !== statusEntry.status) {
    failures.push(
      `body.subCode ${JSON.stringify(subCode)} is not a sub-code of ${statusEntry.status} in the catalog`,
    );
    return statusEntry;
  }
  return entry;
}

function headerFailures(
  response: ProblemResponse,
  problem: Record<string, unknown>,
  status: number,
  documented: Record<string, { $ref: string }>,
  document: OpenApiComponents,
): string[] {
  const failures: string[] = [];
  for (const name of Object.keys(documented)) {
    const value = header(response, name);
    if (value === undefined) continue;
    const { schema } = document.components.headers[componentKey(name)]!;
    const read = schema.type === 'integer' && /^[0-9]+$/.test(value) ? Number(value) : value;
    failures.push(...schemaFailures(schema, read, document, `header ${name}`));
  }
  const { challenge } = statusHeaderRule(status);
  if (challenge !== undefined && header(response, challenge) === undefined) {
    failures.push(`header ${challenge} is required with a ${status}, and missing`);
  }
  const subCode = header(response, SUB_CODE_HEADER);
  if (subCode !== problem.subCode) {
    failures.push(
      `header ${SUB_CODE_HEADER} (${subCode ?? 'none'}) and body.subCode (${String(problem.subCode ?? 'none')}) must agree`,
    );
  }
  const requestId = header(response, REQUEST_ID_HEADER);
  if (
    requestId !== undefined &&
    problem.requestId !== undefined &&
    requestId !== problem.requestId
  ) {
    failures.push(
      `header ${REQUEST_ID_HEADER} (${requestId}) and body.requestId (${String(problem.requestId)}) must agree`,
    );
  }
  return failures;
}

/** A field's value, whatever the case of its name; repeated fields joined as RFC 9110 §5.3 combines them. */
function header(response: ProblemResponse, name: string): string | undefined {
  const { headers } = response;
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return typeof value === 'string' ? value : (value as readonly string[]).join(', ');
  }
  return undefined;
}

function openApiOf(catalog: Catalog, options: ContractOptions): OpenApiComponents {
  const key = options.typeBaseUri ?? '';
  let byUri = documents.get(catalog);
  if (byUri === undefined) documents.set(catalog, (byUri = new Map()));
  let document = byUri.get(key);
  if (document === undefined) {
    document = toOpenApi(catalog, options);
    byUri.set(key, document);
  }
  return document;
}
