import { createHash } from 'node:crypto';
import { ALGORITHMS } from '../rate-limit/algorithms.js';
import { CONSUME_SCRIPT, REFUND_SCRIPT } from './redis-script.js';
import type { RateLimitDecision, RateLimitPolicy, RateLimitStore } from './store.js';

/** An ioredis client (`call`) or a node-redis v4+ client (`sendCommand`), connected by you. */
export type RedisClient =
  | { call(command: string, ...args: string[]): Promise<unknown> }
  | { sendCommand(args: string[]): Promise<unknown> };

export interface RedisStoreOptions {
  /** The client to use. The store never connects, disconnects or configures it. */
  client: RedisClient;
  /** Prepended to every key. Defaults to `rl:`. Give each limiter its own. */
  prefix?: string;
}

interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});
const CONSUME = script(CONSUME_SCRIPT);
const REFUND = script(REFUND_SCRIPT);

/**
 * Keeps counts in Redis, so that every instance of the app shares them.
 * Each decision is one round trip: an atomic Lua script, run by SHA and
 * loaded again only when Redis answers NOSCRIPT. Keys carry a hash tag, so
 * the store works on Redis Cluster. Requires Redis 6 or later.
 */
export class RedisStore implements RateLimitStore {
  readonly #send: (args: string[]) => Promise<unknown>;
  readonly #prefix: string;
  /** ARGV after the cost: the policy, serialized once. */
  #policyArgs: string[] = [];

  constructor(options: RedisStoreOptions) {
    const client = options?.client as Record<string, unknown> | undefined;
    if (typeof client?.call === 'function') {
      const call = client.call as (command: string, ...args: string[]) => Promise<unknown>;
      this.#send = ([command, ...args]) => call.call(client, command!, ...args);
    } else if (typeof client?.sendCommand === 'function') {
      const sendCommand = client.sendCommand as (args: string[]) => Promise<unknown>;
      this.#send = (args) => sendCommand.call(client, args);
    } else {
      throw new TypeError(
        'RedisStore `client` must be an ioredis client or a node-redis (v4 or later) client',
      );
    }
    const prefix = options.prefix ?? 'rl:';
    if (typeof prefix !== 'string') throw new TypeError('RedisStore `prefix` must be a string');
    this.#prefix = prefix;
  }

  init(policy: RateLimitPolicy): void {
    const { algorithm, windows, block } = policy;
    this.#policyArgs = [
      String(ALGORITHMS.indexOf(algorithm) + 1),
      String(windows.length),
      ...windows.flatMap(({ limit, windowMs }) => [String(limit), String(windowMs)]),
      String(block?.after ?? 0),
      String(block?.withinMs ?? 0),
      String(block?.durationMs ?? 0),
    ];
  }

  async consume(key: string, cost: number): Promise<RateLimitDecision> {
    const [algorithm, ...rest] = this.#policyArgs;
    const reply = await this.#run(CONSUME, key, [algorithm!, String(cost), ...rest]);
    if (!Array.isArray(reply) || reply.length !== 6) {
      throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
    }
    const [allowed, window, remaining, resetMs, retryAfterMs, blockedMs] = reply.map(
      Number,
    ) as number[];
    return {
      allowed: allowed === 1,
      window: window!,
      remaining: remaining!,
      resetMs: resetMs!,
      retryAfterMs: retryAfterMs!,
      blockedMs: blockedMs!,
    };
  }

  async refund(key: string, cost: number): Promise<void> {
    const [algorithm, ...rest] = this.#policyArgs;
    await this.#run(REFUND, key, [algorithm!, String(cost), ...rest]);
  }

  async reset(key: string): Promise<void> {
    const [counts, block] = this.#keys(key);
    await this.#send(['DEL', counts, block]);
  }

  /** The client belongs to the caller, who closes it. */
  shutdown(): void {}

  /** The counts key and the block key; `{…}` makes Redis Cluster put both in one slot. */
  #keys(key: string): [string, string] {
    const counts = `${this.#prefix}{${key}}`;
    return [counts, `${counts}:block`];
  }

  async #run(script: Script, key: string, args: string[]): Promise<unknown> {
    const keys = this.#keys(key);
    try {
      return await this.#send(['EVALSHA', script.sha, '2', ...keys, ...args]);
    } catch (error) {
      if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
      // Redis restarted or flushed its script cache: load the script again, once.
      await this.#send(['SCRIPT', 'LOAD', script.source]);
      return this.#send(['EVALSHA', script.sha, '2', ...keys, ...args]);
    }
  }
}
