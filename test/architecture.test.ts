/**
 * Dependencies between the folders of src/ point one way: two folders that
 * import each other, directly or through others, are one concept or need a
 * third, lower module. Type-only imports count: they are dependencies of the
 * design even when no code is emitted for them. src/index.ts is the root and
 * may import anything. The rule and the order of the folders, bottom up, are
 * in the README's Development section, which this test reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const SRC = resolve(__dirname, '../src');
const README = resolve(__dirname, '../README.md');

/** Relative module specifiers of a source text: imports, re-exports, `import()` (in types too), `require`. */
function relativeSpecifiers(text: string): string[] {
  // The scanner skips comments and strings; multi-line and `import type` forms are read alike.
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map(({ fileName }) => fileName)
    .filter((name) => name.startsWith('.'));
}

/** The first segment under src/ of a path ('' for a file at the root, such as index.ts). */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0]! : '';
}

interface FolderImport {
  readonly from: string;
  readonly to: string;
  /** One import that makes the dependency, e.g. `rate-limit/options.ts imports ../stores/store.js`. */
  readonly example: string;
}

/** Each dependency of one folder of src/ on another (or on a file at the root), with one example. */
function folderImports(): FolderImport[] {
  const found = new Map<string, FolderImport>();
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((name) =>
    name.endsWith('.ts'),
  );
  for (const file of files) {
    const path = join(SRC, file);
    const from = folderOf(path);
    if (from === '') continue;
    for (const specifier of relativeSpecifiers(readFileSync(path, 'utf8'))) {
      const to = folderOf(resolve(dirname(path), specifier));
      const key = `${from}\0${to}`;
      if (to === from || found.has(key)) continue;
      found.set(key, { from, to, example: `${relative(SRC, path)} imports ${specifier}` });
    }
  }
  return [...found.values()];
}

/**
 * For each folder that lies on a cycle, a shortest cycle through it (each
 * cycle once), as `a → b → a`, with the import that makes each step.
 */
function folderCycles(imports: readonly FolderImport[]): string[] {
  const next = new Map<string, FolderImport[]>();
  for (const edge of imports) next.set(edge.from, [...(next.get(edge.from) ?? []), edge]);
  const cycles = new Map<string, string>();
  for (const start of [...next.keys()].sort()) {
    // Breadth first, so that the cycle reported is a shortest one through `start`.
    const via = new Map<string, FolderImport>();
    let frontier = [start];
    while (frontier.length > 0 && !via.has(start)) {
      const following: string[] = [];
      for (const folder of frontier) {
        for (const edge of next.get(folder) ?? []) {
          if (via.has(edge.to)) continue;
          via.set(edge.to, edge);
          following.push(edge.to);
        }
      }
      frontier = following;
    }
    if (!via.has(start)) continue;
    const steps: FolderImport[] = [];
    for (let edge = via.get(start)!; ; edge = via.get(edge.from)!) {
      steps.unshift(edge);
      if (edge.from === start) break;
    }
    const members = steps.map(({ from }) => from);
    // The same cycle is found from each of its folders: keep it once, by its set of folders.
    const key = [...members].sort().join(' ');
    if (cycles.has(key)) continue;
    const path = [...members, start].map((folder) => folder || 'index.ts').join(' → ');
    cycles.set(key, `${path} (${steps.map(({ example }) => example).join('; ')})`);
  }
  return [...cycles.values()];
}

/**
 * The steps of the README's order of the folders, bottom up ("`util/`;
 * `time/`, `logging/`; …"): a folder may import from its own step and those
 * before it.
 */
function readmeOrder(readme: string): string[][] {
  const list = /The order runs, bottom up[^:]*: (.*?`)\. /.exec(readme)?.[1];
  if (list === undefined) throw new Error('README.md states no order of the folders of src/');
  return list
    .split(';')
    .map((step) => [...step.matchAll(/`([a-z-]+)\/`/g)].map(([, name]) => name!));
}

describe('the folders of src/', () => {
  const imports = folderImports();

  it('depend on each other one way only: no folder reaches itself through the folders it imports', () => {
    expect(folderCycles(imports)).toEqual([]);
  });

  it("import only from their own step of the README's order or those before it", () => {
    const order = readmeOrder(readFileSync(README, 'utf8'));
    const step = new Map(order.flatMap((names, index) => names.map((name) => [name, index])));
    const upward = imports
      .filter(({ from, to }) => to !== '' && step.get(to)! > step.get(from)!)
      .map(({ example }) => example);
    expect(upward).toEqual([]);
  });

  it("are each named once in the README's order", () => {
    const named = readmeOrder(readFileSync(README, 'utf8')).flat().sort();
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map(({ name }) => name)
      .sort();
    expect(named).toEqual(folders);
  });

  it('never import src/index.ts or another file at the root, which re-exports from them', () => {
    const intoRoot = imports.filter(({ to }) => to === '').map(({ example }) => example);
    expect(intoRoot).toEqual([]);
  });

  it('are read with the imports that only name a type', () => {
    // rate-limit/rate-limit-info.ts imports stores/ for types only: were these missed, a
    // cycle made of type imports would pass unseen.
    expect(
      relativeSpecifiers(readFileSync(join(SRC, 'rate-limit/rate-limit-info.ts'), 'utf8')),
    ).toEqual(expect.arrayContaining(['../stores/store.js', '../stores/algorithms.js']));
    expect(imports).toContainEqual(expect.objectContaining({ from: 'rate-limit', to: 'stores' }));
  });
});

describe('the cycle check', () => {
  it('reads multi-line, type-only, re-export and import() specifiers, and none in comments', () => {
    const text = [
      "import type {\n  A,\n} from '../a/a.js';",
      "export { b } from '../b/b.js';",
      "export * from '../c/c.js';",
      "type D = typeof import('../d/d.js');",
      "// import { e } from '../e/e.js';",
      "import { f } from 'node:fs';",
    ].join('\n');
    expect(relativeSpecifiers(text)).toEqual(['../a/a.js', '../b/b.js', '../c/c.js', '../d/d.js']);
  });

  it('names a cycle through three folders once, with the import that makes each step', () => {
    const edge = (from: string, to: string): FolderImport => ({
      from,
      to,
      example: `${from}/x.ts imports ../${to}/y.js`,
    });
    const cycles = folderCycles([
      edge('a', 'b'),
      edge('b', 'c'),
      edge('c', 'a'),
      edge('c', 'd'),
      edge('e', 'a'),
    ]);
    expect(cycles).toEqual([
      'a → b → c → a (a/x.ts imports ../b/y.js; b/x.ts imports ../c/y.js; c/x.ts imports ../a/y.js)',
    ]);
  });
});
