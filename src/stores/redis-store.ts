import { storedKey } from '../clients/stored-key.js';
import { consumeScript, peekScript, refundScript, type ScriptClock } from './redis-script.js';
import type { RateLimitDecision, RateLimitPolicy, RateLimitStore } from './store.js';
import { checkOneWindow } from './memory-store.js';
import { evictionPolicy } from './eviction-policy.js';
import {
  hashTag,
  parseRedisStoreOptions,
  redisScript,
  runScript,
  type RedisStoreBaseOptions,
  type RedisScript,
  type SendCommand,
} from './redis-client.js';
import { optionNames } from '../options/option-names.js';

export interface RedisStoreOptions extends RedisStoreBaseOptions {
  /** Prepended to every key. Defaults to `rl:`. Give each limiter its own. */
  prefix?: string | undefined;
}

const FACTORY = 'new RedisStore()';
const OPTION_NAMES = optionNames<RedisStoreOptions>()(['client', 'prefix', 'now']);
/** What rate-limit-redis's option names are here. */
const FROM_RATE_LIMIT_REDIS: Readonly<Record<string, string>> = {
  sendCommand: 'pass your ioredis or node-redis client itself as `client`',
  resetExpiryOnChange: 'expiries always follow the algorithm; there is nothing to set',
};

interface Scripts {
  readonly consume: RedisScript;
  readonly peek: RedisScript;
  readonly refund: RedisScript;
}

const SCRIPTS = new Map<string, Scripts>();

/** The scripts of one policy, made once per process (the policy is written into them). */
function scriptsFor(policy: RateLimitPolicy, clock: ScriptClock): Scripts {
  const { algorithm, windows, block, limits = 'fixed' } = policy;
  const shape = JSON.stringify({
    algorithm,
    windows: windows.map((w) => [limits === 'fixed' ? w.limit : 0, w.windowMs]),
    block,
    clock,
    limits,
  });
  let scripts = SCRIPTS.get(shape);
  if (!scripts) {
    scripts = {
      consume: redisScript(consumeScript(policy, clock)),
      peek: redisScript(peekScript(policy, clock)),
      refund: redisScript(refundScript(policy, clock)),
    };
    SCRIPTS.set(shape, scripts);
  }
  return scripts;
}

/**
 * Keeps counts in Redis, so that every instance of the app shares them.
 * Each decision is one round trip: an atomic Lua script, run by SHA and
 * loaded again only when Redis answers NOSCRIPT. Keys carry a hash tag, so
 * the store works on Redis Cluster. Requires Redis 6 or later.
 */
export class RedisStore implements RateLimitStore {
  readonly #send: SendCommand;
  readonly #prefix: string;
  readonly #now: (() => number) | undefined;
  #scripts: Scripts | undefined;
  #evictionPolicy: Promise<string | undefined> | undefined;
  /** Whether the policy's limit comes with each call. */
  #perRequest = false;

  /** This store takes a limit with each call (a `limit` function). */
  readonly perRequestLimits = true;
  /** Its client and key prefix: another RedisStore with both writes the same keys. */
  readonly keySpace: string;

  constructor(options: RedisStoreOptions) {
    const { send, client, prefix, now } = parseRedisStoreOptions(FACTORY, options, OPTION_NAMES, {
      defaultPrefix: 'rl:',
      migrations: FROM_RATE_LIMIT_REDIS,
    });
    this.#send = send;
    this.#prefix = prefix;
    // By the object commands go through: a legacy-mode client and its `v4` are one.
    this.keySpace = `redis:${clientNumber(client)}:${prefix}`;
    this.#now = now;
  }

  init(policy: RateLimitPolicy): void {
    if (policy.limits === 'per-request') checkOneWindow(policy);
    this.#scripts = scriptsFor(policy, this.#now ? 'argument' : 'redis');
    this.#perRequest = policy.limits === 'per-request';
  }

  consume(key: string, cost: number, limit?: number): Promise<RateLimitDecision> {
    return this.#run(this.#usable().consume, key, cost, limit, toDecision);
  }

  /** The decision a request of cost 0 would get now, spending nothing; undefined for an unknown key. */
  get(key: string, limit?: number): Promise<RateLimitDecision | undefined> {
    return this.#run(this.#usable().peek, key, 0, limit, (reply) =>
      reply === null || reply === undefined ? undefined : toDecision(reply),
    );
  }

  async refund(key: string, cost: number, limit?: number, chargedAt?: number): Promise<void> {
    await this.#run(this.#usable().refund, key, cost, limit, ignoreReply, chargedAt);
  }

  async reset(key: string): Promise<void> {
    const stored = this.#storedKey(key);
    await this.#send(['del', stored], stored);
  }

  #usable(): Scripts {
    if (this.#scripts === undefined) {
      throw new Error('RedisStore has no policy: pass it to rateLimit({ store }) before use');
    }
    return this.#scripts;
  }

  /** The client belongs to the caller, who closes it. */
  shutdown(): void {}

  /**
   * Redis's `maxmemory-policy` when it may evict this store's keys (any but
   * `noeviction`), read once from `INFO memory`; see `evictionPolicy`.
   */
  evictionPolicy(): Promise<string | undefined> {
    return (this.#evictionPolicy ??= evictionPolicy(this.#send));
  }

  /**
   * The key's Redis key, `<prefix>{<tag>}`: its counts and block record. The
   * hash tag `{…}` is the whole key, so that Redis Cluster hashes by it
   * however the prefix is spelt.
   */
  #storedKey(key: string): string {
    return `${this.#prefix}{${hashTag(storedKey(key))}}`;
  }

  /** One EVALSHA of `script` on the key's Redis key, its reply read by `read`. */
  #run<T>(
    script: RedisScript,
    key: string,
    cost: number,
    limit: number | undefined,
    read: (reply: unknown) => T,
    chargedAt?: number,
  ): Promise<T> {
    // Command names in lower case: ioredis lower-cases the name at each of its flag
    // look-ups (several per command), which allocates a new string for an upper-case one.
    const command = [
      'evalsha',
      script.sha,
      '1',
      this.#storedKey(key),
      cost === 1 ? '1' : String(cost),
    ];
    if (this.#now) command.push(String(this.#now()));
    if (this.#perRequest) {
      if (limit === undefined) {
        return Promise.reject(
          new TypeError('RedisStore: this policy takes a limit with each call, and none came'),
        );
      }
      command.push(String(limit));
    }
    if (chargedAt !== undefined) command.push(String(chargedAt));
    return runScript(this.#send, script, command, read);
  }
}

const ignoreReply = (): void => undefined;

/**
 * A number for each client object, for `keySpace`: two clients may reach
 * two Redis servers, where one prefix is no clash. (Two clients of one
 * server are not told apart: a store cannot know where a client connects.)
 */
const clientNumbers = new WeakMap<object, number>();
let clientsNumbered = 0;
function clientNumber(client: object): number {
  let number = clientNumbers.get(client);
  if (number === undefined) {
    number = ++clientsNumbered;
    clientNumbers.set(client, number);
  }
  return number;
}

/**
 * The script's reply: 4 numbers when allowed without a charge (a peek), 5
 * when allowed (the last, the charge's time, as a string: Redis would cut a
 * number's fraction), 6 when refused.
 */
function toDecision(reply: unknown): RateLimitDecision {
  if (!Array.isArray(reply) || reply.length < 4 || reply.length > 6) {
    throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
  }
  const allowed = Number(reply[0]) === 1;
  return {
    allowed,
    window: Number(reply[1]),
    remaining: Number(reply[2]),
    resetMs: Number(reply[3]),
    retryAfterMs: allowed ? 0 : Number(reply[4]),
    blockedMs: allowed ? 0 : Number(reply[5]),
    chargedAt: allowed && reply.length === 5 ? Number(reply[4]) : undefined,
  };
}
