import { assertToken, quoteString } from './field-value.js';
import { describeValue } from '../options/describe-value.js';

/**
 * One authentication challenge (RFC 9110 §11.3):
 * `{ scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token' } }`.
 */
export interface Challenge {
  /** The auth-scheme, e.g. `Bearer`, `Basic` or `Signature`. */
  readonly scheme: string;
  /** auth-params; each value is sent as a quoted-string. */
  readonly params?: Readonly<Record<string, string>> | undefined;
}

/** RFC 6750 §3: the error codes a Bearer challenge may carry. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export interface BearerChallengeOptions {
  realm?: string | undefined;
  scope?: string | undefined;
  error?: BearerErrorCode | undefined;
  errorDescription?: string | undefined;
  errorUri?: string | undefined;
}

// RFC 6750 §3: scope, error and error_description are limited to printable
// ASCII without `"` and `\`.
const BEARER_PARAM_VALUE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Builds a Bearer challenge (RFC 6750 §3) with its attributes in the RFC's order. */
export function bearerChallenge(options: BearerChallengeOptions = {}): Challenge {
  const params: Record<string, string> = {};
  if (options.realm !== undefined) params.realm = options.realm;
  if (options.scope !== undefined) params.scope = options.scope;
  if (options.error !== undefined) params.error = options.error;
  if (options.errorDescription !== undefined) params.error_description = options.errorDescription;
  if (options.errorUri !== undefined) params.error_uri = options.errorUri;
  for (const name of ['scope', 'error', 'error_description'] as const) {
    const value = params[name];
    if (value !== undefined && !BEARER_PARAM_VALUE.test(value)) {
      throw new TypeError(
        `Bearer \`${name}\` may only hold printable ASCII without '"' or '\\' (RFC 6750 §3), got ${describeValue(value)}`,
      );
    }
  }
  return { scheme: 'Bearer', params };
}

function formatChallenge(challenge: Challenge): string {
  const scheme = assertToken(challenge?.scheme, 'Challenge `scheme`');
  const params = Object.entries(challenge.params ?? {});
  if (params.length === 0) return scheme;
  const formatted = params.map(
    ([name, value]) =>
      `${assertToken(name, 'Challenge parameter name')}=${quoteString(value, `Challenge parameter \`${name}\``)}`,
  );
  return `${scheme} ${formatted.join(', ')}`;
}

/**
 * Formats a list of challenges, comma-separated: the value of `WWW-Authenticate`
 * (RFC 9110 §11.6.1) and of `Proxy-Authenticate` (§11.7.1), which share the
 * `#challenge` syntax.
 */
export function formatChallenges(challenges: Challenge | readonly Challenge[]): string {
  const list: readonly Challenge[] = Array.isArray(challenges)
    ? challenges
    : [challenges as Challenge];
  if (list.length === 0) throw new TypeError('`challenge` must hold at least one challenge');
  return list.map(formatChallenge).join(', ');
}
