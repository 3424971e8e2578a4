/**
 * Reading the `Accept` field (RFC 9110 §12.5.1): how acceptable one media
 * type is to the client. Scanned in place, by character codes, so that the
 * error path allocates nothing for it; nothing here throws, whatever the
 * client sent.
 */

/** Parameters of the media type being sent, names and values in lower case. */
export type MediaTypeParameters = Readonly<Record<string, string>>;

const NO_PARAMETERS: MediaTypeParameters = Object.freeze({});

const COMMA = 0x2c;
const SLASH = 0x2f;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const STAR = 0x2a;
const SPACE = 0x20;
const TAB = 0x09;

// RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-"
// / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
const TCHAR = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[char.charCodeAt(0)] = 1;
}

// A match is encoded in one number, specificity × 2000 + quality in
// thousandths, so that scanning a member returns it without an object.
const NO_MATCH = -1;
const SPECIFICITY_UNIT = 2000;

/**
 * The quality (RFC 9110 §12.4.2), from 0 to 1, that `accept` gives the media
 * type `type/subtype` with `parameters`: the weight of the most specific
 * media range that matches it (§12.5.1: `type/subtype;param` over
 * `type/subtype` over `type/*` over `*\/*`; of equally specific ones, the
 * higher weight), or 0 when none does. `q=0` means "not acceptable".
 *
 * `type` and `subtype` must be lower case. Types, subtypes and parameter
 * names compare case-insensitively (§8.3.1), and so do parameter values (the
 * only one this library sends is `charset`, whose values are). A range whose
 * parameters the type does not have does not match it. A malformed member of
 * the list is ignored, as if it were absent; parameters after the weight are
 * ignored.
 */
export function acceptQuality(
  accept: string,
  type: string,
  subtype: string,
  parameters: MediaTypeParameters = NO_PARAMETERS,
): number {
  let best = NO_MATCH;
  let start = 0;
  while (start <= accept.length) {
    const end = memberEnd(accept, start);
    const match = matchMember(accept, start, end, type, subtype, parameters);
    if (match > best) best = match;
    start = end + 1;
  }
  return best === NO_MATCH ? 0 : (best % SPECIFICITY_UNIT) / 1000;
}

/** The index of the comma that ends the member starting at `start` (outside quoted strings), or the length. */
function memberEnd(value: string, start: number): number {
  let quoted = false;
  for (let i = start; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (quoted) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) quoted = false;
    } else if (code === QUOTE) {
      quoted = true;
    } else if (code === COMMA) {
      return i;
    }
  }
  return value.length;
}

/**
 * How the member `value[start, end)` (`media-range [ weight ]`) matches the
 * type, encoded as above, or `NO_MATCH` if it does not or is malformed.
 */
function matchMember(
  value: string,
  start: number,
  end: number,
  type: string,
  subtype: string,
  parameters: MediaTypeParameters,
): number {
  const typeStart = skipWhitespace(value, start, end);
  const typeEnd = skipToken(value, typeStart, end);
  if (typeEnd === typeStart || value.charCodeAt(typeEnd) !== SLASH) return NO_MATCH;
  const subtypeStart = typeEnd + 1;
  const subtypeEnd = skipToken(value, subtypeStart, end);
  if (subtypeEnd === subtypeStart) return NO_MATCH;

  const anyType = isStar(value, typeStart, typeEnd);
  const anySubtype = isStar(value, subtypeStart, subtypeEnd);
  // `*/json` is no media range (§12.5.1).
  if (anyType && !anySubtype) return NO_MATCH;
  if (!anyType && !equalsLowerCase(value, typeStart, typeEnd, type)) return NO_MATCH;
  if (!anySubtype && !equalsLowerCase(value, subtypeStart, subtypeEnd, subtype)) return NO_MATCH;
  // Like negotiator: a type counts 4, a subtype 2, parameters 1.
  let specificity = (anyType ? 0 : 4) + (anySubtype ? 0 : 2);

  let quality = 1000;
  let at = skipWhitespace(value, subtypeEnd, end);
  while (at < end) {
    if (value.charCodeAt(at) !== SEMICOLON) return NO_MATCH;
    const nameStart = skipWhitespace(value, at + 1, end);
    const nameEnd = skipToken(value, nameStart, end);
    // §5.6.6: parameter-name "=" parameter-value, no whitespace around "=".
    if (nameEnd === nameStart || value.charCodeAt(nameEnd) !== EQUALS) return NO_MATCH;
    const valueStart = nameEnd + 1;
    const valueEnd =
      value.charCodeAt(valueStart) === QUOTE
        ? skipQuoted(value, valueStart, end)
        : skipToken(value, valueStart, end);
    if (valueEnd === NO_MATCH || valueEnd === valueStart) return NO_MATCH;
    if (nameEnd - nameStart === 1 && (value.charCodeAt(nameStart) | 0x20) === 0x71) {
      // The weight (§12.4.2) ends the media range.
      quality = parseWeight(value, valueStart, valueEnd);
      if (quality === NO_MATCH) return NO_MATCH;
      break;
    }
    if (!hasParameter(value, nameStart, nameEnd, valueStart, valueEnd, parameters)) {
      return NO_MATCH;
    }
    specificity |= 1;
    at = skipWhitespace(value, valueEnd, end);
  }
  return specificity * SPECIFICITY_UNIT + quality;
}

/** Whether the type has the parameter `value[nameStart, nameEnd)` with the value `value[valueStart, valueEnd)`. */
function hasParameter(
  value: string,
  nameStart: number,
  nameEnd: number,
  valueStart: number,
  valueEnd: number,
  parameters: MediaTypeParameters,
): boolean {
  for (const name in parameters) {
    if (!equalsLowerCase(value, nameStart, nameEnd, name)) continue;
    const expected = parameters[name]!;
    return value.charCodeAt(valueStart) === QUOTE
      ? quotedEqualsLowerCase(value, valueStart, valueEnd, expected)
      : equalsLowerCase(value, valueStart, valueEnd, expected);
  }
  return false;
}

/** §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths; `NO_MATCH` if malformed. */
function parseWeight(value: string, start: number, end: number): number {
  const first = value.charCodeAt(start) - 0x30;
  if ((first !== 0 && first !== 1) || end - start > 5) return NO_MATCH;
  if (end - start === 1) return first * 1000;
  if (value.charCodeAt(start + 1) !== 0x2e) return NO_MATCH;
  let thousandths = 0;
  let scale = 100;
  for (let i = start + 2; i < end; i++, scale /= 10) {
    const digit = value.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9) || (first === 1 && digit !== 0)) return NO_MATCH;
    thousandths += digit * scale;
  }
  return first * 1000 + thousandths;
}

function skipWhitespace(value: string, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const code = value.charCodeAt(i);
    if (code !== SPACE && code !== TAB) break;
    i++;
  }
  return i;
}

function skipToken(value: string, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const code = value.charCodeAt(i);
    if (code >= 128 || TCHAR[code] !== 1) break;
    i++;
  }
  return i;
}

/** The index just past the quoted-string (§5.6.4) opening at `start`, or `NO_MATCH` if it is not closed. */
function skipQuoted(value: string, start: number, end: number): number {
  for (let i = start + 1; i < end; i++) {
    const code = value.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i + 1;
  }
  return NO_MATCH;
}

function isStar(value: string, start: number, end: number): boolean {
  return end - start === 1 && value.charCodeAt(start) === STAR;
}

/** Whether `value[start, end)` is `lower`, ignoring ASCII case. */
function equalsLowerCase(value: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if (toLower(value.charCodeAt(start + i)) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether the quoted-string `value[start, end)`, unescaped, is `lower`, ignoring ASCII case. */
function quotedEqualsLowerCase(value: string, start: number, end: number, lower: string): boolean {
  let matched = 0;
  for (let i = start + 1; i < end - 1; i++) {
    const code = value.charCodeAt(i) === BACKSLASH ? value.charCodeAt(++i) : value.charCodeAt(i);
    if (matched >= lower.length || toLower(code) !== lower.charCodeAt(matched)) return false;
    matched++;
  }
  return matched === lower.length;
}

function toLower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
}
