import request from 'supertest';
import { createExampleApp } from '../../examples/app.js';
import {
  assertProblemMatchesCatalog,
  defaultCatalog,
  renderResponseCodes,
} from '../../src/index.js';
import { lintOpenApi, validateOpenApi } from '../helpers/openapi-tools.js';
import { EXAMPLE_TYPE_BASE_URI } from './expected-problem.js';

const TOOL_TIMEOUT = 60_000;
const exampleApp = () => createExampleApp({ logger: false });

describe('GET /docs/errors', () => {
  it('serves the response-codes page, typed with its own URL, negotiated', async () => {
    const app = exampleApp();
    const page = await request(app)
      .get('/docs/errors')
      .set('Accept', 'text/html')
      .expect(200)
      .expect('Content-Type', 'text/html; charset=utf-8');
    expect(page.text).toBe(
      renderResponseCodes(defaultCatalog, { format: 'html', typeBaseUri: EXAMPLE_TYPE_BASE_URI }),
    );
    await request(app)
      .get('/docs/errors')
      .set('Accept', 'text/markdown')
      .expect('Content-Type', 'text/markdown; charset=utf-8');
    await request(app)
      .get('/docs/errors')
      .set('If-None-Match', page.headers.etag!)
      .set('Accept', 'text/html')
      .expect(304);
  });

  it("links each problem to its code's anchor on the page", async () => {
    const app = exampleApp();
    const missing = await request(app).get('/users/42').expect(404);
    const problem = JSON.parse(missing.text) as { type: string; title: string };
    expect(problem).toMatchObject({
      type: `${EXAMPLE_TYPE_BASE_URI}#404.1`,
      title: 'User not found',
    });
    assertProblemMatchesCatalog(missing, defaultCatalog, { typeBaseUri: EXAMPLE_TYPE_BASE_URI });
    const page = await request(app).get('/docs/errors').set('Accept', 'text/html');
    expect(page.text).toContain(`id="${new URL(problem.type).hash.slice(1)}"`);
  });
});

describe('GET /openapi.json', () => {
  it('references the generated components from its operations', async () => {
    const res = await request(exampleApp()).get('/openapi.json').expect(200);
    const document = res.body as {
      paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
      components: { responses: Record<string, unknown> };
    };
    expect(document.paths['/me']!.get!.responses['401']).toEqual({
      $ref: '#/components/responses/Unauthorized',
    });
    expect(document.paths['/users']!.post!.responses['409']).toEqual({
      $ref: '#/components/responses/Conflict',
    });
    for (const operations of Object.values(document.paths)) {
      for (const { responses } of Object.values(operations)) {
        for (const response of Object.values(responses)) {
          if (response.$ref !== undefined) {
            expect(document.components.responses).toHaveProperty(
              response.$ref.replace('#/components/responses/', ''),
            );
          }
        }
      }
    }
  });

  it(
    'validates as OpenAPI 3.1 and lints with no error under Redocly recommended rules',
    async () => {
      const { body } = await request(exampleApp()).get('/openapi.json');
      expect(await validateOpenApi(body)).toEqual({ valid: true, version: '3.1' });
      const problems = await lintOpenApi(body);
      expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    },
    TOOL_TIMEOUT,
  );
});
