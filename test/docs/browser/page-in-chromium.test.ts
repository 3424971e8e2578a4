/**
 * The HTML page as a browser sees it: served by responseCodesPage, opened in
 * headless Chromium (Debian's `chromium`; skipped, saying so, when it is not
 * installed, and required in CI through REQUIRE_CHROMIUM).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser } from 'puppeteer-core';
import { defaultCatalog, responseCodesPage } from '../../../src/index.js';
import { describeWithChromium, launchChromium } from '../../helpers/chromium.js';
import { ordersCatalog, TYPE_BASE_URI } from '../../helpers/docs-catalog.js';

const BROWSER_TIMEOUT = 60_000;
const run = promisify(execFile);

/** What the page shows for each anchor of its table of contents, read in the browser. */
interface AnchorCheck {
  readonly href: string;
  /** The id of the element `getElementById` finds for the fragment, if any. */
  readonly found: string | null;
  /** The id of the element the browser targets (`:target`) once it navigates to the fragment. */
  readonly targeted: string | null;
}

// Runs in the page (a string: the project's types have no DOM).
const CHECK_ANCHORS = `(async () => {
  const results = [];
  for (const link of document.querySelectorAll('nav a[href^="#"]')) {
    const href = link.getAttribute('href');
    const found = document.getElementById(decodeURIComponent(href.slice(1)));
    location.hash = href;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const target = document.querySelector(':target');
    results.push({ href, found: found && found.id, targeted: target && target.id });
  }
  return results;
})()`;

describeWithChromium('the HTML response-codes page in Chromium', (chromium) => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  const requested: string[] = [];

  beforeAll(async () => {
    const app = express();
    app.get('/docs/errors', responseCodesPage(defaultCatalog));
    app.get('/docs/orders', responseCodesPage(ordersCatalog, { typeBaseUri: TYPE_BASE_URI }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium(chromium);
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function anchorsOf(path: string): Promise<{ checks: AnchorCheck[]; title: string }> {
    const page = await browser.newPage();
    page.on('request', (request) => requested.push(request.url()));
    try {
      const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
      return {
        checks: (await page.evaluate(CHECK_ANCHORS)) as AnchorCheck[],
        title: await page.title(),
      };
    } finally {
      await page.close();
    }
  }

  it(
    'resolves every anchor of the table of contents to an element, which the browser targets',
    async () => {
      const { checks, title } = await anchorsOf('/docs/errors');
      expect(title).toBe('Response codes');
      const statuses = defaultCatalog.entries.filter((entry) => entry.subCode === undefined);
      // A link per class and per status.
      expect(checks).toHaveLength(4 + statuses.length);
      for (const { href, found, targeted } of checks) {
        expect({ href, found, targeted }).toEqual({
          href,
          found: href.slice(1),
          targeted: href.slice(1),
        });
      }
    },
    BROWSER_TIMEOUT,
  );

  it(
    "resolves a user catalog's anchors too, and loads nothing but the page",
    async () => {
      requested.length = 0;
      const { checks } = await anchorsOf('/docs/orders');
      expect(checks.every(({ href, targeted }) => targeted === href.slice(1))).toBe(true);
      // Chromium asks for /favicon.ico on its own; the page itself asks for nothing.
      expect(requested.filter((url) => !url.endsWith('/favicon.ico'))).toEqual([
        `${origin}/docs/orders`,
      ]);
    },
    BROWSER_TIMEOUT,
  );

  it(
    'applies its stylesheet under the Content-Security-Policy it is served with, which Chromium reports no violation of',
    async () => {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      try {
        const response = await page.goto(`${origin}/docs/errors`, { waitUntil: 'load' });
        expect(response?.headers()['content-security-policy']).toMatch(
          /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
        );
        // The stylesheet sets `max-width: 60rem` on the body: 960 px when it applies.
        expect(await page.evaluate(`getComputedStyle(document.body).maxWidth`)).toBe('960px');
        expect(violations).toEqual([]);
      } finally {
        await page.close();
      }
    },
    BROWSER_TIMEOUT,
  );

  it(
    'targets a sub-code row from a problem type URI fragment',
    async () => {
      const page = await browser.newPage();
      try {
        await page.goto(`${origin}/docs/orders#409.71`, { waitUntil: 'load' });
        expect(
          await page.evaluate(
            `document.querySelector(':target')?.tagName + ' ' + document.querySelector(':target')?.id`,
          ),
        ).toBe('TR 409.71');
      } finally {
        await page.close();
      }
    },
    BROWSER_TIMEOUT,
  );
});

describeWithChromium('npm run docs:screenshot', () => {
  it(
    'writes a full-page PNG of the HTML page',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'eae-shot-'));
      try {
        const out = join(dir, 'page.png');
        const { stdout } = await run('npm', ['run', '-s', 'docs:screenshot', '--', out], {
          cwd: join(__dirname, '../../..'),
        });
        expect(stdout).toBe(`docs:screenshot: wrote ${out}\n`);
        const png = readFileSync(out);
        // PNG signature, then the IHDR chunk: width and height (RFC 2083 §3, §4.1.1).
        expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
        expect(png.readUInt32BE(16)).toBe(1200);
        // The whole page, far taller than the 900-pixel viewport.
        expect(png.readUInt32BE(20)).toBeGreaterThan(10_000);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    BROWSER_TIMEOUT,
  );
});
