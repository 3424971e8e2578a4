/**
 * The header rules that depend on the status, in one table: which field a
 * status requires, which handler-controlled field it defines itself, and
 * which `Connection` option it calls for.
 */
interface StatusHeaderRule {
  /** A challenge field the status requires: the handler adds its default challenge when there is none. */
  readonly challenge?: string;
  /** A field the handler otherwise controls (lower-case) that this status defines: the error's own is sent. */
  readonly owns?: string;
  /** The `Connection` option to send: always, or with `owns`, only when that field is sent. */
  readonly connection?: string;
  /** Fields of the response (lower-case) to drop when the error sends no `Retry-After`. */
  readonly withoutRetryAfterDrops?: readonly string[];
}

/** The fields that give a rate limit's reset time, as ky reads them for a retry. */
const RESET_FIELDS = [
  'ratelimit-reset',
  'x-ratelimit-retry-after',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
];

const RULES: ReadonlyMap<number, StatusHeaderRule> = new Map([
  // RFC 9110 §15.5.2: a 401 MUST carry WWW-Authenticate with at least one challenge.
  [401, { challenge: 'WWW-Authenticate' }],
  // RFC 9110 §15.5.8: a 407 MUST carry Proxy-Authenticate with at least one challenge.
  [407, { challenge: 'Proxy-Authenticate' }],
  // RFC 9110 §15.5.9: a 408 SHOULD send the "close" option; the server gives up on the connection.
  [408, { connection: 'close' }],
  // RFC 9110 §15.5.14: a 413 that is temporary carries Retry-After; without it, waiting will not
  // help. A reset time a limiter before it set (ours, or express-rate-limit's drafts and legacy
  // fields) would have clients (ky) wait for it and resend.
  [413, { withoutRetryAfterDrops: RESET_FIELDS }],
  // RFC 9110 §14.4, §15.5.17: a 416's `bytes */length` gives the length of the representation and
  // describes no content, so it is kept; an abandoned response's Content-Range is still dropped.
  [416, { owns: 'content-range' }],
  // RFC 9110 §15.5.22: a 426 MUST send Upgrade; §7.8: a sender of Upgrade MUST also send the
  // "upgrade" connection option, so that intermediaries do not forward it.
  [426, { owns: 'upgrade', connection: 'upgrade' }],
]);

const NO_RULE: StatusHeaderRule = {};

/** The header rule of a status; an empty one for most. */
export function statusHeaderRule(status: number): StatusHeaderRule {
  return RULES.get(status) ?? NO_RULE;
}

/**
 * Adds what the rule requires to the headers about to be sent: the default
 * challenge where one is missing (none is given when the response already
 * carries one), and the `Connection` option. When the
 * connection would not be kept alive (the client sent `close`, or HTTP/1.0),
 * `close` stays among the options: RFC 9112 §9.6 has the server close it,
 * and Node closes only on a `Connection` value that says so.
 */
export function applyStatusHeaderRule(
  rule: StatusHeaderRule,
  headers: Record<string, string>,
  defaultChallenge: string | undefined,
  keepAlive: boolean,
): void {
  if (
    rule.challenge !== undefined &&
    defaultChallenge !== undefined &&
    !hasField(headers, rule.challenge)
  ) {
    headers[rule.challenge] = defaultChallenge;
  }
  if (rule.connection !== undefined && (rule.owns === undefined || hasField(headers, rule.owns))) {
    headers.Connection =
      keepAlive || rule.connection === 'close' ? rule.connection : `${rule.connection}, close`;
  }
}

/** Whether `headers` has the field `name`, in any case. */
export function hasField(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  for (const key in headers) if (key.toLowerCase() === lower) return true;
  return false;
}

/** Whether a `Connection` value set on a response holds the `close` option (RFC 9112 §9.6). */
export function saysClose(value: number | string | readonly string[] | undefined): boolean {
  if (value === undefined || typeof value === 'number') return false;
  const values = typeof value === 'string' ? [value] : value;
  return values.some((field) =>
    field.split(',').some((option) => option.trim().toLowerCase() === 'close'),
  );
}
