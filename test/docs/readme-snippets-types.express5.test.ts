/**
 * README snippets type-checked as written, under the repository's compiler
 * options: with @types/express 5, the only one installed, so once, in the
 * express5 jest project (the express4 project ignores `*.express5.test.ts`).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { readmeSnippet as snippet } from '../helpers/readme-snippet.js';

const ROOT = join(__dirname, '../..');

/**
 * The TypeScript errors of `code` in a module of its own, beside the sources
 * (whose `express-api-errors` it imports), under the repository's compiler options.
 */
function typeErrors(code: string): string[] {
  const file = join(ROOT, 'test/docs/readme-snippet.ts');
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) =>
    ts.sys.readFile(path),
  );
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === file
      ? ts.createSourceFile(name, code, version)
      : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? code : readFile.call(host, name));
  const program = ts.createProgram([file], { ...options, noEmit: true, rootDir: ROOT }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

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
