import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/**
 * The system's Chromium (Debian's `chromium` package), or `CHROMIUM_PATH`:
 * puppeteer-core downloads no browser.
 */
export function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of NAMES) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}

/** Starts headless Chromium. As root (CI, containers) its sandbox cannot run, hence --no-sandbox. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

const chromium = findChromium();
if (chromium === undefined && process.env.REQUIRE_CHROMIUM) {
  throw new Error(
    'Chromium is not installed, and REQUIRE_CHROMIUM is set: apt-get install -y chromium (or set CHROMIUM_PATH).',
  );
}

/** `describe` with the path of Chromium when it is installed, else `describe.skip`, saying why. */
export function describeWithChromium(name: string, body: (chromium: string) => void): void {
  if (chromium === undefined) {
    console.warn(
      `\nChromium is not installed: "${name}" is SKIPPED. Install it (apt-get install -y chromium) or set CHROMIUM_PATH to run it.\n`,
    );
    describe.skip(name, () => body(''));
    return;
  }
  describe(name, () => body(chromium));
}
