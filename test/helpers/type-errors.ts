import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');

/** The repository's compiler options (tsconfig.json), with `overrides`, emitting nothing. */
export function repositoryCompilerOptions(overrides: ts.CompilerOptions = {}): ts.CompilerOptions {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) =>
    ts.sys.readFile(path),
  );
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return { ...options, ...overrides, noEmit: true };
}

/**
 * The TypeScript errors of `code`, compiled as the module `path` (relative to
 * the repository, never written) beside the sources, whose modules it may
 * import, under the repository's compiler options and `overrides`. With
 * `onlyCode`, only the errors in `code` count; else every error of the
 * program it makes, the sources' too.
 */
export function typeErrorsOf(
  path: string,
  code: string,
  { overrides = {}, onlyCode = false }: { overrides?: ts.CompilerOptions; onlyCode?: boolean } = {},
): string[] {
  const file = join(ROOT, path);
  const options = { ...repositoryCompilerOptions(overrides), rootDir: ROOT };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === file
      ? ts.createSourceFile(name, code, version)
      : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? code : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program, onlyCode ? program.getSourceFile(file) : undefined)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}
