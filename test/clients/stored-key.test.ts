import fc from 'fast-check';
import { MAX_STORED_KEY_LENGTH, storedKey } from '../../src/clients/stored-key.js';

const DIGEST = /^#[A-Za-z0-9_-]{43}$/;

describe('storedKey', () => {
  it.each(['', 'a', '203.0.113.7', '2001:db8::/56', 'user:7', 'k'.repeat(MAX_STORED_KEY_LENGTH)])(
    'keeps the short key %j as it is',
    (key) => {
      expect(storedKey(key)).toBe(key);
    },
  );

  it('stores a key longer than the maximum as # and a 43-character SHA-256 digest', () => {
    const stored = storedKey('k'.repeat(MAX_STORED_KEY_LENGTH + 1));
    expect(stored).toMatch(DIGEST);
    expect(storedKey('k'.repeat(1_000_000))).toMatch(DIGEST);
  });

  it('keeps a key up to the maximum it is given, and digests a longer one', () => {
    expect(storedKey('k'.repeat(256), 256)).toBe('k'.repeat(256));
    expect(storedKey('k'.repeat(257), 256)).toMatch(DIGEST);
  });

  it('digests a short key that starts with #, so that no key kept as it is looks like a digest', () => {
    expect(storedKey('#a')).toMatch(DIGEST);
    expect(storedKey(storedKey('k'.repeat(100)))).not.toBe(storedKey('k'.repeat(100)));
  });

  it('digests keys with lone surrogates, which Redis clients would turn into the same U+FFFD', () => {
    expect(storedKey('\ud800')).toMatch(DIGEST);
    expect(storedKey('\ud800')).not.toBe(storedKey('\udc00'));
  });

  it('gives distinct keys distinct stored keys', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        (a, b) => (a === b) === (storedKey(a) === storedKey(b)),
      ),
      { numRuns: 2000 },
    );
  });
});
