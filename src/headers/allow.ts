import { assertToken } from './field-value.js';

/**
 * Formats the `Allow` field value (RFC 9110 §10.2.1). Methods are
 * case-sensitive tokens (§9.1), so they are kept as given, without duplicates.
 */
export function formatAllow(methods: readonly string[]): string {
  if (!Array.isArray(methods)) {
    throw new TypeError(`\`allow\` must be an array of method names, got ${String(methods)}`);
  }
  const unique = new Set<string>();
  for (const method of methods) unique.add(assertToken(method, '`allow` method'));
  return [...unique].join(', ');
}
