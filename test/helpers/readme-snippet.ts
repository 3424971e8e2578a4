import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');

/** The text of the README's first `language` block after `<!-- marker -->`. */
export function readmeSnippet(marker: string, language = 'ts'): string {
  const start = readme.indexOf(`<!-- ${marker} -->`);
  if (start === -1) throw new Error(`README.md has no <!-- ${marker} --> marker`);
  return new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\\n\`\`\``).exec(readme.slice(start))![1]!;
}
