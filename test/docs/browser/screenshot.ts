/**
 * `npm run docs:screenshot [FILE]`: renders the HTML response-codes page of
 * the default catalog, opens it in headless Chromium (the system's, see
 * test/helpers/chromium.ts) and writes a full-page PNG to FILE, by default
 * `response-codes.png` in the current directory.
 */
import { resolve } from 'node:path';
import { defaultCatalog, renderResponseCodes } from '../../../src/index.js';
import { findChromium, launchChromium } from '../../helpers/chromium.js';

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'response-codes.png');
  const chromium = findChromium();
  if (chromium === undefined) {
    console.error(
      'docs:screenshot: Chromium is not installed (apt-get install -y chromium), or set CHROMIUM_PATH',
    );
    process.exitCode = 1;
    return;
  }
  const browser = await launchChromium(chromium);
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    await page.setContent(renderResponseCodes(defaultCatalog, { format: 'html' }), {
      waitUntil: 'load',
    });
    await page.screenshot({ path: out as `${string}.png`, fullPage: true });
    console.log(`docs:screenshot: wrote ${out}`);
  } finally {
    await browser.close();
  }
}

void main();
