import { formatUpgrade } from '../../src/headers/upgrade.js';

// RFC 9110 §7.8: Upgrade = #protocol; protocol = protocol-name ["/" protocol-version].
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
function parseUpgrade(value: string): { name: string; version?: string }[] {
  return value.split(/\s*,\s*/).map((protocol) => {
    const [name, version, extra] = protocol.split('/');
    if (!TOKEN.test(name ?? '') || (version !== undefined && !TOKEN.test(version)) || extra) {
      throw new Error(`not a protocol: ${protocol}`);
    }
    return version === undefined ? { name: name! } : { name: name!, version };
  });
}

describe('formatUpgrade', () => {
  it('writes one protocol as it is', () => {
    expect(formatUpgrade('websocket')).toBe('websocket');
  });

  it('lists several protocols in the order of preference given', () => {
    const value = formatUpgrade(['TLS/1.3', 'HTTP/2.0']);
    expect(value).toBe('TLS/1.3, HTTP/2.0');
    expect(parseUpgrade(value)).toEqual([
      { name: 'TLS', version: '1.3' },
      { name: 'HTTP', version: '2.0' },
    ]);
  });

  it('drops a repeated protocol, keeping the first', () => {
    expect(formatUpgrade(['websocket', 'TLS/1.3', 'websocket'])).toBe('websocket, TLS/1.3');
  });

  it.each([[''], ['web socket'], ['TLS/'], ['/1.3'], ['a/b/c'], ['x\r\ny'], [['ok', 7]]])(
    'refuses the protocol %p, naming `upgrade`',
    (protocols) => {
      expect(() => formatUpgrade(protocols as never)).toThrow(
        '`upgrade` protocol must be a name or name/version of RFC 9110 tokens',
      );
    },
  );

  it.each([[[]], [undefined], [{}]])('refuses %p: a 426 must name a protocol', (protocols) => {
    expect(() => formatUpgrade(protocols as never)).toThrow(
      '`upgrade` must be a protocol or a non-empty array of protocols',
    );
  });
});
