import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { isToken } from './field-value.js';

/**
 * An option that names a header field: a header field name (an RFC 9110
 * §5.1 token), `fallback` when not given. Here, beside the token grammar,
 * rather than in options/parse.ts, because options/ is what headers/ builds on.
 * With `reserved` (lower-case names), a name HTTP or the library already
 * sends for its own purpose is refused: the field must be one of its own.
 */
export function parseFieldName(
  factory: string,
  option: string,
  value: unknown,
  { fallback, reserved }: { fallback: string; reserved?: ReadonlySet<string> },
): string {
  const name = value === undefined ? fallback : value;
  if (typeof name !== 'string' || !isToken(name)) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`${option}\` must be a header name (an RFC 9110 token) such as ${fallback}, got ${describeValue(name)}`,
    );
  }
  if (reserved?.has(name.toLowerCase()) === true) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`${option}\` must name a field of its own, not ${name}, which HTTP or the handler already uses; the default is ${fallback}`,
    );
  }
  return name;
}
