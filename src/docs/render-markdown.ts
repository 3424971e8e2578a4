import { codeAnchor } from '../catalog/anchor.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import type { Configuration } from '../handler/options.js';
import { exampleProblem, isErrorEntry } from './example-problem.js';
import type { ClassSection, StatusSection } from './page-sections.js';
import { INTRODUCTION } from './page-text.js';

/**
 * The page as GitHub-flavoured markdown. Anchors are `<a id>` elements named
 * by the code, since generated heading ids change with the title.
 */
export function renderMarkdown(
  title: string,
  sections: readonly ClassSection[],
  config: Configuration,
): string {
  const lines = [`# ${inline(title)}`, '', INTRODUCTION, '', '## Contents', ''];
  for (const section of sections) {
    const links = section.statuses.map(({ entry }) => link(codeAnchor(entry))).join(' · ');
    lines.push(`- [${section.title}](#${section.id}): ${links}`);
  }
  for (const section of sections) {
    lines.push('', `<a id="${section.id}"></a>`, '', `## ${section.title}`);
    for (const status of section.statuses) lines.push('', ...statusLines(status, config));
  }
  return `${lines.join('\n')}\n`;
}

function statusLines({ entry, subCodes }: StatusSection, config: Configuration): string[] {
  const anchor = codeAnchor(entry);
  const lines = [
    `<a id="${anchor}"></a>`,
    '',
    `### ${anchor} ${inline(entry.title)}`,
    '',
    `\`${entry.name}\`: ${inline(entry.description)}`,
  ];
  if (entry.headers?.length) lines.push('', `Headers: ${headerList(entry)}`);
  if (subCodes.length > 0) {
    lines.push(
      '',
      '| Sub-code | Code | Title | Description | Headers |',
      '| --- | --- | --- | --- | --- |',
      ...subCodes.map(
        (sub) =>
          `| <a id="${codeAnchor(sub)}"></a>${link(codeAnchor(sub))} | \`${sub.name}\` | ${cell(sub.title)} | ${cell(sub.description)} | ${headerList(sub, true)} |`,
      ),
    );
  }
  if (isErrorEntry(entry)) {
    lines.push('', `Example (\`${entry.name}\`):`, '', ...jsonBlock(entry, config));
    if (subCodes.length > 0) {
      lines.push('', '<details><summary>Examples of the sub-codes</summary>');
      for (const sub of subCodes) {
        lines.push('', `${codeAnchor(sub)} \`${sub.name}\`:`, '', ...jsonBlock(sub, config));
      }
      lines.push('', '</details>');
    }
  }
  return lines;
}

function jsonBlock(entry: CatalogEntry, config: Configuration): string[] {
  return ['```json', JSON.stringify(exampleProblem(entry, config), null, 2), '```'];
}

function link(anchor: string): string {
  return `[${anchor}](#${anchor})`;
}

/**
 * The header names as code spans; in a table cell, with pipes escaped (GFM
 * reads a cell's pipes before its code spans). A header name may hold a
 * backtick or a pipe: both are token characters (RFC 9110 §5.6.2).
 */
function headerList(entry: CatalogEntry, inTable = false): string {
  return (entry.headers ?? [])
    .map((name) => (inTable ? codeSpan(name).replace(/\|/g, '\\|') : codeSpan(name)))
    .join(', ');
}

/** `text` as a CommonMark code span: fenced by more backticks than any run in it. */
function codeSpan(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Text in a table cell: as `inline`, whose escapes include the pipe. */
function cell(text: string): string {
  return inline(text);
}

/**
 * The ASCII punctuation that could start markdown (emphasis, code, links,
 * images, autolinks, HTML, entities, strikethrough, a table's pipe), each
 * backslash-escaped (CommonMark §2.4), so that the page shows a catalog's
 * text as written, as the HTML page does.
 */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]<>!&~|#]/g;

/**
 * The line breaks a run of white space may hold. CommonMark ends a line only
 * at CR or LF (§2.1), but JavaScript renderers such as marked also end one at
 * U+2028 and U+2029 (ECMAScript's line terminators: `.` does not match them),
 * which cut a table row short; U+0085 (NEL) is a line break to Unicode (UAX
 * #14). `defineCatalog` refuses NEL as a C1 control; it is here all the same,
 * since this writer must not rely on that.
 */
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;

/** Text on one line, shown as written (see `MARKDOWN_PUNCTUATION`). */
function inline(text: string): string {
  // Each run of white space once, so that a long one costs linear time.
  return text
    .replace(/[\s\u0085]+/g, (run) => (LINE_BREAK.test(run) ? ' ' : run))
    .replace(MARKDOWN_PUNCTUATION, '\\$&');
}
