import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformSync } from '@swc/core';

const ROOT = join(__dirname, '../..');

/**
 * The sources compiled to JavaScript as `npm run build` compiles the ESM
 * build (less types and maps), into `folder`, with this package's name and
 * version and a link to its node_modules: for what only plain Node shows, as
 * tsx, which runs the sources in the other tests, loads TypeScript itself.
 * Each file is transpiled alone by swc, without a type check: a fraction of
 * a second, not tsc's ten.
 * Returns the path of the command, `cli/bin.js`.
 */
export function buildForPlainNode(folder: string): string {
  const src = join(ROOT, 'src');
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const { code } = transformSync(readFileSync(path, 'utf8'), {
      filename: path,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
      swcrc: false,
    });
    const out = join(folder, relative(src, path)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version, type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(folder, 'node_modules'));
  return join(folder, 'cli/bin.js');
}
