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
          `| <a id="${codeAnchor(sub)}"></a>${link(codeAnchor(sub))} | \`${sub.name}\` | ${cell(sub.title)} | ${cell(sub.description)} | ${headerList(sub)} |`,
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

function headerList(entry: CatalogEntry): string {
  return (entry.headers ?? []).map((name) => `\`${name}\``).join(', ');
}

/** Text in a table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** Text on one line, with the characters that would start HTML escaped. */
function inline(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/</g, '&lt;');
}
