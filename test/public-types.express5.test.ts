/**
 * The public types as a consumer's compiler options meet them.
 *
 * Every interface and class that the root's exports reach (a parameter, a
 * return type, a property, a type argument) is exported from the root too.
 * A consumer compiled with `declaration: true` that exports a value built by
 * the library (`export const headers = toOpenApi(catalog).components.headers`)
 * gets its type written out by name: a type alias is written out inline, but
 * an interface or a class must be importable from 'express-api-errors', or
 * tsc fails with TS2742 ("cannot be named without a reference to
 * .../dist/esm/docs/openapi-headers.js"), which `exports` then forbids.
 * Once, in the express5 project: it reads the sources, not Express.
 */
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');

/** The repository's compiler options, with `overrides`. */
function compilerOptions(overrides: ts.CompilerOptions = {}): ts.CompilerOptions {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) =>
    ts.sys.readFile(path),
  );
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return { ...options, ...overrides, noEmit: true };
}

/**
 * The TypeScript errors in `code`, a module of its own in test/ that imports
 * the sources, under the repository's compiler options and `overrides`.
 * Only the errors of `code` count: the sources are compiled under the
 * repository's own options in `npm run typecheck`.
 */
function typeErrors(code: string, overrides: ts.CompilerOptions): string[] {
  const file = join(ROOT, 'test/public-types-consumer.ts');
  const options = { ...compilerOptions(overrides), rootDir: ROOT };
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
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/** `name @ file` of each interface or class that the exports of src/index.ts reach without exporting it. */
function unexportedReachedTypes(): string[] {
  const program = ts.createProgram([join(SRC, 'index.ts')], compilerOptions());
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(join(SRC, 'index.ts'));
  const module = index && checker.getSymbolAtLocation(index);
  if (module === undefined) throw new Error('src/index.ts is not a module');
  const resolve = (symbol: ts.Symbol) =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const exports = checker.getExportsOfModule(module).map(resolve);
  const exported = new Set(exports);
  const found = new Set<string>();
  const seen = new Set<ts.Type>();

  const note = (symbol: ts.Symbol | undefined) => {
    const declaration = symbol?.declarations?.[0];
    if (symbol === undefined || declaration === undefined || exported.has(symbol)) return;
    const file = declaration.getSourceFile().fileName;
    if (!file.startsWith(SRC)) return;
    if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) {
      found.add(`${symbol.name} @ ${relative(ROOT, file)}`);
    }
  };
  const isPublic = (member: ts.Symbol) =>
    !member.name.startsWith('#') &&
    !(member.declarations ?? []).some(
      (declaration) =>
        ts.getCombinedModifierFlags(declaration) &
        (ts.ModifierFlags.Private | ts.ModifierFlags.Protected),
    );
  const visit = (type: ts.Type | undefined, depth: number): void => {
    if (type === undefined || depth > 8 || seen.has(type)) return;
    seen.add(type);
    for (const argument of type.aliasTypeArguments ?? []) visit(argument, depth + 1);
    note(type.getSymbol());
    if (type.isUnionOrIntersection()) for (const part of type.types) visit(part, depth + 1);
    if (type.isTypeParameter()) visit(checker.getBaseConstraintOfType(type), depth + 1);
    if (!(type.flags & ts.TypeFlags.Object)) return;
    if (checker.isArrayType(type) || checker.isTupleType(type) || type.getSymbol()?.name !== '') {
      for (const argument of checker.getTypeArguments(type as ts.TypeReference))
        visit(argument, depth + 1);
    }
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const parameter of signature.getTypeParameters() ?? []) visit(parameter, depth + 1);
      for (const parameter of signature.getParameters()) {
        visit(checker.getTypeOfSymbol(parameter), depth + 1);
      }
      visit(signature.getReturnType(), depth + 1);
    }
    for (const member of type.getProperties().filter(isPublic)) {
      visit(checker.getTypeOfSymbol(member), depth + 1);
    }
    // Inherited members are among the properties; a base interface itself is never named.
    for (const info of checker.getIndexInfosOfType(type)) visit(info.type, depth + 1);
  };

  for (const symbol of exports) {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) continue;
    if (symbol.flags & ts.SymbolFlags.Value) {
      visit(checker.getTypeOfSymbolAtLocation(symbol, declaration), 0);
    }
    if (symbol.flags & ts.SymbolFlags.Type) visit(checker.getDeclaredTypeOfSymbol(symbol), 0);
  }
  return [...found].sort();
}

describe('the types of the public API', () => {
  it('are exported from the root wherever a public signature reaches an interface or a class', () => {
    expect(unexportedReachedTypes()).toEqual([]);
  }, 60_000);
});

describe('the error constructors under exactOptionalPropertyTypes', () => {
  it('take an undefined detail or options, as they do at run time', () => {
    const code = [
      "import { createError, NotFoundError, type SubCodeOf } from '../src/index.js';",
      'declare const detail: string | undefined;',
      'declare const subCode: SubCodeOf<404> | undefined;',
      'export const made = [',
      '  new NotFoundError(detail),',
      '  new NotFoundError(detail, undefined),',
      "  new NotFoundError(detail, { subCode: '404.1' }),",
      '  createError(404, detail),',
      '  createError(new Error(), detail, undefined),',
      '];',
    ].join('\n');
    expect(typeErrors(code, { exactOptionalPropertyTypes: true })).toEqual([]);
  }, 60_000);
});
