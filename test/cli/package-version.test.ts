/**
 * Where `express-api-errors --version` finds the version: the package.json of
 * this package, above the script that runs, past the build folders' own.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVersion } from '../../src/cli/package-version.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'eae-version-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes `content` at `path` under the scratch root, making its folders. */
function write(path: string, content: string): string {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** An installed package: its package.json, and the ESM build's bin with the build's own package.json. */
function installed(): string {
  write(
    'node_modules/express-api-errors/package.json',
    JSON.stringify({ name: 'express-api-errors', version: '9.8.7' }),
  );
  write('node_modules/express-api-errors/dist/esm/package.json', '{"type":"module"}\n');
  return write('node_modules/express-api-errors/dist/esm/cli/bin.js', '');
}

describe('packageVersion', () => {
  it("reads the package's version above the build's package.json, which has only a type", () => {
    expect(packageVersion(installed())).toBe('9.8.7');
  });

  it('follows the symlink npx runs, node_modules/.bin/express-api-errors', () => {
    const bin = installed();
    mkdirSync(join(root, 'node_modules/.bin'));
    symlinkSync(bin, join(root, 'node_modules/.bin/express-api-errors'));
    write('package.json', JSON.stringify({ name: 'my-app', version: '1.0.0' }));
    expect(packageVersion(join(root, 'node_modules/.bin/express-api-errors'))).toBe('9.8.7');
  });

  it('finds the script without its .js, as `node dist/esm/cli/bin` names it', () => {
    const bin = installed();
    expect(packageVersion(bin.slice(0, -'.js'.length))).toBe('9.8.7');
  });

  it('throws when no package.json above the script is this package’s', () => {
    const script = write('elsewhere/bin.js', '');
    expect(() => packageVersion(script)).toThrow(
      `cannot find the package.json of express-api-errors above ${script}`,
    );
  });
});
