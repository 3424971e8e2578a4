import { isIPv4, isIPv6 } from 'node:net';
import { describeValue } from '../options/describe-value.js';

/**
 * The key `rateLimit()` gives a client by default, for a `key` of your own
 * that still groups IPv6 clients, as express-rate-limit's `ipKeyGenerator`:
 * `key: (req) => `${clientKey(req.ip)}:${req.params.tenant}``. IPv4
 * addresses are kept as they are. IPv6 addresses are cut to their first
 * `ipv6Subnet` bits (56 by default; `false` keeps all 128), since one client
 * usually holds a whole block (a /56 or a /64) and could otherwise rotate
 * addresses to escape its limit, and written in RFC 5952's form
 * (`2001:db8:1234:5600::/56`, express-rate-limit's keys too). IPv4-mapped
 * IPv6 addresses (`::ffff:192.0.2.1`, in any notation) count as their IPv4
 * address. What is no IP address is kept as it is; `undefined` (Express's
 * `req.ip` once the connection is gone) is `''`.
 */
export function clientKey(address: string | undefined, ipv6Subnet: number | false = 56): string {
  if (
    ipv6Subnet !== false &&
    !(Number.isInteger(ipv6Subnet) && ipv6Subnet >= 1 && ipv6Subnet <= 128)
  ) {
    throw new RangeError(
      `clientKey(): \`ipv6Subnet\` must be a prefix length from 1 to 128, or false, got ${describeValue(ipv6Subnet)}`,
    );
  }
  return addressKey(address ?? '', ipv6Subnet);
}

/** `clientKey` without the check of `prefixLength`, for callers that checked it once. */
export function addressKey(address: string, prefixLength: number | false): string {
  if (isIPv4(address)) return address;
  // The usual form of an IPv4 client on a dual-stack server: skip the full parse.
  if (address.startsWith('::ffff:') && isIPv4(address.slice(7))) return address.slice(7);
  if (!isIPv6(address)) return address;
  const words = parseIPv6(address);
  if (isIPv4Mapped(words)) {
    return `${words[6]! >> 8}.${words[6]! & 0xff}.${words[7]! >> 8}.${words[7]! & 0xff}`;
  }
  return formatPrefix(words, prefixLength === false ? 128 : prefixLength);
}

/** The eight 16-bit words of a valid IPv6 address (zone id ignored). */
function parseIPv6(address: string): number[] {
  const withoutZone = address.split('%')[0]!;
  const [head = '', tail] = withoutZone.split('::');
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const words: number[] = [];
    for (const group of groups) {
      if (group.includes('.')) {
        // An embedded IPv4 address fills the last two words.
        const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
        words.push((a << 8) | b, (c << 8) | d);
      } else {
        words.push(parseInt(group, 16));
      }
    }
    return words;
  };
  const start = parse(head);
  if (tail === undefined) return start;
  const end = parse(tail);
  return [...start, ...new Array<number>(8 - start.length - end.length).fill(0), ...end];
}

// RFC 4291 §2.5.5.2: 80 zero bits, 16 one bits, then the IPv4 address.
function isIPv4Mapped(words: number[]): boolean {
  return (
    words[0] === 0 &&
    words[1] === 0 &&
    words[2] === 0 &&
    words[3] === 0 &&
    words[4] === 0 &&
    words[5] === 0xffff
  );
}

/**
 * `2001:db8:1234:5600::/56`: the prefix's words, the rest cleared, in the
 * text form of RFC 5952 §4 (as express-rate-limit's keys are written).
 */
function formatPrefix(words: number[], prefixLength: number): string {
  const kept = words.map((word, index) => {
    const bitsBefore = index * 16;
    if (bitsBefore + 16 <= prefixLength) return word;
    if (bitsBefore >= prefixLength) return 0;
    const keep = prefixLength - bitsBefore;
    return word & (0xffff << (16 - keep)) & 0xffff;
  });
  return `${formatIPv6(kept)}/${prefixLength}`;
}

/**
 * RFC 5952 §4: lower-case hex without leading zeros, and the longest run of
 * two or more zero words (the first of equal runs) written `::`.
 */
function formatIPv6(words: number[]): string {
  let runStart = -1;
  let runLength = 0;
  for (let start = 0; start < words.length; start++) {
    let end = start;
    while (end < words.length && words[end] === 0) end++;
    if (end - start > runLength && end - start >= 2) {
      runStart = start;
      runLength = end - start;
    }
    start = end;
  }
  const hex = (part: number[]) => part.map((word) => word.toString(16)).join(':');
  if (runStart === -1) return hex(words);
  return `${hex(words.slice(0, runStart))}::${hex(words.slice(runStart + runLength))}`;
}
