/**
 * The `express-api-errors` command, run as a process (through tsx, on the
 * sources): its output and exit code for each command and each mistake.
 * test/pack/smoke.sh runs the built one from the packed tarball.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultCatalog,
  defaultEntries,
  renderResponseCodes,
  toOpenApi,
  type CatalogEntry,
} from '../../src/index.js';
import { HELP } from '../../src/cli/run.js';
import { buildForPlainNode } from '../helpers/plain-node-build.js';

const ROOT = join(__dirname, '../..');
const FIXTURES = join(__dirname, 'fixtures');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const TIMEOUT = 30_000;
const entries: readonly CatalogEntry[] = defaultEntries;

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX, join(ROOT, 'src/cli/bin.ts'), ...args],
      { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Runs the command in bash with its standard output sent on as `tail` says (`| head -c 1`,
 * `> /dev/full`), under `set -o pipefail`: the exit code is the command's own.
 */
function cliInShell(tail: string, ...args: string[]): Promise<Omit<Result, 'stdout'>> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [
        '-c',
        `set -o pipefail; "$@" ${tail}`,
        'bash',
        process.execPath,
        TSX,
        join(ROOT, 'src/cli/bin.ts'),
        ...args,
      ],
      { cwd: ROOT },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'eae-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a catalog's JSON form into the scratch folder. */
function jsonCatalog(name: string, entries: readonly object[]): string {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify({ entries }));
  return file;
}

describe('express-api-errors docs', () => {
  it(
    'prints the markdown page of the default catalog',
    async () => {
      expect(await cli('docs')).toEqual({
        code: 0,
        stdout: renderResponseCodes(defaultCatalog, { format: 'markdown' }),
        stderr: '',
      });
    },
    TIMEOUT,
  );

  it(
    'prints the markdown page for --format markdown, the function’s name, as for md',
    async () => {
      expect(await cli('docs', '--format', 'markdown')).toEqual({
        code: 0,
        stdout: renderResponseCodes(defaultCatalog, { format: 'markdown' }),
        stderr: '',
      });
    },
    TIMEOUT,
  );

  it(
    'prints the HTML page with type URIs',
    async () => {
      const { code, stdout } = await cli(
        'docs',
        '--format',
        'html',
        '--type-base-uri',
        'https://api.example.com/docs/errors',
      );
      expect(code).toBe(0);
      expect(stdout).toBe(
        renderResponseCodes(defaultCatalog, {
          format: 'html',
          typeBaseUri: 'https://api.example.com/docs/errors',
        }),
      );
    },
    TIMEOUT,
  );

  it(
    'prints the OpenAPI components and the catalog as JSON',
    async () => {
      const openapi = await cli('docs', '--format', 'openapi');
      expect(JSON.parse(openapi.stdout)).toEqual(toOpenApi(defaultCatalog));
      const json = await cli('docs', '--format=json');
      expect(JSON.parse(json.stdout)).toEqual({
        entries: JSON.parse(JSON.stringify(defaultEntries)),
      });
    },
    TIMEOUT,
  );

  it(
    'prints the page under the heading --title gives',
    async () => {
      expect(await cli('docs', '--format', 'html', '--title', 'Orders API errors')).toEqual({
        code: 0,
        stdout: renderResponseCodes(defaultCatalog, { format: 'html', title: 'Orders API errors' }),
        stderr: '',
      });
    },
    TIMEOUT,
  );

  it(
    'prints the OpenAPI components with the info.title and info.version of --title and --api-version',
    async () => {
      const { code, stdout } = await cli(
        'docs',
        '--format',
        'openapi',
        '--title',
        'Orders API',
        '--api-version',
        '1.4.0',
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(
        toOpenApi(defaultCatalog, { title: 'Orders API', version: '1.4.0' }),
      );
    },
    TIMEOUT,
  );

  it(
    'loads an ES module catalog and a CommonJS one',
    async () => {
      const esm = await cli('docs', '--catalog', join(FIXTURES, 'orders-catalog.mjs'));
      expect(esm.code).toBe(0);
      expect(esm.stdout).toContain('`ORDER_NOT_FOUND`');
      const cjs = await cli('docs', '--catalog', join(FIXTURES, 'orders-catalog.cjs'));
      expect(cjs.code).toBe(0);
      expect(cjs.stdout).toContain('`INVOICE_NOT_FOUND`');
    },
    TIMEOUT,
  );

  it(
    'ends once it has written, though the catalog module leaves a timer running',
    async () => {
      const result = await cli('docs', '--catalog', join(FIXTURES, 'keeps-running.mjs'));
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('`ORDER_NOT_FOUND`');
    },
    TIMEOUT,
  );

  it(
    'writes to --out and prints nothing',
    async () => {
      const out = join(scratch, 'errors.md');
      expect(await cli('docs', '--out', out)).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(readFileSync(out, 'utf8')).toBe(
        renderResponseCodes(defaultCatalog, { format: 'markdown' }),
      );
    },
    TIMEOUT,
  );

  it.each<[string, string[], string | RegExp]>([
    [
      'an unknown option',
      ['docs', '--formt', 'md'],
      'express-api-errors: unknown option --formt (see --help)\n',
    ],
    [
      'an option without its value',
      ['docs', '--catalog'],
      'express-api-errors: --catalog needs a value (see --help)\n',
    ],
    [
      'an unknown format',
      ['docs', '--format', 'pdf'],
      'express-api-errors: --format must be markdown (or md), html, openapi or json, got "pdf" (see --help)\n',
    ],
    [
      'an empty --title',
      ['docs', '--title', ' '],
      'express-api-errors: --title must be a non-empty string, got " " (see --help)\n',
    ],
    [
      'an empty --title for openapi',
      ['docs', '--format', 'openapi', '--title', ''],
      'express-api-errors: --title must be a non-empty string, got "" (see --help)\n',
    ],
    [
      'an empty --api-version',
      ['docs', '--format', 'openapi', '--api-version', ' '],
      'express-api-errors: --api-version must be a non-empty string, got " " (see --help)\n',
    ],
    [
      '--title with the json format, which has none',
      ['docs', '--format', 'json', '--title', 'Orders'],
      'express-api-errors: --title is for the page and openapi formats, not json (see --help)\n',
    ],
    [
      '--api-version with a format other than openapi',
      ['docs', '--api-version', '1.4.0'],
      'express-api-errors: --api-version is for --format openapi (see --help)\n',
    ],
    [
      'a relative type base URI',
      ['docs', '--type-base-uri', '/docs/errors'],
      'express-api-errors: --type-base-uri must be an absolute http, https, urn or tag URI without a fragment, such as https://api.example.com/docs/errors, got "/docs/errors" (see --help)\n',
    ],
    [
      'a javascript: type base URI',
      ['docs', '--type-base-uri', 'javascript:alert(1)'],
      'express-api-errors: --type-base-uri must be an absolute http, https, urn or tag URI without a fragment, such as https://api.example.com/docs/errors, got "javascript:alert(1)" (see --help)\n',
    ],
    [
      'a catalog that does not exist',
      ['docs', '--catalog', 'test/cli/fixtures/missing.mjs'],
      /^express-api-errors: cannot read catalog test\/cli\/fixtures\/missing\.mjs: Cannot find module .*\n$/,
    ],
    [
      'a JSON catalog file that does not exist',
      ['docs', '--catalog', 'README.md.json'],
      /^express-api-errors: cannot read catalog README\.md\.json: ENOENT: no such file or directory.*\n$/,
    ],
    [
      'an invalid catalog',
      ['docs', '--catalog', 'test/cli/fixtures/not-a-catalog.mjs'],
      'express-api-errors: invalid catalog test/cli/fixtures/not-a-catalog.mjs: defineCatalog(): `entries[0].name` must be SCREAMING_SNAKE_CASE, got "not snake case"\n',
    ],
    [
      'a module that exports no catalog',
      ['docs', '--catalog', 'test/cli/fixtures/no-export.mjs'],
      'express-api-errors: invalid catalog test/cli/fixtures/no-export.mjs: it exports no `catalog` and no default export\n',
    ],
    [
      'a catalog module whose top-level await never settles',
      ['docs', '--catalog', 'test/cli/fixtures/never-loads.mjs'],
      'express-api-errors: cannot read catalog test/cli/fixtures/never-loads.mjs: its module never finished loading (a top-level await in it never settles)\n',
    ],
    [
      'diff of a catalog module whose top-level await never settles',
      ['diff', 'test/cli/fixtures/orders-catalog.mjs', 'test/cli/fixtures/never-loads.mjs'],
      'express-api-errors: cannot read catalog test/cli/fixtures/never-loads.mjs: its module never finished loading (a top-level await in it never settles)\n',
    ],
    [
      'an unknown command',
      ['serve'],
      'express-api-errors: unknown command "serve": use docs or diff (see --help)\n',
    ],
    [
      'diff with one catalog',
      ['diff', 'a.json'],
      'express-api-errors: diff takes two catalogs, OLD and NEW, got 1 (see --help)\n',
    ],
  ])(
    'exits 2 with one line for %s',
    async (_case, args, message) => {
      const { code, stdout, stderr } = await cli(...args);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    'checks again the entries of a module whose catalog carries the brand but was not built by defineCatalog',
    async () => {
      const file = join(scratch, 'branded.mjs');
      writeFileSync(
        file,
        `export const catalog = { [Symbol.for('express-api-errors.Catalog')]: true, entries: [{ status: 200, subCode: '200.1"><script>alert(1)</script>', name: 'OK_1', title: 't', description: 'd' }], get() {}, has() {}, byName() {}, entryFor() {} };\n`,
      );
      const { code, stdout, stderr } = await cli('docs', '--format', 'html', '--catalog', file);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toMatch(
        /^express-api-errors: invalid catalog .*branded\.mjs: defineCatalog\(\): .*subCode.*\n$/,
      );
    },
    TIMEOUT,
  );

  it(
    'exits 2 with one line for a catalog whose entries make the same OpenAPI component key',
    async () => {
      const file = jsonCatalog('colliding.json', [
        ...entries,
        { status: 461, name: 'ERROR2', title: 'First', description: 'first' },
        { status: 462, name: 'ERROR_2', title: 'Second', description: 'second' },
      ]);
      expect(await cli('docs', '--format', 'openapi', '--catalog', file)).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'express-api-errors: toOpenApi(): `ERROR2` (461) and `ERROR_2` (462) make the same OpenAPI component key `Error2`: rename one of them\n',
      });
    },
    TIMEOUT,
  );

  it.each([
    [
      'a module whose default export is a promise',
      'promised.mjs',
      `export default Promise.resolve([]);\n`,
      'its default export is a promise: export the catalog itself, awaiting it at the top of the module if need be',
    ],
    [
      'a module whose `catalog` export is null, rather than fall back to its default export',
      'null-catalog.mjs',
      `export const catalog = null;\nexport default [{ status: 404, name: 'NF', title: 't', description: 'd' }];\n`,
      'its `catalog` export must be a catalog from defineCatalog(), { entries: [...] } or an array of entries, got null',
    ],
    [
      'a JSON catalog that is not one',
      'null.json',
      'null',
      'its JSON must be { "entries": [...] } or an array of entries, got null',
    ],
  ])(
    'refuses %s, naming the catalog once',
    async (_case, name, source, reason) => {
      const file = join(scratch, name);
      writeFileSync(file, source);
      expect(await cli('docs', '--catalog', file)).toEqual({
        code: 2,
        stdout: '',
        stderr: `express-api-errors: invalid catalog ${file}: ${reason}\n`,
      });
    },
    TIMEOUT,
  );

  it(
    'reads a JSON catalog that starts with a byte order mark',
    async () => {
      const file = join(scratch, 'bom.json');
      writeFileSync(file, `\uFEFF${JSON.stringify({ entries: defaultEntries })}`);
      expect(await cli('docs', '--catalog', file)).toEqual({
        code: 0,
        stdout: renderResponseCodes(defaultCatalog, { format: 'markdown' }),
        stderr: '',
      });
    },
    TIMEOUT,
  );

  it(
    'refuses a catalog file whose JSON is malformed',
    async () => {
      const file = join(scratch, 'broken.json');
      writeFileSync(file, '{ "entries": [');
      const { code, stderr } = await cli('docs', '--catalog', file);
      expect(code).toBe(2);
      expect(stderr).toMatch(
        /^express-api-errors: cannot read catalog .*broken\.json: .*JSON.*\n$/,
      );
    },
    TIMEOUT,
  );

  it(
    'ends quietly, with its own exit code, when the reader of its output goes away',
    async () => {
      expect(await cliInShell('| head -c 1 > /dev/null', 'docs', '--format', 'openapi')).toEqual({
        code: 0,
        stderr: '',
      });
    },
    TIMEOUT,
  );

  (existsSync('/dev/full') ? it : it.skip)(
    'exits 2 with one line when its output cannot be written',
    async () => {
      expect(await cliInShell('> /dev/full', 'docs')).toEqual({
        code: 2,
        stderr:
          'express-api-errors: cannot write to standard output: ENOSPC: no space left on device, write\n',
      });
    },
    TIMEOUT,
  );

  it(
    'prints its help for --help',
    async () => {
      expect(await cli('--help')).toEqual({ code: 0, stdout: HELP, stderr: '' });
      expect(HELP).toContain('docs [options]');
    },
    TIMEOUT,
  );

  it('says in its help that markdown, also spelt md, is the default format', () => {
    expect(HELP).toContain(
      '  --format FORMAT        markdown (or md), html, openapi or json; defaults to markdown\n',
    );
  });

  it(
    'prints the version of its package.json for --version',
    async () => {
      const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(await cli('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    },
    TIMEOUT,
  );

  it.each(['-v', 'version'])(
    'prints the version of its package.json for %s, as for --version',
    async (command) => {
      const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(await cli(command)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    },
    TIMEOUT,
  );

  it('lists -v, --version with -h, --help among the options of its help', () => {
    expect(HELP).toContain(
      'Options:\n  -h, --help             Show this help\n  -v, --version          Show the version of express-api-errors\n',
    );
  });

  it(
    'exits 2 with its help on standard error for no command',
    async () => {
      expect(await cli()).toEqual({ code: 2, stdout: '', stderr: HELP });
    },
    TIMEOUT,
  );
});

describe('express-api-errors diff', () => {
  const order = {
    status: 404,
    subCode: '404.71',
    name: 'ORDER_NOT_FOUND',
    title: 'Order not found',
    description: 'No order has this id.',
  };

  it(
    'exits 0 and reports additions and edits as non-breaking',
    async () => {
      const before = jsonCatalog('before.json', defaultEntries);
      const after = jsonCatalog('after.json', [
        ...entries.map((entry) =>
          entry.subCode === '401.24' ? { ...entry, title: 'Access token expired' } : entry,
        ),
        order,
      ]);
      expect(await cli('diff', before, after)).toEqual({
        code: 0,
        stdout:
          'non-breaking: 401.24 TOKEN_EXPIRED: title changed\n' +
          'non-breaking: 404.71 ORDER_NOT_FOUND was added\n' +
          '0 breaking, 2 non-breaking changes.\n',
        stderr: '',
      });
    },
    TIMEOUT,
  );

  it(
    'exits 1 on a removed, renumbered, renamed or moved code, and says what changed',
    async () => {
      const before = jsonCatalog('old.json', [...defaultEntries, order]);
      const after = jsonCatalog('new.json', [
        ...entries
          .filter((entry) => entry.subCode !== '401.30')
          .map((entry) => {
            if (entry.subCode === '401.24') return { ...entry, subCode: '401.25' };
            if (entry.subCode === '403.21') return { ...entry, name: 'ACCESS_DENIED' };
            return entry;
          }),
        { ...order, status: 410, subCode: '410.71' },
      ]);
      const { code, stdout } = await cli('diff', before, after);
      expect(code).toBe(1);
      expect(stdout.split('\n')).toEqual([
        'breaking: 401.24 TOKEN_EXPIRED is now 401.25',
        expect.stringMatching(/^breaking: 401\.30 [A-Z_]+ was removed$/),
        expect.stringMatching(/^breaking: 403\.21 was [A-Z_]+, is now ACCESS_DENIED$/),
        'breaking: 404.71 ORDER_NOT_FOUND changed status: it is now 410.71',
        '4 breaking, 0 non-breaking changes.',
        '',
      ]);
    },
    TIMEOUT,
  );

  it(
    'exits 1 on a sub-code reused for a new meaning, and prints every change of it',
    async () => {
      const unauthorized = entries.find((entry) => entry.status === 401 && !entry.subCode)!;
      const expired = entries.find((entry) => entry.subCode === '401.24')!;
      const before = jsonCatalog('reuse-old.json', [unauthorized, expired]);
      const after = jsonCatalog('reuse-new.json', [
        unauthorized,
        { ...expired, name: 'SESSION_REVOKED', title: 'Session revoked', description: 'Revoked.' },
        { ...expired, subCode: '401.25', description: 'The token expired.' },
      ]);
      expect(await cli('diff', before, after)).toEqual({
        code: 1,
        stdout:
          'breaking: 401.24 TOKEN_EXPIRED is now 401.25\n' +
          'breaking: 401.24 is reused: it was TOKEN_EXPIRED, is now SESSION_REVOKED\n' +
          'non-breaking: 401.25 TOKEN_EXPIRED: description changed\n' +
          '2 breaking, 1 non-breaking change.\n',
        stderr: '',
      });
    },
    TIMEOUT,
  );

  it(
    'compares a module with a JSON file',
    async () => {
      const before = jsonCatalog('default.json', defaultEntries);
      expect(await cli('diff', before, join(FIXTURES, 'orders-catalog.mjs'))).toEqual({
        code: 0,
        stdout:
          'non-breaking: 404.71 ORDER_NOT_FOUND was added\n0 breaking, 1 non-breaking change.\n',
        stderr: '',
      });
      const same = await cli('diff', before, before);
      expect(same.stdout).toBe('The catalogs document the same codes.\n');
    },
    TIMEOUT,
  );
});

describe('express-api-errors run by plain Node, as npx runs the built one', () => {
  /** Whether this Node loads TypeScript itself (type stripping, on by default from 22.18 and 23.6). */
  const stripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);
  let bin: string;
  beforeAll(() => {
    bin = buildForPlainNode(join(scratch, 'plain'));
  });

  function plainCli(nodeOptions: string, ...args: string[]): Promise<Result> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, ...args],
        { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: nodeOptions } },
        (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      );
    });
  }

  it(
    'prints its version when run as node cli/bin, without the .js',
    async () => {
      const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      };
      const result = await new Promise<Result>((resolve) => {
        execFile(
          process.execPath,
          [bin.slice(0, -'.js'.length), '--version'],
          { cwd: ROOT },
          (error, stdout, stderr) => {
            resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
          },
        );
      });
      expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    },
    TIMEOUT,
  );

  (stripsTypes ? it.skip : it)(
    "refuses a TypeScript catalog, saying to run it with NODE_OPTIONS='--import tsx', with which it loads",
    async () => {
      const file = join(scratch, 'catalog.ts');
      writeFileSync(
        file,
        [
          'interface Entry { status: number; name: string; title: string; description: string }',
          "const entries: Entry[] = [{ status: 404, name: 'NOT_FOUND', title: 'Not Found', description: 'Nothing here.' }];",
          'export default entries;',
          '',
        ].join('\n'),
      );
      expect(await plainCli('', 'docs', '--catalog', file)).toEqual({
        code: 2,
        stdout: '',
        stderr: `express-api-errors: cannot read catalog ${file}: Node ${process.version} does not load TypeScript by itself: run the command with NODE_OPTIONS='--import tsx' (tsx installed in your project), or give it the compiled JavaScript\n`,
      });
      const { code, stdout } = await plainCli(
        '--import tsx',
        'docs',
        '--format=json',
        '--catalog',
        file,
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        entries: [
          { status: 404, name: 'NOT_FOUND', title: 'Not Found', description: 'Nothing here.' },
        ],
      });
    },
    TIMEOUT,
  );
});
