import { writeFile } from 'node:fs/promises';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { catalogToJson } from '../docs/catalog-json.js';
import { diffCatalogs } from '../docs/diff-catalogs.js';
import { toOpenApi } from '../docs/openapi.js';
import {
  isPageFormat,
  PAGE_FORMATS,
  pageFormatList,
  renderResponseCodes,
} from '../docs/render-response-codes.js';
import { parseBaseUri } from '../options/parse.js';
import { CatalogLoadError, loadCatalog } from './load-catalog.js';
import { packageVersion } from './package-version.js';

/** Where the CLI writes; the process's streams, or a test's buffers. */
export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Exit codes: as diff(1), 1 for breaking differences and 2 for trouble. */
export const EXIT = { ok: 0, breaking: 1, trouble: 2 } as const;

/** The format `docs` renders without --format. */
const DEFAULT_FORMAT = 'markdown';
/** Every name --format takes. */
const FORMATS: readonly string[] = [...Object.keys(PAGE_FORMATS), 'openapi', 'json'];
/** The formats as the help and messages list them: `markdown (or md), html, openapi or json`. */
const FORMAT_LIST = orList([...pageFormatList(), 'openapi', 'json']);

export const HELP = `Usage: express-api-errors <command> [options]

Commands:
  docs [options]         Render the catalog's response-codes page, OpenAPI components or JSON
  diff OLD NEW           Compare two catalogs; exit 1 if a code was removed, renumbered,
                         renamed, moved to another status or reused for a new meaning

Options:
  -h, --help             Show this help
  -v, --version          Show the version of express-api-errors

Options of docs:
  --format FORMAT        ${FORMAT_LIST}; defaults to ${DEFAULT_FORMAT}
  --catalog PATH         A catalog module (ESM or CommonJS, exporting \`catalog\` or a
                         default) or its JSON form; defaults to the built-in catalog
  --type-base-uri URI    Where the page is served: problem types link to its anchors
  --title TEXT           The page's heading, or the OpenAPI document's info.title
  --api-version VERSION  The OpenAPI document's info.version (openapi only)
  --out FILE             Write to FILE instead of standard output

OLD and NEW are catalog modules or JSON files, as for --catalog.
`;

/** A mistake in the command line, said in one line. */
class UsageError extends Error {}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function run(argv: readonly string[], output: Output): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      // A command line that asks for nothing is a mistake (a script's variable left empty), not a
      // request for help: the help goes where mistakes go, and the exit code says so.
      output.stderr(HELP);
      return EXIT.trouble;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      output.stdout(HELP);
      return EXIT.ok;
    }
    if (command === '-v' || command === '--version' || command === 'version') {
      output.stdout(`${packageVersion(process.argv[1]!)}\n`);
      return EXIT.ok;
    }
    if (command === 'docs') return await docs(rest, output);
    if (command === 'diff') return await diff(rest, output);
    throw new UsageError(`unknown command "${command}": use docs or diff`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof CatalogLoadError) {
      output.stderr(
        `express-api-errors: ${error.message}${error instanceof UsageError ? ' (see --help)' : ''}\n`,
      );
      return EXIT.trouble;
    }
    // What the library refuses of a catalog it was given (two entries that make one OpenAPI
    // key): a message to act on, not a stack.
    if (isOptionError(error)) {
      output.stderr(`express-api-errors: ${error.message}\n`);
      return EXIT.trouble;
    }
    throw error;
  }
}

async function docs(argv: readonly string[], output: Output): Promise<number> {
  const { values } = parse(argv, {
    format: { type: 'string' },
    catalog: { type: 'string' },
    'type-base-uri': { type: 'string' },
    title: { type: 'string' },
    'api-version': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    output.stdout(HELP);
    return EXIT.ok;
  }
  const format = (values.format as string | undefined) ?? DEFAULT_FORMAT;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format must be ${FORMAT_LIST}, got "${format}"`);
  }
  const typeBaseUri = checkBaseUri(values['type-base-uri'] as string | undefined);
  const title = values.title as string | undefined;
  const version = values['api-version'] as string | undefined;
  if (title !== undefined && format === 'json') {
    throw new UsageError('--title is for the page and openapi formats, not json');
  }
  if (version !== undefined && format !== 'openapi') {
    throw new UsageError('--api-version is for --format openapi');
  }
  const catalog = await loadCatalog(values.catalog as string | undefined);
  let text: string;
  try {
    text = isPageFormat(format)
      ? renderResponseCodes(catalog, { format, typeBaseUri, title })
      : format === 'openapi'
        ? `${JSON.stringify(toOpenApi(catalog, { typeBaseUri, title, version }), null, 2)}\n`
        : `${JSON.stringify(catalogToJson(catalog), null, 2)}\n`;
  } catch (error) {
    // The library checks the title and version (an empty one shows nothing): its refusal is
    // said of the flag that gave the option.
    throw (isOptionError(error) && flagError(error)) || error;
  }
  const out = values.out as string | undefined;
  if (out === undefined) {
    output.stdout(text);
  } else {
    try {
      await writeFile(out, text);
    } catch (error) {
      throw new UsageError(`cannot write ${out}: ${(error as Error).message}`);
    }
  }
  return EXIT.ok;
}

async function diff(argv: readonly string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    output.stdout(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 2) {
    throw new UsageError(`diff takes two catalogs, OLD and NEW, got ${positionals.length}`);
  }
  const [before, after] = await Promise.all(positionals.map((path) => loadCatalog(path)));
  const changes = diffCatalogs(before!, after!);
  const breaking = changes.filter((change) => change.breaking);
  for (const change of changes) {
    output.stdout(`${change.breaking ? 'breaking' : 'non-breaking'}: ${change.message}\n`);
  }
  output.stdout(
    changes.length === 0
      ? 'The catalogs document the same codes.\n'
      : `${breaking.length} breaking, ${changes.length - breaking.length} non-breaking change${changes.length - breaking.length === 1 ? '' : 's'}.\n`,
  );
  return breaking.length > 0 ? EXIT.breaking : EXIT.ok;
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** `parseArgs`, strict, with its errors as one-line usage errors. */
function parse(
  argv: readonly string[],
  options: Options,
  allowPositionals = false,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(usageMessage(error as Error & { code?: string }));
  }
}

function usageMessage(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `${option ?? 'an option'} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']+)'/.exec(error.message)?.[1] ?? ''}`.trim();
    default:
      return error.message.split('\n')[0]!;
  }
}

function checkBaseUri(value: string | undefined): string | undefined {
  try {
    return parseBaseUri('docs', '--type-base-uri', value);
  } catch {
    throw new UsageError(
      `--type-base-uri must be an absolute http, https, urn or tag URI without a fragment, such as https://api.example.com/docs/errors, got "${value}"`,
    );
  }
}

/** The flags of docs that give an option of the library, by the option's name. */
const FLAG_OF_OPTION: ReadonlyMap<string, string> = new Map([
  ['title', '--title'],
  ['version', '--api-version'],
]);

/**
 * The library's refusal of an option that a flag gave, said of the flag:
 * `toOpenApi(): \`version\` must be …` is `--api-version must be …`.
 */
function flagError(error: Error): UsageError | undefined {
  const [, option, rest] = /^[\w.]+\(\): `(\w+)` ([\s\S]*)$/.exec(error.message) ?? [];
  const flag = option === undefined ? undefined : FLAG_OF_OPTION.get(option);
  return flag === undefined ? undefined : new UsageError(`${flag} ${rest}`);
}

/** `a, b or c`. */
function orList(items: readonly string[]): string {
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** An error of this library about what it was given: its code starts with `ERR_EAE_`. */
function isOptionError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_EAE_');
}
