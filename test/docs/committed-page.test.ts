import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog, renderResponseCodes } from '../../src/index.js';

const ROOT = join(__dirname, '../..');

describe('docs/response-codes.md', () => {
  it('is the markdown page of the default catalog, as rendered now (npm run docs:page rewrites it)', () => {
    expect(readFileSync(join(ROOT, 'docs/response-codes.md'), 'utf8')).toBe(
      renderResponseCodes(defaultCatalog, { format: 'markdown' }),
    );
  });

  it('is linked from the README by its GitHub URL, as the npm package does not ship docs/', () => {
    const { homepage } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      homepage: string;
    };
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(
      `](${homepage.replace(/#readme$/, '')}/blob/main/docs/response-codes.md)`,
    );
  });
});
