/**
 * Every command the stores send, the scripts' own among them: Redis checks
 * a script's `redis.call`s against the user's ACL too, so a user granted
 * only `+evalsha +eval` is refused `TIME` in every script. A test reads the
 * stores' sources and checks that none is missing.
 */
const STORE_COMMANDS = [
  'evalsha',
  'eval',
  'del',
  'time',
  'get',
  'set',
  'hmget',
  'hset',
  'hdel',
  'pexpire',
  'pttl',
] as const;

const NOPERM_HINT = `Redis's ACL does not let this user run a command or use a key the store needs: grant it \`${STORE_COMMANDS.map((command) => `+${command}`).join(' ')}\` (the scripts' own commands are checked too; \`+info\` lets the store check \`maxmemory-policy\`) and read and write access to \`~<prefix>*\` (ACL SETUSER). Until then every call fails.`;

/**
 * How Redis words an ACL refusal of a command inside a script, after the
 * `ERR` it starts with: Redis 6.2 and 7.0, then 7.2 and later.
 */
const SCRIPT_ACL_REFUSALS = [
  "The user executing the script can't run this command",
  'ACL failure in script',
] as const;

/**
 * What a Redis error reply asks of an operator, read from its prefix (the
 * error code Redis puts first, `NOPERM …`, `OOM …`), for the store-outage
 * warnings: the error itself says what failed, the hint what to change.
 * Most of these do not pass by themselves, unlike a timeout or a restart.
 * An error of anything else (a timeout, a closed client, another store)
 * gets none. The README's table of them is checked against this one.
 */
export const REDIS_ERROR_HINTS = [
  ['NOPERM', NOPERM_HINT],
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
  if (message.startsWith('ERR ') && SCRIPT_ACL_REFUSALS.some((words) => message.includes(words))) {
    return NOPERM_HINT;
  }
  const reply = scriptCallError(message) ?? message;
  return REDIS_ERROR_HINTS.find(
    ([prefix]) => reply.startsWith(prefix) && /^(\s|$)/.test(reply.slice(prefix.length)),
  )?.[1];
}

/**
 * The error reply of a `redis.call` that failed inside a script, as Redis
 * before 7.0 wraps it: `ERR Error running script (call to f_…):
 * @user_script:4: @user_script: 4: -OOM command not allowed …`; Redis 7
 * answers with the call's own error.
 */
function scriptCallError(message: string): string | undefined {
  if (!message.startsWith('ERR Error running script')) return undefined;
  const at = message.indexOf(': -');
  return at === -1 ? undefined : message.slice(at + 3);
}

/** `details` with the hint for `error`, when it has one, as `hint`. */
export function withRedisErrorHint(
  error: unknown,
  details: Record<string, unknown>,
): Record<string, unknown> {
  const hint = redisErrorHint(error);
  return hint === undefined ? details : { ...details, hint };
}
