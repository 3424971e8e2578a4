import type { SendCommand } from './redis-client.js';

/**
 * Redis's `maxmemory-policy`, read from `INFO memory`, when it is not
 * `noeviction`; undefined when it is, or when `INFO` is refused (an ACL, a
 * renamed command) or fails: the check must never fail what it guards. On
 * Redis Cluster, `INFO` has no key and is answered by one node: the
 * answer is that node's.
 *
 * Why it matters: under any `maxmemory-policy` but `noeviction`, a Redis
 * that reaches `maxmemory` deletes keys to make room: `allkeys-*` any key,
 * `volatile-*` any key with an expiry, which every key of the stores has.
 * A deleted count, block, lock or record is lost without an error: blocks
 * lift, quota comes back, a duplicate runs beside the request it
 * duplicates, a retry runs again.
 */
export function evictionPolicy(send: SendCommand): Promise<string | undefined> {
  return send(['info', 'memory']).then(readEvictionPolicy, () => undefined);
}

/** The policy in an `INFO` reply, unless it is `noeviction` or missing. */
export function readEvictionPolicy(reply: unknown): string | undefined {
  const policy = /^maxmemory_policy:(\S+)/m.exec(String(reply))?.[1];
  return policy === 'noeviction' ? undefined : policy;
}

/** A store that may say whether its backend evicts keys (`RateLimitStore.evictionPolicy`, `OperationLockStore.evictionPolicy`). */
export interface EvictionPolicySource {
  evictionPolicy?(): Promise<string | undefined>;
}

/**
 * Asks `store` for its eviction policy, in the background (nothing waits
 * for it), and hands a policy to `warn`. A store without the method, one
 * that throws or rejects, or answers anything but a string, warns nothing.
 */
export function checkEvictionPolicy(
  store: EvictionPolicySource,
  warn: (policy: string) => void,
): void {
  if (typeof store.evictionPolicy !== 'function') return;
  let answer: Promise<string | undefined>;
  try {
    answer = Promise.resolve(store.evictionPolicy());
  } catch {
    return;
  }
  answer.then(
    (policy) => {
      if (typeof policy === 'string') warn(policy);
    },
    () => undefined,
  );
}
