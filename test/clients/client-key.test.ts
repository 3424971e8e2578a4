import { ipKeyGenerator } from 'express-rate-limit';
import fc from 'fast-check';
import { clientKey } from '../../src/index.js';

describe('clientKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientKey('203.0.113.7', 56)).toBe('203.0.113.7');
  });

  it('groups IPv6 addresses by their /56 prefix', () => {
    expect(clientKey('2001:db8:1234:5678:9abc::1', 56)).toBe('2001:db8:1234:5600::/56');
    expect(clientKey('2001:db8:1234:56ff:ffff:ffff:ffff:ffff', 56)).toBe('2001:db8:1234:5600::/56');
  });

  it('puts two addresses of one /56 under one key, and of another /56 under another', () => {
    expect(clientKey('2001:db8:0:1::1', 56)).toBe(clientKey('2001:db8:0:ff::abcd', 56));
    expect(clientKey('2001:db8:0:100::1', 56)).not.toBe(clientKey('2001:db8:0:1::1', 56));
  });

  it('reads every IPv6 notation of the same address alike', () => {
    const forms = [
      '2001:db8::1',
      '2001:0db8:0000:0000:0000:0000:0000:0001',
      '2001:DB8::1',
      '2001:db8::1%eth0',
    ];
    expect(new Set(forms.map((form) => clientKey(form, 128))).size).toBe(1);
  });

  it.each(['::ffff:192.0.2.1', '::FFFF:192.0.2.1', '::ffff:c000:201', '0:0:0:0:0:ffff:c000:0201'])(
    'counts the IPv4-mapped address %s as 192.0.2.1',
    (address) => {
      expect(clientKey(address, 56)).toBe('192.0.2.1');
    },
  );

  it('does not mistake an IPv4-compatible or NAT64 address for IPv4-mapped', () => {
    expect(clientKey('::192.0.2.1', 128)).toBe('::c000:201/128');
    expect(clientKey('64:ff9b::192.0.2.1', 128)).toBe('64:ff9b::c000:201/128');
  });

  it('honours another prefix length, and false for whole addresses', () => {
    expect(clientKey('2001:db8:1:2:3:4:5:6', 64)).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:3:4:5:6', 60)).toBe('2001:db8:1::/60');
    expect(clientKey('2001:db8:1:2:3:4:5:6', false)).toBe('2001:db8:1:2:3:4:5:6/128');
  });

  it('groups by /56 when given no prefix length, as rateLimit does by default', () => {
    expect(clientKey('2001:db8:1234:5678:9abc::1')).toBe('2001:db8:1234:5600::/56');
    expect(clientKey(undefined)).toBe('');
  });

  it('writes addresses in RFC 5952’s form: the longest run of zero words as ::, the first of equal runs', () => {
    expect(clientKey('2001:db8:0:1:1:1:1:1', false)).toBe('2001:db8:0:1:1:1:1:1/128');
    expect(clientKey('2001:0:0:1:0:0:0:1', false)).toBe('2001:0:0:1::1/128');
    expect(clientKey('2001:db8:0:0:1:0:0:1', false)).toBe('2001:db8::1:0:0:1/128');
    expect(clientKey('::', false)).toBe('::/128');
    expect(clientKey('::1', false)).toBe('::1/128');
  });

  it('gives express-rate-limit’s ipKeyGenerator keys, so that keys carried over still match', () => {
    const word = fc.integer({ min: 0, max: 0xffff });
    const sparseWord = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0xffff), word);
    fc.assert(
      fc.property(
        fc.array(sparseWord, { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 128 }),
        (words, subnet) => {
          const address = words.map((w) => w.toString(16)).join(':');
          expect(clientKey(address, subnet)).toBe(ipKeyGenerator(address, subnet));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([0, 129, 56.5, '56'])('refuses the prefix length %p', (subnet) => {
    expect(() => clientKey('2001:db8::1', subnet as number)).toThrow(
      new RangeError(
        `clientKey(): \`ipv6Subnet\` must be a prefix length from 1 to 128, or false, got ${typeof subnet === 'string' ? `"${subnet}"` : subnet}`,
      ),
    );
  });

  it('passes through what is not an IP address', () => {
    expect(clientKey('', 56)).toBe('');
    expect(clientKey('unix-socket', 56)).toBe('unix-socket');
  });
});
