/** The longest description of a value, in characters: a message must stay one readable line. */
export const MAX_DESCRIPTION_LENGTH = 200;

/**
 * A value as an error message can show it: JSON where JSON can say it
 * (`"text"`, `5`, `{"a":1}`), and words where it cannot (`10n`, `undefined`,
 * `a function`, `Symbol(x)`, `/x/g`, `Invalid Date`, a circular object). Never throws, so a bad
 * option always gets the message that names it. A long description is cut
 * and says how long it was: a value can be a whole catalog, or a store's
 * reply holding a recorded response, and messages end up in logs.
 */
export function describeValue(value: unknown): string {
  const whole = describeWhole(value);
  const description = INVISIBLE.test(whole) ? whole.replace(INVISIBLE_ALL, escaped) : whole;
  if (description.length <= MAX_DESCRIPTION_LENGTH) return description;
  // Not between the two halves of a surrogate pair, which would leave a lone one.
  const high = description.charCodeAt(MAX_DESCRIPTION_LENGTH - 1);
  const end =
    high >= 0xd800 && high <= 0xdbff ? MAX_DESCRIPTION_LENGTH - 1 : MAX_DESCRIPTION_LENGTH;
  return `${description.slice(0, end)}… (${description.length} characters)`;
}

/**
 * Characters a message would show as nothing, or as a break or a blank that
 * reads as a space: written `\u200B`, so that `"\u200B"` does not read as `""`.
 */
const INVISIBLE_CLASS = String.raw`[\p{Default_Ignorable_Code_Point}\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u2800\u3000]`;
const INVISIBLE = new RegExp(INVISIBLE_CLASS, 'u');
const INVISIBLE_ALL = new RegExp(INVISIBLE_CLASS, 'gu');

function escaped(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeWhole(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return String(value); // JSON would say `null` for NaN and Infinity
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return value.name ? `a function (${value.name})` : 'a function';
    case 'symbol':
      return value.toString();
    default:
      try {
        if (value instanceof RegExp) return String(value); // JSON would say `{}`
        if (value instanceof Date) return describeDate(value); // JSON would say `null` or a string
        return JSON.stringify(value) ?? String(value);
      } catch {
        return objectTag(value);
      }
  }
}

/** A valid Date in ISO 8601, unquoted so that it does not read as a string. */
function describeDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString();
}

/** `[object Object]`, or words for a revoked Proxy, on which even that throws. */
function objectTag(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return 'an object';
  }
}
