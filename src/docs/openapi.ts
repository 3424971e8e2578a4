import type { Catalog } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { checkOptionsObject, parseBaseUri } from '../options/parse.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { exampleConfiguration, exampleProblem, isErrorEntry } from './example-problem.js';
import { SUB_CODE_PATTERN } from '../catalog/sub-code.js';
import { headerKey, headerObject, type HeaderObject } from './openapi-headers.js';
import { pageSections } from './page-sections.js';
import { checkCatalog } from './render-response-codes.js';

export interface ToOpenApiOptions {
  /** As given to `errorHandler({ typeBaseUri })`: each problem type's `type` and `title` follow it. Defaults to none (`about:blank`). */
  typeBaseUri?: string | undefined;
  /** `info.title` of the document. Defaults to `Response codes`. */
  title?: string | undefined;
  /** `info.version` of the document. Defaults to `1`. */
  version?: string | undefined;
}

type Schema = Record<string, unknown>;

/** An OpenAPI 3.1 document that holds only components, for an API's own document to `$ref`. */
export interface OpenApiComponents {
  openapi: '3.1.0';
  info: { title: string; version: string };
  components: {
    schemas: Record<string, Schema>;
    examples: Record<string, { summary: string; value: unknown }>;
    headers: Record<string, HeaderObject>;
    responses: Record<string, Schema>;
  };
}

const FACTORY = 'toOpenApi()';
const OPTION_NAMES = optionNames<ToOpenApiOptions>()(['typeBaseUri', 'title', 'version']);
const PROBLEM_TYPES = ['application/problem+json', 'application/json'] as const;
export const SUB_CODE_HEADER = 'X-Status-Sub-Code';
export const REQUEST_ID_HEADER = 'X-Request-Id';
const NAME_PATTERN = '^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$';

/**
 * The catalog as OpenAPI 3.1 components: a `Problem` schema (RFC 9457 §3.1
 * and this library's members), one schema and example per problem type
 * (`TokenExpiredProblem`), one response per error status (`Unauthorized`)
 * with the enum of its sub-codes and its headers, and those headers. Put
 * `components` in your document and `$ref` the responses from operations.
 */
export function toOpenApi(catalog: Catalog, options: ToOpenApiOptions = {}): OpenApiComponents {
  checkCatalog(FACTORY, catalog);
  checkOptionsObject(FACTORY, options, "{ typeBaseUri: 'https://api.example.com/docs/errors' }");
  checkOptionNames(FACTORY, options, OPTION_NAMES);
  const { title = 'Response codes', version = '1' } = options;
  for (const [name, value] of [
    ['title', title],
    ['version', version],
  ] as const) {
    if (typeof value !== 'string' || value.trim() === '') {
      throw optionError(
        FACTORY,
        'ERR_EAE_OPTION_TYPE',
        `\`${name}\` must be a non-empty string, got ${describeValue(value)}`,
      );
    }
  }
  const config = exampleConfiguration(
    catalog,
    parseBaseUri(FACTORY, 'typeBaseUri', options.typeBaseUri),
  );
  const document: OpenApiComponents = {
    openapi: '3.1.0',
    info: { title, version },
    components: { schemas: { Problem: problemSchema() }, examples: {}, headers: {}, responses: {} },
  };
  const { components } = document;
  const names = new ComponentNames();
  for (const section of pageSections(catalog)) {
    for (const { entry, subCodes } of section.statuses) {
      if (!isErrorEntry(entry)) continue;
      const entries = [entry, ...subCodes];
      for (const each of entries) {
        names.claim(componentName(each), `\`${each.name}\` (${each.subCode ?? each.status})`);
        const example = exampleProblem(each, config);
        components.schemas[problemSchemaName(each)] = problemTypeSchema(each, example);
        components.examples[componentName(each)] = {
          summary: `${each.subCode ?? each.status} ${each.title}`,
          value: example,
        };
      }
      const headers = responseHeaderNames(entries);
      for (const name of headers) {
        names.claim(`header ${componentKey(name)}`, `the header \`${name.toLowerCase()}\``);
        components.headers[componentKey(name)] = headerObject(name);
      }
      components.responses[componentName(entry)] = statusResponse(entry, subCodes, headers);
    }
  }
  return document;
}

/**
 * The component keys given so far, and what each was given to: two entry
 * names or two header names that make the same key (`ERROR2` and `ERROR_2`
 * both make `Error2`; `X|Y` and `X&Y` both `X_Y`) would leave one of them
 * out of the document without a word, so they are refused.
 */
class ComponentNames {
  readonly #owners = new Map<string, string>();

  claim(key: string, owner: string): void {
    const first = this.#owners.get(key);
    if (first === undefined) this.#owners.set(key, owner);
    else if (first !== owner) {
      throw optionError(
        FACTORY,
        'ERR_EAE_OPTION_CONFLICT',
        `${first} and ${owner} make the same OpenAPI component key \`${key.replace(/^header /, '')}\`: rename one of them`,
      );
    }
  }
}

/** RFC 9457 §3.1's members, and this library's `code`, `subCode` and `requestId` (§3.2 extensions). */
function problemSchema(): Schema {
  return {
    type: 'object',
    description:
      'An RFC 9457 problem: the body of every error response, as application/problem+json or, when the client prefers it, application/json. Other members may be added (RFC 9457 §3.2).',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: {
        type: 'string',
        format: 'uri-reference',
        description:
          'Identifies the problem type; `about:blank`, or its entry on the response-codes page.',
      },
      title: { type: 'string', description: 'A short summary of the problem type.' },
      status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status.' },
      detail: { type: 'string', description: 'What happened, for this occurrence.' },
      instance: {
        type: 'string',
        format: 'uri-reference',
        description: 'The path of the request.',
      },
      code: {
        type: 'string',
        pattern: NAME_PATTERN,
        description: 'The symbolic name of the code, e.g. `TOKEN_EXPIRED`: branch on this.',
      },
      subCode: {
        type: 'string',
        pattern: SUB_CODE_PATTERN,
        description:
          'The sub-code that refines the status, e.g. `401.24`; also in X-Status-Sub-Code.',
      },
      requestId: {
        type: 'string',
        description: "The request's id, also in X-Request-Id.",
      },
    },
  };
}

/** One problem type: the members that are fixed for it, and its example. */
function problemTypeSchema(entry: CatalogEntry, example: Record<string, unknown>): Schema {
  const properties: Schema = {
    type: { const: example.type },
    title: { const: example.title },
    status: { const: entry.status },
    code: { const: entry.name },
  };
  if (entry.subCode !== undefined) properties.subCode = { const: entry.subCode };
  return {
    title: `${entry.subCode ?? entry.status} ${entry.title}`,
    description: entry.description,
    allOf: [{ $ref: '#/components/schemas/Problem' }],
    properties,
    required: entry.subCode === undefined ? [] : ['subCode'],
    examples: [example],
  };
}

/** The response of an error status: any of its problem types, with the headers they carry. */
function statusResponse(
  entry: CatalogEntry,
  subCodes: readonly CatalogEntry[],
  headers: readonly string[],
): Schema {
  const properties: Schema = {
    status: { const: entry.status },
    code: { enum: [entry.name, ...subCodes.map((sub) => sub.name)] },
  };
  if (subCodes.length > 0) properties.subCode = { enum: subCodes.map((sub) => sub.subCode) };
  const schema = { allOf: [{ $ref: '#/components/schemas/Problem' }], properties };
  const examples = Object.fromEntries(
    [entry, ...subCodes].map((each) => [
      componentName(each),
      { $ref: `#/components/examples/${componentName(each)}` },
    ]),
  );
  return {
    description: `${entry.status} ${entry.title}: ${entry.description}`,
    headers: Object.fromEntries(
      headers.map((name) => [name, { $ref: `#/components/headers/${componentKey(name)}` }]),
    ),
    content: Object.fromEntries(PROBLEM_TYPES.map((type) => [type, { schema, examples }])),
  };
}

/** The headers of a status and its sub-codes, then the sub-code and request id ones. */
function responseHeaderNames(entries: readonly CatalogEntry[]): string[] {
  const names = new Map<string, string>();
  for (const entry of entries) {
    for (const name of entry.headers ?? []) names.set(name.toLowerCase(), headerKey(name));
  }
  if (entries.length > 1) names.set(SUB_CODE_HEADER.toLowerCase(), SUB_CODE_HEADER);
  names.set(REQUEST_ID_HEADER.toLowerCase(), REQUEST_ID_HEADER);
  return [...names.values()];
}

/** `TOKEN_EXPIRED` → `TokenExpired`: the key of an entry's example and, for a status, of its response. */
export function componentName(entry: CatalogEntry): string {
  return entry.name
    .split('_')
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join('');
}

/** The key of an entry's schema in `components.schemas`, e.g. `TokenExpiredProblem`. */
export function problemSchemaName(entry: CatalogEntry): string {
  return `${componentName(entry)}Problem`;
}

/** A field name as a component key, which allows only letters, digits, `.`, `-` and `_`. */
export function componentKey(name: string): string {
  return headerKey(name).replace(/[^A-Za-z0-9.\-_]/g, '_');
}
