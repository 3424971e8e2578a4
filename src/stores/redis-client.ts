import { createHash } from 'node:crypto';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkOptionNames } from '../options/option-names.js';
import { checkOptionsObject, parseFunction } from '../options/parse.js';

/**
 * What every Redis-backed store shares: the clients it accepts, how a
 * command is sent through either, and how a Lua script is run by SHA.
 */

/**
 * A Redis client, connected by you: an ioredis client or Cluster (`call`),
 * a node-redis v4+ client (`sendCommand(args)`), a node-redis v4+ cluster
 * client from `createCluster()` (`sendCommand(firstKey, isReadonly, args)`),
 * or a node-redis v5+ Sentinel client from `createSentinel()`
 * (`sendCommand(isReadonly, args)`).
 */
export type RedisClient =
  | { call(command: string, ...args: string[]): Promise<unknown> }
  | { sendCommand(args: string[]): Promise<unknown> }
  | NodeRedisClusterClient
  | NodeRedisSentinelClient
  | NodeRedisSentinelLease;

/**
 * node-redis's cluster client: its `sendCommand` takes the key that routes
 * the command to its slot's node first. Told apart from the single-node
 * client by its cluster-only methods, not by the arity of `sendCommand`
 * (a wrapper or a proxy can change that).
 */
export interface NodeRedisClusterClient {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  getSlotMaster(slot: number): unknown;
}

/**
 * node-redis's Sentinel client: its `sendCommand` says first whether the
 * command only reads (then a replica may serve it). Told apart by its
 * Sentinel-only methods.
 */
export interface NodeRedisSentinelClient {
  sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  getMasterNode(): unknown;
  getSentinelNode(): unknown;
}

/** A client leased from node-redis's Sentinel client (`acquire()`): its `sendCommand` is the Sentinel's. */
export interface NodeRedisSentinelLease {
  sendCommand(isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  release(): unknown;
}

/**
 * Sends one command, given as its name and arguments, and answers Redis's
 * reply. `firstKey` is the first key the command touches, if any: a cluster
 * client routes the command by it.
 */
export type SendCommand = (args: string[], firstKey?: string) => Promise<unknown>;

/**
 * How to send a command through `client`, an ioredis or node-redis client,
 * checked once at start-up: anything else is an option error of `factory`.
 */
export function commandSender(factory: string, client: unknown): SendCommand {
  const candidate = commandTarget(factory, client) as Record<string, unknown> | undefined | null;
  if (typeof candidate?.call === 'function') {
    const call = candidate.call as (command: string, ...args: string[]) => Promise<unknown>;
    return (args) => call.apply(candidate, args as [string, ...string[]]);
  }
  if (isNodeRedisCluster(candidate)) {
    const cluster = candidate as unknown as NodeRedisClusterClient;
    // Our commands write (the scripts, DEL): never to a replica, so not read-only.
    return (args, firstKey) => cluster.sendCommand(firstKey, false, args);
  }
  if (isNodeRedisSentinel(candidate)) {
    const sentinel = candidate as unknown as NodeRedisSentinelLease;
    // Not read-only, as above: to the master.
    return (args) => sentinel.sendCommand(false, args);
  }
  if (typeof candidate?.sendCommand === 'function') {
    const sendCommand = candidate.sendCommand as (args: string[]) => Promise<unknown>;
    return (args) => sendCommand.call(candidate, args);
  }
  const wanted = 'an ioredis client or a node-redis (v4 or later) client';
  throw client === undefined
    ? optionError(factory, 'ERR_EAE_OPTION_MISSING', `\`client\` is required: ${wanted}`)
    : optionError(factory, 'ERR_EAE_OPTION_TYPE', `\`client\` must be ${wanted}`);
}

/**
 * The object the store sends its commands through: `client` itself, or,
 * for a node-redis v4 client created with `legacyMode: true` (as
 * connect-redis v6 and express-session set-ups have it), its `v4`
 * interface: the same connection with the promise API. The legacy
 * `sendCommand` takes a callback and answers nothing, and without one
 * emits each failure as an `'error'` event. node-redis v5+'s legacy
 * wrapper (`client.legacy()`) has no such interface, and is refused.
 */
export function commandTarget(factory: string, client: unknown): unknown {
  const candidate = client as
    { options?: { legacyMode?: unknown }; v4?: { sendCommand?: unknown } } | undefined | null;
  // Read `options` first: node-redis's `v4` getter throws on a client not in legacy mode.
  if (candidate?.options?.legacyMode === true && typeof candidate.v4?.sendCommand === 'function') {
    return candidate.v4;
  }
  if (candidate?.constructor?.name === 'RedisLegacyClient') {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      "`client` is node-redis's legacy wrapper (`client.legacy()`), whose commands take callbacks and answer nothing: pass the client you called `.legacy()` on",
    );
  }
  return client;
}

/** node-redis's cluster client has methods no single-node client has (v4 to v6). */
function isNodeRedisCluster(candidate: Record<string, unknown> | undefined | null): boolean {
  return (
    typeof candidate?.sendCommand === 'function' &&
    typeof candidate.getSlotMaster === 'function' &&
    typeof candidate.nodeClient === 'function'
  );
}

/**
 * node-redis's Sentinel client has methods no other client has (v5 and v6),
 * and so has a client leased from it (`acquire()`), which is given back with
 * `release()`: both take `(isReadonly, args)`.
 */
function isNodeRedisSentinel(candidate: Record<string, unknown> | undefined | null): boolean {
  if (typeof candidate?.sendCommand !== 'function') return false;
  const sentinel =
    typeof candidate.getMasterNode === 'function' &&
    typeof candidate.getSentinelNode === 'function';
  return sentinel || typeof candidate.release === 'function';
}

/** The options every Redis-backed store takes. */
export interface RedisStoreBaseOptions {
  /** The client to use. The store never connects, disconnects or configures it. */
  client: RedisClient;
  /** Prepended to every key. */
  prefix?: string | undefined;
  /**
   * A clock in milliseconds, read for each call and sent to the scripts in
   * place of Redis's `TIME`. For tests that control time. Defaults to
   * Redis's clock, which every app instance shares: leave it so in production.
   */
  now?: (() => number) | undefined;
}

/**
 * Checks a Redis-backed store's options, at construction, with the
 * options module's messages and codes: `known` are the store's option
 * names, `migrations` what other libraries' names become.
 */
export function parseRedisStoreOptions(
  factory: string,
  options: RedisStoreBaseOptions,
  known: readonly string[],
  {
    defaultPrefix,
    migrations,
  }: { defaultPrefix: string; migrations: Readonly<Record<string, string>> },
): { send: SendCommand; client: object; prefix: string; now: (() => number) | undefined } {
  checkOptionsObject(factory, options, '{ client }');
  checkOptionNames(factory, options, known, { migrations });
  const send = commandSender(factory, options.client);
  // Past commandSender's check: an object.
  const client = commandTarget(factory, options.client) as object;
  const prefix = options.prefix ?? defaultPrefix;
  if (typeof prefix !== 'string') {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`prefix\` must be a string, got ${describeValue(prefix)}`,
    );
  }
  // Redis Cluster hashes the first {…} of a key name (an empty {} names no tag): a brace in the
  // prefix would pick the tag instead of ours, and put a client's keys in different slots
  // (CROSSSLOT on every call) or every client's keys in one slot.
  if (/[{}]/.test(prefix)) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`prefix\` must not hold \`{\` or \`}\`: Redis Cluster would hash by it rather than by each client's key, got ${describeValue(prefix)}`,
    );
  }
  // ioredis writes its own `keyPrefix` before every key, ours included.
  const clientPrefix = (options.client as { options?: { keyPrefix?: unknown } }).options?.keyPrefix;
  if (typeof clientPrefix === 'string' && /[{}]/.test(clientPrefix)) {
    throw optionError(
      factory,
      'ERR_EAE_OPTION_TYPE',
      `\`client\` has an ioredis \`keyPrefix\` that holds \`{\` or \`}\`: Redis Cluster would hash by it rather than by each client's key; give the store a client without one, got ${describeValue(clientPrefix)}`,
    );
  }
  return { send, client, prefix, now: parseFunction(factory, 'now', options.now) };
}

/** A Lua script and its SHA-1, by which it is run. */
export interface RedisScript {
  readonly source: string;
  readonly sha: string;
}

export function redisScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Sends `command`, `['evalsha', script.sha, numkeys, ...keys, ...args]`,
 * and reads its reply with `read` in the same step (a promise per call, not
 * one per stage). On NOSCRIPT (Redis restarted, flushed its script cache, or
 * a replica was promoted) sends the same call once more as EVAL with the
 * source, which runs it and caches it on the node that owns the keys; a
 * SCRIPT LOAD could land on another node of a cluster.
 */
export function runScript<T>(
  send: SendCommand,
  script: RedisScript,
  command: string[],
  read: (reply: unknown) => T,
): Promise<T> {
  const firstKey = command[2] === '0' ? undefined : command[3];
  return send(command, firstKey).then(read, (error: unknown) => {
    if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
    const evalCommand = command.slice();
    evalCommand[0] = 'eval';
    evalCommand[1] = script.source;
    return send(evalCommand, firstKey).then(read);
  });
}

const TAG_ESCAPES = /[~}]/g;

/**
 * A key as the content of a hash tag, one to one: a tag ends at the first
 * `}`, and an empty one is no tag (Redis Cluster would hash the whole name,
 * prefix and all). So `~` is written `~~`, `}` is written `~)`, and the
 * empty key is `~`, which no other key becomes (elsewhere `~` only comes in
 * pairs).
 */
export function hashTag(key: string): string {
  if (key === '') return '~';
  if (key.indexOf('~') === -1 && key.indexOf('}') === -1) return key;
  return key.replace(TAG_ESCAPES, (c) => (c === '~' ? '~~' : '~)'));
}
