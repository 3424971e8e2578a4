import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const NAME = 'express-api-errors';

/**
 * The version of this package, read from its package.json, found from `file`
 * (the running script, `process.argv[1]`, an absolute path as Node found it:
 * through any symlink such as `node_modules/.bin`'s, or without its `.js` for
 * `node dist/esm/cli/bin`) upward: above `src/cli` for the sources, `dist/esm/cli` or `dist/cjs/cli`
 * for the builds, whose folders hold package.json files of their own that
 * only give the module `type`.
 */
export function packageVersion(file: string): string {
  // The script as Node resolved it: the file itself, or `file.js`, past symlinks.
  let folder = dirname(realpathSync(createRequire(file).resolve(file)));
  for (;;) {
    const version = versionIn(join(folder, 'package.json'));
    if (version !== undefined) return version;
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`cannot find the package.json of ${NAME} above ${file}`);
    folder = parent;
  }
}

/** The version in `path` if it is this package's package.json. */
function versionIn(path: string): string | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // none there, or not JSON: not ours
  }
  const { name, version } = (manifest ?? {}) as { name?: unknown; version?: unknown };
  return name === NAME && typeof version === 'string' ? version : undefined;
}
