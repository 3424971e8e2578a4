import { formatLink } from '../../src/headers/link.js';

/** A small RFC 8288 reader for the links this library writes: `<target>; rel="type"`. */
function parseLinks(value: string): { href: string; rel: string }[] {
  return value.split(/,\s*(?=<)/).map((link) => {
    const match = /^<([^>]*)>;\s*rel="([^"]*)"$/.exec(link);
    if (!match) throw new Error(`not a link: ${link}`);
    return { href: match[1]!, rel: match[2]! };
  });
}

describe('formatLink', () => {
  it('writes one link with a quoted relation type', () => {
    expect(formatLink([{ href: 'https://example.com/deprecation', rel: 'deprecation' }])).toBe(
      '<https://example.com/deprecation>; rel="deprecation"',
    );
  });

  it('joins several links with a comma', () => {
    const links = [
      { href: 'https://example.com/d', rel: 'deprecation' },
      { href: '/docs/sunset?v=1,2', rel: 'sunset' },
    ];
    const value = formatLink(links);
    expect(value).toBe(
      '<https://example.com/d>; rel="deprecation", </docs/sunset?v=1,2>; rel="sunset"',
    );
    expect(parseLinks(value)).toEqual(links);
  });

  it('percent-encodes what could close the brackets or is not ASCII', () => {
    expect(formatLink([{ href: 'https://example.com/a>b <c>/é', rel: 'sunset' }])).toBe(
      '<https://example.com/a%3Eb%20%3Cc%3E/%C3%A9>; rel="sunset"',
    );
  });

  it.each([['https://example.com/\r\nSet-Cookie: a=1'], [''], [42]])(
    'refuses the target %p, naming the option',
    (href) => {
      expect(() => formatLink([{ href: href as string, rel: 'sunset' }])).toThrow(
        /^`link` must be a non-empty URI reference/,
      );
    },
  );

  it.each([['Deprecation'], ['a b'], ['x"y'], ['']])('refuses the relation type %p', (rel) => {
    expect(() => formatLink([{ href: '/x', rel }])).toThrow(
      /relation type must be a lower-case name/,
    );
  });

  it('refuses an empty list', () => {
    expect(() => formatLink([])).toThrow(TypeError);
  });
});
