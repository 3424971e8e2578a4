import { isCatalog, type Catalog } from '../catalog/catalog.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkOptionNames, optionNames } from '../options/option-names.js';
import { checkOptionsObject, parseBaseUri } from '../options/parse.js';
import { exampleConfiguration } from './example-problem.js';
import { pageSections } from './page-sections.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';

/**
 * The formats of the response-codes page, under each name they go by: `md`,
 * the command line's (and the file extension), is `markdown`. The one place
 * where the names are mapped.
 */
export const PAGE_FORMATS = { md: 'markdown', markdown: 'markdown', html: 'html' } as const;

/**
 * The formats of the response-codes page: `markdown` or `html`, one name
 * each, so that a `Record<ResponseCodesFormat, …>` or a switch over them is
 * complete. `renderResponseCodes()` takes `md` for `markdown` too.
 */
export type ResponseCodesFormat = (typeof PAGE_FORMATS)[keyof typeof PAGE_FORMATS];

/** Every name of a format: `md`, `markdown` or `html`. */
export type PageFormatName = keyof typeof PAGE_FORMATS;

// The option's type names `md` by hand, to read plainly in the declarations: it must be every
// name of PAGE_FORMATS, no more, or this fails to compile.
const OPTION_NAMES_ARE_THE_TABLE: [PageFormatName] extends [RenderResponseCodesOptions['format']]
  ? [RenderResponseCodesOptions['format']] extends [PageFormatName]
    ? true
    : false
  : false = true;
void OPTION_NAMES_ARE_THE_TABLE;

/** Whether `format` names a format of the page. */
export function isPageFormat(format: unknown): format is PageFormatName {
  return typeof format === 'string' && Object.hasOwn(PAGE_FORMATS, format);
}

/**
 * The page's formats as a message lists them, each with its other names:
 * `['markdown (or md)', 'html']`; `quote` marks each name.
 */
export function pageFormatList(quote: (name: string) => string = (name) => name): string[] {
  const formats = [...new Set(Object.values(PAGE_FORMATS))];
  return formats.map((format) => {
    const others = Object.entries(PAGE_FORMATS)
      .filter(([name, each]) => each === format && name !== format)
      .map(([name]) => quote(name));
    return others.length === 0 ? quote(format) : `${quote(format)} (or ${others.join(' or ')})`;
  });
}

export interface RenderResponseCodesOptions {
  /** `markdown` (GitHub-flavoured; or `md`) or `html` (one self-contained page). Required. */
  format: ResponseCodesFormat | 'md';
  /**
   * Where the page is served, as given to `errorHandler({ typeBaseUri })`:
   * the examples' `type` is then each code's anchor on it. Defaults to none
   * (`about:blank`).
   */
  typeBaseUri?: string | undefined;
  /** The page's heading. Defaults to `Response codes`. */
  title?: string | undefined;
}

const FACTORY = 'renderResponseCodes()';
const OPTION_NAMES = optionNames<RenderResponseCodesOptions>()(['format', 'typeBaseUri', 'title']);

/**
 * The response-codes page of a catalog, in markdown or HTML: success,
 * redirection, client errors and server errors, each code with its title,
 * description, headers, sub-codes and the problem body `errorHandler` sends
 * for it. Each code has a stable anchor, its code itself (`#401.24`).
 */
export function renderResponseCodes(catalog: Catalog, options: RenderResponseCodesOptions): string {
  checkCatalog(FACTORY, catalog);
  checkOptionsObject(FACTORY, options, "{ format: 'html' }");
  checkOptionNames(FACTORY, options, OPTION_NAMES);
  const { format, title = 'Response codes' } = options;
  if (!isPageFormat(format)) {
    throw optionError(
      FACTORY,
      format === undefined ? 'ERR_EAE_OPTION_MISSING' : 'ERR_EAE_OPTION_TYPE',
      `\`format\` must be ${pageFormatList((name) => `'${name}'`).join(' or ')}, got ${describeValue(format)}`,
    );
  }
  parseTitle(FACTORY, title);
  const typeBaseUri = parseBaseUri(FACTORY, 'typeBaseUri', options.typeBaseUri);
  const config = exampleConfiguration(catalog, typeBaseUri);
  const sections = pageSections(catalog);
  return PAGE_FORMATS[format] === 'html'
    ? renderHtml(title, sections, config)
    : renderMarkdown(title, sections, config);
}

/** A page title: a non-empty string. */
export function parseTitle(factory: string, title: unknown): string {
  if (typeof title !== 'string' || title.trim() === '') {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`title\` must be a non-empty string, got ${describeValue(title)}`,
    );
  }
  return title;
}

/** Refuses a catalog not built with defineCatalog(). */
export function checkCatalog(factory: string, catalog: unknown): asserts catalog is Catalog {
  if (!isCatalog(catalog)) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`catalog\` must be built with defineCatalog(), got ${describeValue(catalog)}`,
    );
  }
}
