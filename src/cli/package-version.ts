import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

const NAME = 'express-api-errors';

/**
 * The version of this package, read from its package.json, found from `file`
 * (the running script, through any symlink such as `node_modules/.bin`'s)
 * upward: above `src/cli` for the sources, `dist/esm/cli` or `dist/cjs/cli`
 * for the builds, whose folders hold package.json files of their own that
 * only give the module `type`.
 */
export function packageVersion(file: string): string {
  let folder = dirname(realpathSync(file));
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
