import { formatLocation } from '../../src/headers/location.js';

describe('formatLocation', () => {
  it('keeps a plain path or URL as it is', () => {
    expect(formatLocation('/users/42')).toBe('/users/42');
    expect(formatLocation('https://api.example.com/users/42?x=1#top')).toBe(
      'https://api.example.com/users/42?x=1#top',
    );
  });

  it('percent-encodes spaces and non-ASCII characters', () => {
    expect(formatLocation('/users/jöhn doe')).toBe('/users/j%C3%B6hn%20doe');
  });

  it('keeps existing percent-escapes instead of encoding them twice', () => {
    expect(formatLocation('/files/a%2Fb%20c')).toBe('/files/a%2Fb%20c');
  });

  it('encodes a percent sign that starts no escape', () => {
    expect(formatLocation('/discount/50%')).toBe('/discount/50%25');
  });

  it.each(['/a\r\nSet-Cookie: x=1', '/a\nb', '/a\0', ''])('refuses %j', (location) => {
    expect(() => formatLocation(location)).toThrow(TypeError);
  });

  it.each(['//evil.example/phish', '//evil.example'])(
    'refuses a network-path reference, %j: another host without its scheme',
    (location) => {
      expect(() => formatLocation(location)).toThrow(
        `\`location\` must not start with "//", which names another host: write its scheme (https://host/…) for another host, or one "/" for a path here, got "${location}"`,
      );
    },
  );

  it('encodes a backslash, which browsers read as a slash: /\\host stays a path', () => {
    expect(formatLocation('/\\evil.example')).toBe('/%5Cevil.example');
  });
});
