import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTION_ERROR_CODES, defaultCatalog, redactPaths } from '../../src/index.js';
import {
  MAX_CAUSE_DEPTH,
  MAX_LISTED,
  MAX_LOG_LINE,
  MAX_NAME,
  MAX_STACK,
  MAX_TEXT,
} from '../../src/logging/log-bounds.js';
import { DROPPED_HEADERS } from '../../src/handler/replaced-headers.js';
import { FAMILIES_NOT_PASSED_ON, FIELDS_NOT_PASSED_ON } from '../../src/headers/foreign-headers.js';
import { REDIS_ERROR_HINTS } from '../../src/stores/redis-error-hint.js';
import { toOpenApi } from '../../src/index.js';
import { lintOpenApi, validateOpenApi } from '../helpers/openapi-tools.js';

const ROOT = join(__dirname, '../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const { homepage } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  homepage: string;
};
/** Where the repository's files are on GitHub, from package.json's homepage. */
const BLOB = `${homepage.replace(/#readme$/, '')}/blob/main/`;
/** Every link target of the README but anchors within it. */
const LINKS = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
  .map((match) => match[1]!)
  .filter((target) => !target.startsWith('#'));
// The recommended rules, less those about what the example leaves out: servers and security.
const REDOCLY_CONFIG = join(__dirname, 'openapi/redocly-readme.yaml');

describe('README', () => {
  it('lists exactly the entries of the default catalog, in order', () => {
    const start = readme.indexOf('<!-- catalog-table');
    const rows = readme
      .slice(start)
      .split('\n')
      .filter((line) => /^\| \d/.test(line))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows).toEqual(
      defaultCatalog.entries.map((entry) => [
        String(entry.subCode ?? entry.status),
        `\`${entry.name}\``,
        entry.title,
        (entry.headers ?? []).join(', '),
      ]),
    );
  });

  it('shows a document around toOpenApi() that validates and lints without errors, its path parameter declared', async () => {
    const section = readme.slice(readme.indexOf('### `toOpenApi('));
    const code = /```ts\n([\s\S]*?)\n```/.exec(section)![1]!;
    const document: unknown = new Function(
      'toOpenApi',
      'catalog',
      'typeBaseUri',
      `${code}\nreturn document;`,
    )(toOpenApi, defaultCatalog, 'https://api.example.com/docs/errors');
    expect(await validateOpenApi(document)).toEqual({ valid: true, version: '3.1' });
    const errors = (await lintOpenApi(document, REDOCLY_CONFIG)).filter(
      (problem) => problem.severity === 'error',
    );
    expect(errors.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
  }, 60_000);

  it('names exactly the header fields redactPaths covers', () => {
    const start = readme.indexOf('<!-- redacted-headers -->');
    const paragraph = readme.slice(start, readme.indexOf('\n\n', start + 30));
    const named = [...paragraph.matchAll(/`([a-z-]+)`/g)].map((match) => match[1]);
    const covered = [
      ...new Set(redactPaths.map((path) => /\["([a-z-]+)"\]$/.exec(path)?.[1] ?? path)),
    ];
    expect(named).toEqual(covered);
  });

  it('documents exactly the codes of OPTION_ERROR_CODES, with their meaning', () => {
    const rows = readme
      .slice(readme.indexOf('| `error.code`'))
      .split('\n')
      .slice(2)
      .filter((line) => line.startsWith('| `ERR_EAE_'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    expect(Object.fromEntries(rows.map(([, code, when]) => [code!.slice(1, -1), when]))).toEqual(
      OPTION_ERROR_CODES,
    );
  });

  it('lists exactly the Redis replies the outage warnings hint at, in order', () => {
    const lines = readme.slice(readme.indexOf('| Reply starts with')).split('\n').slice(2);
    const rows = lines
      .slice(
        0,
        lines.findIndex((line) => !line.startsWith('|')),
      )
      .map((line) => line.split('|')[1]!.trim().slice(1, -1));
    expect(rows).toEqual(REDIS_ERROR_HINTS.map(([prefix]) => prefix));
  });

  it('names exactly the fields an error response drops of the response it replaces', () => {
    const start = readme.indexOf('<!-- dropped-headers -->');
    const drops = readme
      .slice(start)
      .split('\n')
      .find((line) => line.startsWith('- drops '))!;
    const named = [...drops.matchAll(/`([A-Za-z-]+)`/g)].map((match) => match[1]);
    expect([...new Set(named)].sort()).toEqual([...DROPPED_HEADERS].sort());
  });

  it('names exactly the fields and families an error it did not make never passes on', () => {
    const start = readme.indexOf('<!-- foreign-headers -->');
    const line = readme
      .slice(start)
      .split('\n')
      .find((text) => text.startsWith('- none of these'))!;
    const named = [...line.matchAll(/`([A-Za-z0-9-]+\*?)`/g)].map((match) => match[1]);
    const families = FAMILIES_NOT_PASSED_ON.map((prefix) => `${prefix}*`);
    // Content-Range is named as the one field of the Content-* family that is passed on.
    expect([...new Set(named)].sort()).toEqual(
      [...FIELDS_NOT_PASSED_ON, ...families, 'Content-Range'].sort(),
    );
  });

  it('states the log bounds of src/logging/log-bounds.ts', () => {
    const start = readme.indexOf('<!-- log-bounds -->');
    const lines = readme.slice(start).split('\n');
    const together = lines.findIndex((line) => line.startsWith('Together'));
    const bounds = lines
      .slice(0, together)
      .filter((line) => /^\| .*\| \d/.test(line))
      .map((line) => Number(/\| ([\d,]+)[^|]*\|$/.exec(line)![1]!.replace(/,/g, '')));
    expect(bounds).toEqual([MAX_TEXT, MAX_TEXT, MAX_NAME, MAX_STACK, MAX_CAUSE_DEPTH, MAX_LISTED]);
    expect(lines[together]).toContain(`under ${MAX_LOG_LINE.toLocaleString('en-US')} characters`);
  });

  it('shows the two set-up commands of a fresh clone', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('links no file by a relative path', () => {
    // The README is read in the npm package too, which leaves out BENCHMARKS.md, docs/ and examples/.
    expect(LINKS.filter((target) => !/^[a-z]+:/.test(target))).toEqual([]);
  });

  it('links BENCHMARKS.md, the response-codes page and the example server by GitHub URLs of files that exist', () => {
    const files = LINKS.filter((target) => target.startsWith(BLOB)).map((target) =>
      target.slice(BLOB.length),
    );
    expect(new Set(files)).toEqual(
      new Set(['BENCHMARKS.md', 'docs/response-codes.md', 'examples/server.ts', 'examples/app.ts']),
    );
    expect(files.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
  });
});
