import { toOpenApi, type Catalog } from '../src/index.js';

/** An operation of the example, with the error statuses it answers besides those of every route. */
interface Operation {
  readonly method: 'get' | 'post' | 'delete';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly success: readonly [status: string, description: string];
  readonly errors: readonly number[];
  readonly bearer?: boolean;
}

const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List the users',
    success: ['200', 'Every user.'],
    errors: [],
  },
  {
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user',
    success: ['201', 'Created; Location holds its URL.'],
    errors: [400, 409, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/users/{id}',
    operationId: 'getUser',
    summary: 'Get a user',
    success: ['200', 'The user.'],
    errors: [404],
  },
  {
    method: 'delete',
    path: '/users/{id}',
    operationId: 'deleteUser',
    summary: 'Delete a user',
    success: ['204', 'Deleted.'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/tokens',
    operationId: 'createToken',
    summary: 'Get a Bearer token for a user',
    success: ['200', 'The token.'],
    errors: [415, 422],
  },
  {
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: 'The user of the Bearer token',
    success: ['200', 'The user.'],
    errors: [401],
    bearer: true,
  },
  {
    method: 'get',
    path: '/admin/stats',
    operationId: 'getStats',
    summary: 'Statistics, for admins',
    success: ['200', 'The statistics.'],
    errors: [401],
    bearer: true,
  },
];

/** What any route may answer: a block (403.30), the rate limit, a crash, maintenance or overload. */
const EVERY_ROUTE = [403, 429, 500, 503];

/**
 * The example's OpenAPI document: its operations, whose error responses
 * `$ref` the components `toOpenApi` generates from the catalog.
 */
export function openApiDocument(catalog: Catalog, publicUrl: string, typeBaseUri: string) {
  const { components } = toOpenApi(catalog, { typeBaseUri });
  const responseName = (status: number) =>
    Object.keys(components.responses).find((name) =>
      (components.responses[name]!.description as string).startsWith(`${status} `),
    )!;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) {
    const responses: Record<string, unknown> = {
      [operation.success[0]]: { description: operation.success[1] },
    };
    for (const status of [...operation.errors, ...EVERY_ROUTE].sort()) {
      responses[String(status)] = { $ref: `#/components/responses/${responseName(status)}` };
    }
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method] = {
      operationId: operation.operationId,
      summary: operation.summary,
      security: operation.bearer ? [{ bearer: [] }] : [],
      ...(operation.path.includes('{id}')
        ? { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'express-api-errors example API',
      version: '1.0.0',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      ...components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
