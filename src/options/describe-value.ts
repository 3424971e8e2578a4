/**
 * A value as an error message can show it: JSON where JSON can say it
 * (`"text"`, `5`, `{"a":1}`), and words where it cannot (`10n`, `undefined`,
 * `a function`, `Symbol(x)`, a circular object). Never throws, so a bad
 * option always gets the message that names it.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
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
        return JSON.stringify(value) ?? String(value);
      } catch {
        return Object.prototype.toString.call(value);
      }
  }
}
