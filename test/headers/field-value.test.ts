import { assertFieldValue, assertToken, quoteString } from '../../src/headers/field-value.js';

describe('header field values', () => {
  it('accepts visible ASCII, spaces and tabs', () => {
    expect(assertFieldValue('a b\tc ~!', 'x')).toBe('a b\tc ~!');
  });

  // RFC 9110 §5.5: obs-text is legacy; Node would send it as UTF-8 bytes anyway.
  it.each(['\r', '\n', '\0', '\x7f', 'ü', '☃'])('refuses %j and names the option', (char) => {
    expect(() => assertFieldValue(`a${char}b`, '`thing`')).toThrow(/`thing` must be a string/);
  });

  it('refuses tokens with separators', () => {
    expect(() => assertToken('a b', '`name`')).toThrow('`name` must be an RFC 9110 token');
    expect(assertToken('X-Status-Sub-Code', '`name`')).toBe('X-Status-Sub-Code');
  });

  it('quotes a string and escapes quotes and backslashes', () => {
    expect(quoteString('a"b\\c', 'x')).toBe('"a\\"b\\\\c"');
  });
});
