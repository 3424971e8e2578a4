import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '../../src/index.js';

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');

describe('README', () => {
  it('lists exactly the entries of the default catalog, in order', () => {
    const start = readme.indexOf('<!-- catalog-table');
    const rows = readme
      .slice(start)
      .split('\n')
      .filter((line) => /^\| \d/.test(line))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows).toEqual(
      defaultCatalog.entries.map((entry) => [
        String(entry.subCode ?? entry.status),
        `\`${entry.name}\``,
        entry.title,
        (entry.headers ?? []).join(', '),
      ]),
    );
  });

  it('shows the two set-up commands of a fresh clone', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
