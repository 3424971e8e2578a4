import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

/** Writes `document` to a scratch file for `use`, then removes it. */
async function withFile<T>(document: unknown, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'eae-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The answer of @seriousme/openapi-schema-validator for `document`. */
export function validateOpenApi(
  document: unknown,
): Promise<{ valid: boolean; version: string; errors?: unknown }> {
  return withFile(document, async (file) => {
    const { stdout } = await run(process.execPath, [
      join(ROOT, 'test/docs/openapi/validate.mjs'),
      file,
    ]);
    return JSON.parse(stdout) as { valid: boolean; version: string; errors?: unknown };
  });
}

export interface LintProblem {
  readonly ruleId: string;
  readonly severity: 'error' | 'warn';
  readonly message: string;
}

/** The problems `redocly lint` finds in `document`, with the given config file or the recommended rules. */
export function lintOpenApi(document: unknown, config?: string): Promise<LintProblem[]> {
  return withFile(document, async (file) => {
    const args = ['lint', file, '--format=json', '--max-problems=1000'];
    if (config !== undefined) args.push(`--config=${config}`);
    // Exits 1 when it finds errors; the JSON report is on stdout either way.
    const { stdout } = await run(join(ROOT, 'node_modules/.bin/redocly'), args, {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as { problems: LintProblem[] };
    return report.problems;
  });
}
