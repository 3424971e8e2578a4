import { isFieldValue, isToken } from './field-value.js';
import { isRetryAfter, isRetryAfterName } from './retry-after.js';

/**
 * How many characters of header names and values are kept from a foreign
 * error, in all. Clients refuse a response whose header section passes
 * their limit (Node's is 16 KiB), so headers past it would cost the client
 * the whole answer.
 */
const MAX_FOREIGN_HEADERS_LENGTH = 8192;

/**
 * Keeps the headers of a foreign error that can be sent as they are; drops
 * the rest: a name or value HTTP cannot carry, those past 8 KiB in all,
 * and a `Retry-After` that is neither whole seconds nor an IMF-fixdate
 * (http-errors passes `{ 'Retry-After': 'ok' }` on as given), which no
 * sender may generate.
 */
export function safeHeaders(headers: unknown): Record<string, string> | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const kept: Record<string, string> = {};
  let room = MAX_FOREIGN_HEADERS_LENGTH;
  for (const [name, value] of Object.entries(headers)) {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || name.length + text.length > room) continue;
    if (!isToken(name) || !isFieldValue(text)) continue;
    if (isRetryAfterName(name) && !isRetryAfter(text)) continue;
    kept[name] = text;
    room -= name.length + text.length;
  }
  return kept;
}
