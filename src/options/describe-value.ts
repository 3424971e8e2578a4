/**
 * A value as an error message can show it: JSON where JSON can say it
 * (`"text"`, `5`, `{"a":1}`), and words where it cannot (`10n`, `undefined`,
 * `a function`, `Symbol(x)`, `/x/g`, `Invalid Date`, a circular object). Never throws, so a bad
 * option always gets the message that names it.
 */
export function describeValue(value: unknown): string {
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
