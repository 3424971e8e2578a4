import { createHash } from 'node:crypto';
import { codeAnchor } from '../catalog/anchor.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';
import type { Configuration } from '../handler/options.js';
import { exampleProblem, isErrorEntry } from './example-problem.js';
import type { ClassSection, StatusSection } from './page-sections.js';
import { INTRODUCTION } from './page-text.js';

// One page, no external assets: it works offline, and under `PAGE_CONTENT_SECURITY_POLICY`.
const STYLE = `
:root { color-scheme: light dark; --muted: #666; --rule: #ccc; --code: rgba(127,127,127,.12); }
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
h1, h2, h3 { line-height: 1.2; }
h2 { border-bottom: 2px solid var(--rule); padding-bottom: .2em; margin-top: 2.5em; }
h3 { margin-top: 2em; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
code { background: var(--code); padding: .05em .3em; border-radius: 3px; }
pre { background: var(--code); padding: .75em 1em; overflow-x: auto; border-radius: 4px; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid var(--rule); padding: .35em .5em; text-align: left; vertical-align: top; }
th { background: var(--code); }
td code { white-space: nowrap; }
nav ul { padding-left: 1.2em; }
nav li { margin: .15em 0; }
.codes a { margin-right: .4em; }
.headers { color: var(--muted); }
:target { outline: 2px solid #e8a317; outline-offset: 2px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  pre { white-space: pre-wrap; border: 1px solid var(--rule); }
  section.status, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

/**
 * The Content-Security-Policy the page needs, and no more: its one inline
 * stylesheet, by hash (CSP Level 3 §8.4), and nothing else: no script, no
 * image, no frame, no form, no base URL. The page is static, so a catalog
 * text that got past the escaping could still run nothing.
 */
export const PAGE_CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The page as one self-contained HTML document, with a table of contents. */
export function renderHtml(
  title: string,
  sections: readonly ClassSection[],
  config: Configuration,
): string {
  const parts = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escape(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escape(title)}</h1>`,
    `<p>${prose(INTRODUCTION)}</p>`,
    tableOfContents(sections),
  ];
  for (const section of sections) {
    parts.push(`<section id="${section.id}">`, `<h2>${escape(section.title)}</h2>`);
    for (const status of section.statuses) parts.push(statusSection(status, config));
    parts.push('</section>');
  }
  parts.push('</main>', '</body>', '</html>');
  return `${parts.join('\n')}\n`;
}

function tableOfContents(sections: readonly ClassSection[]): string {
  const items = sections.map((section) => {
    const codes = section.statuses
      .map(({ entry }) => {
        const anchor = codeAnchor(entry);
        return `<a href="#${anchor}" title="${escape(entry.title)}">${anchor}</a>`;
      })
      .join(' ');
    return `<li><a href="#${section.id}">${escape(section.title)}</a><div class="codes">${codes}</div></li>`;
  });
  return `<nav aria-label="Contents">\n<h2>Contents</h2>\n<ul>\n${items.join('\n')}\n</ul>\n</nav>`;
}

function statusSection({ entry, subCodes }: StatusSection, config: Configuration): string {
  const anchor = codeAnchor(entry);
  const parts = [
    `<section class="status" id="${anchor}">`,
    `<h3>${anchor} ${escape(entry.title)}</h3>`,
    `<p><code>${escape(entry.name)}</code>: ${escape(entry.description)}</p>`,
  ];
  if (entry.headers?.length) {
    parts.push(`<p class="headers">Headers: ${headerList(entry)}</p>`);
  }
  if (subCodes.length > 0) {
    parts.push(
      '<table>',
      '<thead><tr><th>Sub-code</th><th>Code</th><th>Title</th><th>Description</th><th>Headers</th></tr></thead>',
      '<tbody>',
      ...subCodes.map((sub) => {
        const subAnchor = codeAnchor(sub);
        return `<tr id="${subAnchor}"><td><a href="#${subAnchor}">${subAnchor}</a></td><td><code>${escape(sub.name)}</code></td><td>${escape(sub.title)}</td><td>${escape(sub.description)}</td><td>${headerList(sub)}</td></tr>`;
      }),
      '</tbody>',
      '</table>',
    );
  }
  if (isErrorEntry(entry)) {
    parts.push(`<p>Example (<code>${escape(entry.name)}</code>):</p>`, example(entry, config));
    if (subCodes.length > 0) {
      // Not in <details>: a closed one would not print.
      parts.push('<div class="examples">', '<p><strong>Examples of the sub-codes</strong></p>');
      for (const sub of subCodes) {
        parts.push(
          `<p>${codeAnchor(sub)} <code>${escape(sub.name)}</code>:</p>`,
          example(sub, config),
        );
      }
      parts.push('</div>');
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

function example(entry: CatalogEntry, config: Configuration): string {
  const json = JSON.stringify(exampleProblem(entry, config), null, 2);
  return `<pre><code>${escape(json)}</code></pre>`;
}

function headerList(entry: CatalogEntry): string {
  return (entry.headers ?? []).map((name) => `<code>${escape(name)}</code>`).join(', ');
}

/** Text with `code` spans, as the shared introduction is written. */
function prose(text: string): string {
  return escape(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in element content and in double-quoted attributes. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}
