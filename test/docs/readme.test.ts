import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog, redactPaths } from '../../src/index.js';

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

  it('names exactly the header fields redactPaths covers', () => {
    const start = readme.indexOf('<!-- redacted-headers -->');
    const paragraph = readme.slice(start, readme.indexOf('\n\n', start + 30));
    const named = [...paragraph.matchAll(/`([a-z-]+)`/g)].map((match) => match[1]);
    const covered = [
      ...new Set(redactPaths.map((path) => /\["([a-z-]+)"\]$/.exec(path)?.[1] ?? path)),
    ];
    expect(named).toEqual(covered);
  });

  it('shows the two set-up commands of a fresh clone', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
