import fc from 'fast-check';
import { parseItem, serializeItem, Token } from 'structured-headers';
import { parseIdempotencyKey } from '../../src/headers/idempotency-key.js';

describe('parseIdempotencyKey', () => {
  it.each([
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['8e03978e', undefined],
    ['order-42', 'order-42'],
    ['  "spaced"  ', 'spaced'],
    ['"with \\"quotes\\" and \\\\"', 'with "quotes" and \\'],
    ['"a b"', 'a b'],
    ['*star:/x', '*star:/x'],
  ])('reads %s', (field, key) => {
    if (key === undefined) {
      // A token cannot start with a digit (RFC 8941 §3.3.4): such keys must be quoted.
      expect(parseIdempotencyKey(field).problem).toBe(
        'The Idempotency-Key must be a quoted string such as "8e03978e-40d5-43e8-bc93-6894a57f9324" (RFC 8941 §3.3.3).',
      );
    } else {
      expect(parseIdempotencyKey(field)).toEqual({ key });
    }
  });

  it.each([
    ['', 'The Idempotency-Key header is empty.'],
    ['""', 'The Idempotency-Key must not be empty.'],
    [
      '"a", "b"',
      'The Idempotency-Key holds several values (a list, or the header sent twice); send one.',
    ],
    [
      'a, b',
      'The Idempotency-Key holds several values (a list, or the header sent twice); send one.',
    ],
    ['"a";p=1', 'The Idempotency-Key has parameters; send the key alone.'],
    ['"a" x', 'The Idempotency-Key has characters after its value.'],
    ['"open', 'The Idempotency-Key string has no closing `"`.'],
    [
      '"a\\b"',
      'The Idempotency-Key has a backslash that escapes neither `"` nor `\\` (RFC 8941 §3.3.3).',
    ],
    ['"é"', 'The Idempotency-Key holds a character other than printable ASCII (RFC 8941 §3.3.3).'],
    [
      '"tab\there"',
      'The Idempotency-Key holds a character other than printable ASCII (RFC 8941 §3.3.3).',
    ],
    [
      `"${'k'.repeat(256)}"`,
      'The Idempotency-Key is 256 characters long; at most 255 are accepted.',
    ],
  ])('refuses %j: %s', (field, problem) => {
    expect(parseIdempotencyKey(field)).toEqual({ problem });
  });

  it('accepts a key of exactly 255 characters', () => {
    expect(parseIdempotencyKey(`"${'k'.repeat(255)}"`)).toEqual({ key: 'k'.repeat(255) });
  });

  it('reads every sf-string and sf-token as structured-headers does', () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 255,
    });
    const token = fc.stringMatching(/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]{0,40}$/);
    fc.assert(
      fc.property(fc.oneof(printable, token), fc.boolean(), (key, asToken) => {
        const field =
          asToken && /^[A-Za-z*]/.test(key) && !/[^!#$%&'*+\-.^_`|~0-9A-Za-z:/]/.test(key)
            ? serializeItem([new Token(key), new Map()])
            : serializeItem([key, new Map()]);
        const [value] = parseItem(field);
        const expected = value instanceof Token ? value.toString() : value;
        expect(parseIdempotencyKey(field)).toEqual({ key: expected });
      }),
    );
  });
});
