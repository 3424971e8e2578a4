/**
 * The longest key accepted. draft-ietf-httpapi-idempotency-key-header leaves
 * the length to the resource; 255 is what the APIs that popularised the
 * header (Stripe among them) allow, and keeps stored keys small.
 */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** A parsed `Idempotency-Key`: the key, or why the field cannot be one. */
export type IdempotencyKeyField =
  | { readonly key: string; readonly problem?: undefined }
  | { readonly key?: undefined; readonly problem: string };

// 1 to 255 characters of RFC 8941 §3.3.3 unescaped chars, quoted.
const PLAIN_STRING = /^"[\x20\x21\x23-\x5b\x5d-\x7e]{1,255}"$/;
// RFC 8941 §3.3.4 token: ALPHA or "*" first, then tchar, ":" or "/".
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;

/**
 * Parses an `Idempotency-Key` field value: an sf-string (RFC 8941 §3.3.3,
 * `"…"` with `\"` and `\\` escapes), as the draft defines it, or a bare
 * sf-token, which many clients send. Leading and trailing spaces are
 * dropped (RFC 8941 §4.2). A list (a comma, or the field sent twice, which
 * Node joins with a comma), parameters, an empty key and a key longer than
 * 255 characters are refused, with the reason in words for the 400's
 * detail, which names the field as `fieldName` (a server may use another header).
 */
export function parseIdempotencyKey(
  value: string,
  fieldName = 'Idempotency-Key',
): IdempotencyKeyField {
  // The usual case first: one quoted string of printable ASCII without escapes.
  if (PLAIN_STRING.test(value)) return { key: value.slice(1, -1) };
  const field = value.replace(/^ +| +$/g, '');
  if (field === '') return { problem: `The ${fieldName} header is empty.` };
  const parsed = field.startsWith('"')
    ? parseString(field, fieldName)
    : parseToken(field, fieldName);
  if (parsed.problem !== undefined) return parsed;
  if (parsed.key.length === 0) return { problem: `The ${fieldName} must not be empty.` };
  if (parsed.key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return {
      problem: `The ${fieldName} is ${parsed.key.length} characters long; at most ${MAX_IDEMPOTENCY_KEY_LENGTH} are accepted.`,
    };
  }
  return parsed;
}

function parseString(field: string, fieldName: string): IdempotencyKeyField {
  let key = '';
  for (let i = 1; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 0x5c) {
      const next = field[i + 1];
      if (next !== '"' && next !== '\\') {
        return {
          problem: `The ${fieldName} has a backslash that escapes neither \`"\` nor \`\\\` (RFC 8941 §3.3.3).`,
        };
      }
      key += next;
      i++;
    } else if (c === 0x22) {
      return i === field.length - 1 ? { key } : rest(field.slice(i + 1), fieldName);
    } else if (c < 0x20 || c > 0x7e) {
      return {
        problem: `The ${fieldName} holds a character other than printable ASCII (RFC 8941 §3.3.3).`,
      };
    } else {
      key += field[i];
    }
  }
  return { problem: `The ${fieldName} string has no closing \`"\`.` };
}

function parseToken(field: string, fieldName: string): IdempotencyKeyField {
  const end = field.search(/[ ,;]/);
  const token = end === -1 ? field : field.slice(0, end);
  if (!TOKEN.test(token)) {
    return {
      problem: `The ${fieldName} must be a quoted string such as "8e03978e-40d5-43e8-bc93-6894a57f9324" (RFC 8941 §3.3.3).`,
    };
  }
  return end === -1 ? { key: token } : rest(field.slice(end), fieldName);
}

/** What follows the key: a list or parameters, both refused. */
function rest(after: string, fieldName: string): IdempotencyKeyField {
  const next = after.replace(/^ +/, '')[0];
  if (next === ',') {
    return {
      problem: `The ${fieldName} holds several values (a list, or the header sent twice); send one.`,
    };
  }
  return {
    problem:
      next === ';'
        ? `The ${fieldName} has parameters; send the key alone.`
        : `The ${fieldName} has characters after its value.`,
  };
}
