/**
 * What a Redis error reply asks of an operator, read from its prefix (the
 * error code Redis puts first, `NOPERM …`, `OOM …`), for the store-outage
 * warnings: the error itself says what failed, the hint what to change.
 * Most of these do not pass by themselves, unlike a timeout or a restart.
 * An error of anything else (a timeout, a closed client, another store)
 * gets none. The README's table of them is checked against this one.
 */
export const REDIS_ERROR_HINTS = [
  [
    'NOPERM',
    "Redis's ACL does not let this user run a command or use a key the store needs: grant it `+evalsha +eval +del` and read and write access to `~<prefix>*` (ACL SETUSER). Until then every call fails.",
  ],
  [
    'OOM',
    'Redis is out of memory (`maxmemory` reached under `noeviction`) and refuses writes: raise `maxmemory`, free memory, or give the store a Redis of its own.',
  ],
  [
    'READONLY',
    'The client is connected to a read-only replica: connect it to the master (or give the store a Sentinel or Cluster client).',
  ],
  [
    'MASTERDOWN',
    'The replica the client is connected to has lost its master: connect the client to the master.',
  ],
  ['NOAUTH', 'Redis wants credentials the client did not send: give the client its password.'],
  ['WRONGPASS', "Redis refused the client's user name or password."],
  [
    'ERR unknown command',
    'Redis does not know a command the store sends (`EVALSHA` or `EVAL` renamed or disabled, or a server that is not Redis 6 or later): the store needs them.',
  ],
] as const satisfies readonly (readonly [prefix: string, hint: string])[];

/** The hint for `error`, a Redis error reply, or undefined; never throws. */
export function redisErrorHint(error: unknown): string | undefined {
  let message: unknown;
  try {
    message = (error as { message?: unknown } | null | undefined)?.message;
  } catch {
    return undefined;
  }
  if (typeof message !== 'string') return undefined;
  return REDIS_ERROR_HINTS.find(
    ([prefix]) => message.startsWith(prefix) && /^(\s|$)/.test(message.slice(prefix.length)),
  )?.[1];
}

/** `details` with the hint for `error`, when it has one, as `hint`. */
export function withRedisErrorHint(
  error: unknown,
  details: Record<string, unknown>,
): Record<string, unknown> {
  const hint = redisErrorHint(error);
  return hint === undefined ? details : { ...details, hint };
}
