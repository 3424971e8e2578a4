import { isToken } from './field-value.js';
import { describeValue } from '../options/describe-value.js';

/**
 * Formats `Upgrade` (RFC 9110 §7.8): protocols in order of preference, each
 * `protocol-name ["/" protocol-version]` with both parts tokens, e.g.
 * `TLS/1.3, HTTP/2.0`. Duplicates are dropped, the first kept.
 */
export function formatUpgrade(protocols: string | readonly string[]): string {
  const list: readonly unknown[] = typeof protocols === 'string' ? [protocols] : protocols;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      `\`upgrade\` must be a protocol or a non-empty array of protocols, got ${describeValue(protocols)}`,
    );
  }
  const unique = new Set<string>();
  for (const protocol of list) {
    const parts = typeof protocol === 'string' ? protocol.split('/') : [];
    if (parts.length === 0 || parts.length > 2 || !parts.every(isToken)) {
      throw new TypeError(
        `\`upgrade\` protocol must be a name or name/version of RFC 9110 tokens, e.g. "websocket" or "TLS/1.3", got ${describeValue(protocol)}`,
      );
    }
    unique.add(protocol as string);
  }
  return [...unique].join(', ');
}
