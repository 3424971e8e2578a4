import {
  ApiError,
  defaultCatalog,
  defaultEntries,
  defineCatalog,
  renderResponseCodes,
  type CatalogEntry,
} from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { ordersCatalog, TYPE_BASE_URI } from '../helpers/docs-catalog.js';
import request from 'supertest';

const markdown = renderResponseCodes(defaultCatalog, { format: 'markdown' });
const html = renderResponseCodes(defaultCatalog, { format: 'html' });

/** The JSON examples of a markdown page, in order. */
function markdownExamples(page: string): Record<string, unknown>[] {
  return [...page.matchAll(/```json\n([\s\S]*?)\n```/g)].map(
    (match) => JSON.parse(match[1]!) as Record<string, unknown>,
  );
}

/** The JSON examples of an HTML page, in order. */
function htmlExamples(page: string): Record<string, unknown>[] {
  return [...page.matchAll(/<pre><code>([\s\S]*?)<\/code><\/pre>/g)].map(
    (match) =>
      JSON.parse(
        match[1]!
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      ) as Record<string, unknown>,
  );
}

const code = (entry: CatalogEntry): string => entry.subCode ?? String(entry.status);
const isError = (entry: CatalogEntry): boolean => entry.status >= 400;

describe('renderResponseCodes', () => {
  it.each(defaultCatalog.entries.map((entry) => [code(entry), entry] as const))(
    'shows %s with its anchor, name and title on both pages',
    (anchor, entry) => {
      expect(markdown).toContain(`<a id="${anchor}"></a>`);
      expect(markdown).toContain(`\`${entry.name}\``);
      expect(markdown).toContain(entry.title);
      expect(html).toContain(`id="${anchor}"`);
      expect(html).toContain(`<code>${entry.name}</code>`);
    },
  );

  it('shows one example per error entry on each page, the body errorHandler sends for it', async () => {
    const errors = [...defaultCatalog.entries].filter(isError);
    const fromMarkdown = markdownExamples(markdown);
    const fromHtml = htmlExamples(html);
    expect(fromMarkdown).toHaveLength(errors.length);
    expect(fromHtml).toEqual(fromMarkdown);
    const byCode = new Map(
      fromMarkdown.map((example) => [example.subCode ?? example.status, example]),
    );
    for (const entry of errors) {
      const app = createApp((a) =>
        a.get('/orders/42', (_req, _res, next) => {
          next(new ApiError(entry.status, undefined, { subCode: entry.subCode as never }));
        }),
      );
      const sent = await request(app)
        .get('/orders/42')
        .set('X-Request-Id', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
      expect(byCode.get(entry.subCode ?? entry.status)).toEqual(JSON.parse(sent.text));
    }
  });

  it('groups codes as success, redirection, client errors and server errors, in that order', () => {
    const headings = [...markdown.matchAll(/^## (.*)$/gm)].map((match) => match[1]);
    expect(headings).toEqual([
      'Contents',
      'Success',
      'Redirection',
      'Client errors',
      'Server errors',
    ]);
    const groups = [...html.matchAll(/<section id="([a-z-]+)">/g)].map((match) => match[1]);
    expect(groups).toEqual(['success', 'redirection', 'client-errors', 'server-errors']);
  });

  it('lists the sub-codes of a status in a nested table, with their headers', () => {
    expect(markdown).toContain(
      '| <a id="401.24"></a>[401.24](#401.24) | `TOKEN_EXPIRED` | Token expired | The access token has expired. Obtain a new one and retry. | `WWW-Authenticate` |',
    );
    expect(html).toContain(
      '<tr id="401.24"><td><a href="#401.24">401.24</a></td><td><code>TOKEN_EXPIRED</code></td><td>Token expired</td><td>The access token has expired. Obtain a new one and retry.</td><td><code>WWW-Authenticate</code></td></tr>',
    );
  });

  it("shows a status's headers", () => {
    expect(markdown).toMatch(
      /### 405 Method Not Allowed\n\n`METHOD_NOT_ALLOWED`: .*\n\nHeaders: `Allow`\n/,
    );
    expect(html).toContain('<p class="headers">Headers: <code>Allow</code></p>');
  });

  it("types each example with its code's anchor on the page at typeBaseUri, titled by the entry", () => {
    const page = renderResponseCodes(defaultCatalog, {
      format: 'markdown',
      typeBaseUri: TYPE_BASE_URI,
    });
    const expired = markdownExamples(page).find((example) => example.subCode === '401.24');
    expect(expired).toEqual({
      type: 'https://api.example.com/docs/errors#401.24',
      title: 'Token expired',
      status: 401,
      detail: 'The access token has expired. Obtain a new one and retry.',
      instance: '/orders/42',
      code: 'TOKEN_EXPIRED',
      subCode: '401.24',
      requestId: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    });
    expect(
      markdownExamples(markdown).find((example) => example.subCode === '401.24'),
    ).toMatchObject({
      type: 'about:blank',
      title: 'Unauthorized',
    });
  });

  it("renders a user catalog's own sub-codes, typed, with HTML and markdown escaped", () => {
    const page = renderResponseCodes(ordersCatalog, {
      format: 'markdown',
      typeBaseUri: TYPE_BASE_URI,
    });
    expect(page).toContain(
      '| <a id="409.71"></a>[409.71](#409.71) | `ORDER_ALREADY_SHIPPED` | Order already shipped | A shipped order cannot be changed \\<anymore\\> \\| cancel it instead. | `Location`, `X-Shipment-Id` |',
    );
    expect(markdownExamples(page).find((example) => example.subCode === '404.71')).toMatchObject({
      type: 'https://api.example.com/docs/errors#404.71',
      title: 'Order not found',
      code: 'ORDER_NOT_FOUND',
    });
    const htmlPage = renderResponseCodes(ordersCatalog, { format: 'html' });
    expect(htmlPage).toContain(
      '<td>A shipped order cannot be changed &lt;anymore&gt; | cancel it instead.</td>',
    );
    expect(htmlPage).toContain('<tr id="404.71">');
  });

  it('shows markdown in a catalog’s text as written: no link, image, HTML or broken table row', () => {
    const catalog = defineCatalog([
      ...defaultEntries,
      {
        status: 409,
        subCode: '409.72',
        name: 'ORDER_LOCKED',
        title: '[Locked](javascript:alert(1))',
        description:
          'See ![i](https://evil.example/t.png) or C:\\| *now* & `<b>`.\n\n  Then retry.',
        headers: ['X-A|B', 'X`Y', 'Location'],
      },
    ]);
    const page = renderResponseCodes(catalog, { format: 'markdown' });
    expect(page).toContain(
      '| <a id="409.72"></a>[409.72](#409.72) | `ORDER_LOCKED` | \\[Locked\\](javascript:alert(1)) | See \\!\\[i\\](https://evil.example/t.png) or C:\\\\\\| \\*now\\* \\& \\`\\<b\\>\\`. Then retry. | `X-A\\|B`, ``X`Y``, `Location` |',
    );
  });

  it.each([
    ['U+2028', '\u2028'],
    ['U+2029', '\u2029'],
    ['a space and U+2028', ' \u2028'],
  ])(
    'writes a title and description holding %s on one line, keeping the table whole',
    (_case, br) => {
      const catalog = defineCatalog([
        { status: 404, name: 'NOT_FOUND', title: `Not${br}Found`, description: `No${br}one.` },
        {
          status: 404,
          subCode: '404.1',
          name: 'USER_NOT_FOUND',
          title: `User${br}gone`,
          description: `No${br}user.`,
        },
        {
          status: 404,
          subCode: '404.2',
          name: 'ORDER_NOT_FOUND',
          title: 'Order gone',
          description: 'No order.',
        },
      ]);
      const page = renderResponseCodes(catalog, { format: 'markdown' });
      expect(page).toContain('### 404 Not Found\n\n`NOT_FOUND`: No one.\n');
      expect(page).toContain(
        '| <a id="404.1"></a>[404.1](#404.1) | `USER_NOT_FOUND` | User gone | No user. |  |\n' +
          '| <a id="404.2"></a>[404.2](#404.2) | `ORDER_NOT_FOUND` | Order gone | No order. |  |\n',
      );
      // Only the JSON examples keep the text as it is: a fenced block ends at its fence alone.
      expect(page.replace(/```json\n[\s\S]*?\n```/g, '')).not.toMatch(/[\u2028\u2029]/);
    },
  );

  it('writes a description with a long run of spaces in linear time', () => {
    const catalog = defineCatalog([
      ...defaultEntries,
      {
        status: 409,
        subCode: '409.73',
        name: 'SPACED',
        title: 'Spaced',
        description: `a${' '.repeat(200_000)}b`,
      },
    ]);
    // Quadratic, this took minutes; linear, a few milliseconds. No clock: the run simply ends.
    expect(renderResponseCodes(catalog, { format: 'markdown' })).toContain(
      `a${' '.repeat(200_000)}b`,
    );
  });

  it('keeps every anchor when entries are added before it: anchors come from codes', () => {
    const anchors = (page: string) => [...page.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]);
    const before = anchors(renderResponseCodes(defaultCatalog, { format: 'html' }));
    const after = anchors(renderResponseCodes(ordersCatalog, { format: 'html' }));
    expect(after.filter((anchor) => !['404.71', '409.71'].includes(anchor!))).toEqual(before);
    expect(before).toContain('401.24');
  });

  it('writes an HTML page that needs nothing from elsewhere', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/);
    expect(html).not.toMatch(/(src|href)="(?!#)/);
    expect(html).not.toMatch(/url\(/);
    expect(html).toContain('@media print');
  });

  it('links every code from the table of contents', () => {
    const nav = /<nav[\s\S]*<\/nav>/.exec(html)![0];
    const links = [...nav.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]);
    const statuses = defaultCatalog.entries.filter((entry) => entry.subCode === undefined);
    expect(links).toEqual(expect.arrayContaining(statuses.map((entry) => String(entry.status))));
    for (const anchor of links) expect(html).toContain(`id="${anchor}"`);
  });

  it("renders format 'md', the command line's name, as 'markdown'", () => {
    expect(renderResponseCodes(defaultCatalog, { format: 'md' })).toBe(markdown);
  });

  it.each([
    [
      'no options',
      undefined,
      'ERR_EAE_OPTIONS',
      /^renderResponseCodes\(\): options must be an object/,
    ],
    [
      'an unknown format',
      { format: 'pdf' },
      'ERR_EAE_OPTION_TYPE',
      "renderResponseCodes(): `format` must be 'markdown' (or 'md') or 'html', got \"pdf\"",
    ],
    [
      'a misspelt option',
      { format: 'html', typeBaseURI: 'https://x' },
      'ERR_EAE_UNKNOWN_OPTION',
      /^renderResponseCodes\(\): `typeBaseURI` is not an option\. Did you mean `typeBaseUri`\?/,
    ],
    [
      'a relative typeBaseUri',
      { format: 'html', typeBaseUri: 'docs/errors' },
      'ERR_EAE_OPTION_TYPE',
      /^renderResponseCodes\(\): `typeBaseUri` must be an absolute URI without a fragment/,
    ],
  ])('refuses %s', (_case, options, errorCode, message) => {
    const render = () => renderResponseCodes(defaultCatalog, options as never);
    expect(render).toThrow(message);
    expect(render).toThrow(expect.objectContaining({ code: errorCode }));
  });

  it('refuses a catalog not built with defineCatalog()', () => {
    expect(() => renderResponseCodes([] as never, { format: 'html' })).toThrow(
      'renderResponseCodes(): `catalog` must be built with defineCatalog(), got []',
    );
  });
});
