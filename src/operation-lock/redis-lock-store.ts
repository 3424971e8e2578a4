import {
  hashTag,
  parseRedisStoreOptions,
  redisScript,
  runScript,
  type RedisStoreBaseOptions,
  type RedisScript,
  type SendCommand,
} from '../stores/redis-client.js';
import { storedKey } from '../clients/stored-key.js';
import { evictionPolicy } from '../stores/eviction-policy.js';
import { describeValue } from '../options/describe-value.js';
import { optionNames } from '../options/option-names.js';
import { currentClock } from '../time/clock.js';
import { settledOrAfter } from '../time/timers.js';
import {
  MAX_LOCK_KEY_LENGTH,
  type LockAcquisition,
  type OperationLockStore,
} from './lock-store.js';

export interface RedisLockStoreOptions extends RedisStoreBaseOptions {
  /** Prepended to every key. Defaults to `oplock:`. Give each `operationLock()` its own. */
  prefix?: string | undefined;
}

const FACTORY = 'new RedisLockStore()';
const OPTION_NAMES = optionNames<RedisLockStoreOptions>()(['client', 'prefix', 'now']);
const FROM_NODE_IDEMPOTENCY: Readonly<Record<string, string>> = {
  url: 'pass a connected ioredis or node-redis client as `client`',
  socket: 'pass a connected ioredis or node-redis client as `client`',
};

/*
 * One hash per key: `s` ('r' running, 'd' done), `t` the owner's token while
 * running, `f` the fingerprint, `x` when the lease or record runs out (ms of
 * the script's clock), `l` how long that lease or record was given (ms),
 * `r` the stored response once done. Each script
 * touches that one key, so every call is one round trip to one Redis Cluster
 * slot. `x` is the truth; Redis's own expiry only frees the memory, and with
 * a clock other than Redis's it comes a minute later, so that a key never
 * vanishes before that clock says it has expired.
 */
const CLOCKS = {
  redis: `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local PAD = 0`,
  argument: `local now = math.floor(tonumber(ARGV[#ARGV]))
local PAD = 60000`,
} as const;

type Clock = keyof typeof CLOCKS;

/** Whether `token` holds a live lock: defines `held` for the scripts that need an owner. */
const HELD = `local rec = redis.call('HMGET', KEYS[1], 's', 't', 'x')
local held = rec[1] == 'r' and rec[2] == ARGV[1] and tonumber(rec[3]) > now`;

const BODIES = {
  // ARGV: token, fingerprint, leaseMs. Replies 0 acquired, {1, fingerprint, leaseMs} running, {2, fingerprint, response} done.
  acquire: `local rec = redis.call('HMGET', KEYS[1], 's', 'f', 'x', 'r', 'l')
if rec[1] then
  local left = tonumber(rec[3]) - now
  local length = tonumber(rec[5])
  if left > 0 and length and left > length then
    -- More left than was given: the clock stepped back (TIME is Redis's wall clock). The
    -- lease or record ends one length from now, so that a dead owner holds the key for one
    -- lease of the new clock, not the step on top.
    left = length
    redis.call('HSET', KEYS[1], 'x', string.format('%.0f', now + length))
    redis.call('PEXPIRE', KEYS[1], length + PAD)
  end
  if left > 0 then
    if rec[1] == 'r' then return {1, rec[2], left} end
    return {2, rec[2], rec[4]}
  end
  redis.call('DEL', KEYS[1])
end
local lease = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 's', 'r', 't', ARGV[1], 'f', ARGV[2], 'x', string.format('%.0f', now + lease), 'l', lease)
redis.call('PEXPIRE', KEYS[1], lease + PAD)
return 0`,
  // ARGV: token, response, replayMs.
  // Asked again by the token that completed it (its first answer was lost), it answers 1 and changes nothing.
  complete: `${HELD}
if not held then
  if rec[1] == 'd' and rec[2] == ARGV[1] then return 1 end
  return 0
end
local keep = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 's', 'd', 'r', ARGV[2], 'x', string.format('%.0f', now + keep), 'l', keep)
redis.call('PEXPIRE', KEYS[1], keep + PAD)
return 1`,
  // ARGV: token.
  release: `${HELD}
if not held then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
  // ARGV: token, leaseMs.
  renew: `${HELD}
if not held then return 0 end
local lease = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'x', string.format('%.0f', now + lease), 'l', lease)
redis.call('PEXPIRE', KEYS[1], lease + PAD)
return 1`,
} as const;

type Scripts = { readonly [Name in keyof typeof BODIES]: RedisScript };

function scripts(clock: Clock): Scripts {
  const make = (body: string) => redisScript(`${CLOCKS[clock]}\n${body}`);
  return {
    acquire: make(BODIES.acquire),
    complete: make(BODIES.complete),
    release: make(BODIES.release),
    renew: make(BODIES.renew),
  };
}

/** Made once per process: a script's SHA is computed once, and EVALSHA sends only it. */
const SCRIPTS: Readonly<Record<Clock, Scripts>> = {
  redis: scripts('redis'),
  argument: scripts('argument'),
};

/**
 * Keeps locks and records in Redis, so that every app instance shares them.
 * Each call is one atomic Lua script on one key, run by SHA (EVAL with the
 * source only after NOSCRIPT), on Redis's clock; keys carry a hash tag, so
 * the store works on Redis Cluster. A waiting duplicate polls (see
 * `operationLock`'s `waitMs`): pub/sub would need a connection of its own in
 * subscriber mode, and the client is the caller's. Requires Redis 6 or later.
 */
export class RedisLockStore implements OperationLockStore {
  readonly #send: SendCommand;
  readonly #prefix: string;
  readonly #now: (() => number) | undefined;
  readonly #scripts: Scripts;
  #evictionPolicy: Promise<string | undefined> | undefined;
  /**
   * The completions and releases on their way, by Redis key. Commands on one
   * connection run in the order they are sent, so an acquire sent after a
   * completion normally finds its record; but a completion that gets
   * NOSCRIPT (after a restart, a failover or SCRIPT FLUSH) or a cluster
   * redirect goes again one round trip later, and a retry's acquire sent
   * meanwhile would find the key still running (409.1). An acquire that
   * finds its key running while the key is in this map asks again once the
   * ending is over, so that a retry sent after a response finds what that
   * response recorded. Other acquires are sent at once, as before.
   */
  readonly #ending = new Map<string, Promise<unknown>>();
  /** The timers of the wait for an ending (see `currentClock`). */
  readonly #clock = currentClock();

  constructor(options: RedisLockStoreOptions) {
    const { send, prefix, now } = parseRedisStoreOptions(FACTORY, options, OPTION_NAMES, {
      defaultPrefix: 'oplock:',
      migrations: FROM_NODE_IDEMPOTENCY,
    });
    this.#send = send;
    this.#prefix = prefix;
    this.#now = now;
    this.#scripts = SCRIPTS[this.#now ? 'argument' : 'redis'];
  }

  acquire(
    key: string,
    token: string,
    fingerprint: string,
    leaseMs: number,
  ): Promise<LockAcquisition> {
    const { acquire } = this.#scripts;
    const redisKey = this.#redisKey(key);
    const run = () =>
      this.#run(
        acquire,
        ['evalsha', acquire.sha, '1', redisKey, token, fingerprint, String(leaseMs)],
        toAcquisition,
      );
    const ending = this.#ending.get(redisKey);
    const answer = run();
    if (ending === undefined) return answer;
    // Found running while this instance was ending that key: the ending may have been sent
    // again after this acquire (see `#ending`), so once it is over, ask once more.
    return answer.then((found) =>
      found.state === 'running'
        ? settledOrAfter(ending, ENDING_WAIT_MS, this.#clock).then(run)
        : found,
    );
  }

  complete(key: string, token: string, response: string, replayMs: number): Promise<boolean> {
    const { complete } = this.#scripts;
    const redisKey = this.#redisKey(key);
    return this.#end(
      redisKey,
      this.#run(
        complete,
        ['evalsha', complete.sha, '1', redisKey, token, response, String(replayMs)],
        toBoolean,
      ),
    );
  }

  release(key: string, token: string): Promise<boolean> {
    const { release } = this.#scripts;
    const redisKey = this.#redisKey(key);
    return this.#end(
      redisKey,
      this.#run(release, ['evalsha', release.sha, '1', redisKey, token], toBoolean),
    );
  }

  renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const { renew } = this.#scripts;
    return this.#run(
      renew,
      ['evalsha', renew.sha, '1', this.#redisKey(key), token, String(leaseMs)],
      toBoolean,
    );
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

  /** `<prefix>{<tag>}`: the hash tag pins the key to one Redis Cluster slot. */
  #redisKey(key: string): string {
    return `${this.#prefix}{${hashTag(storedKey(key, MAX_LOCK_KEY_LENGTH))}}`;
  }

  /**
   * Keeps `answer`, a completion or a release of `redisKey`, in `#ending`
   * until it and any ending of the key sent before it have settled.
   */
  #end(redisKey: string, answer: Promise<boolean>): Promise<boolean> {
    const earlier = this.#ending.get(redisKey);
    const ending = earlier === undefined ? answer : Promise.allSettled([earlier, answer]);
    this.#ending.set(redisKey, ending);
    const forget = () => {
      if (this.#ending.get(redisKey) === ending) this.#ending.delete(redisKey);
    };
    ending.then(forget, forget);
    return answer;
  }

  /** Runs `command`, `['evalsha', sha, '1', key, ...args]`, adding the clock when it is ours. */
  #run<T>(script: RedisScript, command: string[], read: (reply: unknown) => T) {
    if (this.#now) command.push(String(this.#now()));
    return runScript(this.#send, script, command, read);
  }
}

/**
 * How long an acquire that found its key running waits for this instance's
 * ending of that key before it asks again: far more than a healthy round
 * trip, and a bound for one whose reply never comes (the middleware's own
 * `storeTimeoutMs` bounds the request anyway).
 */
const ENDING_WAIT_MS = 1000;

const ACQUIRED: LockAcquisition = Object.freeze({ state: 'acquired' });

function toAcquisition(reply: unknown): LockAcquisition {
  // The usual answer is a bare 0: no array to read.
  if (reply === 0) return ACQUIRED;
  if (Array.isArray(reply)) {
    const [state, fingerprint, third] = reply as unknown[];
    if (Number(state) === 1) {
      return { state: 'running', fingerprint: String(fingerprint), leaseMs: Number(third) };
    }
    if (Number(state) === 2) {
      return { state: 'done', fingerprint: String(fingerprint), response: String(third) };
    }
  }
  throw new Error(`Unexpected reply from the operation-lock script: ${describeValue(reply)}`);
}

function toBoolean(reply: unknown): boolean {
  return Number(reply) === 1;
}
