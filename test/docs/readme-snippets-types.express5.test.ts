/**
 * README snippets type-checked as written, under the repository's compiler
 * options: with @types/express 5, the only one installed, so once, in the
 * express5 jest project (the express4 project ignores `*.express5.test.ts`).
 */
import { readmeSnippet as snippet } from '../helpers/readme-snippet.js';
import { typeErrorsOf } from '../helpers/type-errors.js';

/** The TypeScript errors of `code` in a module of its own beside the sources (whose `express-api-errors` it imports). */
const typeErrors = (code: string): string[] => typeErrorsOf('test/docs/readme-snippet.ts', code);

describe('the README limit per plan', () => {
  it('type-checks, with the Request augmentation it shows', () => {
    const code = [
      "import express from 'express';",
      "import { clientKey, rateLimit } from '../../src/index.js';",
      'const app = express();',
      snippet('per-plan-limit'),
    ].join('\n');
    expect(typeErrors(code)).toEqual([]);
  }, 60_000);
});
