import { CodedWarnings } from '../logging/coded-warnings.js';
import type { Logger } from '../logging/logger.js';
import { OUTAGE_REMINDER_MS } from '../stores/outage.js';

/** The coded warnings a limiter gives, each at most once. */
export const WARNINGS = {
  RATE_LIMIT_TRUST_PROXY_TRUE:
    "`trust proxy` is `true`: any client can pick its IP with X-Forwarded-For and escape the limit. Set it to the number of proxies in front of the app, or their addresses (see Express's 'trust proxy' setting).",
  RATE_LIMIT_FORWARDED_WITHOUT_TRUST_PROXY:
    "A request came with X-Forwarded-For but `trust proxy` is off, so every client behind the proxy shares one limit. If the app is behind a proxy, set Express's 'trust proxy' setting.",
  RATE_LIMIT_CREATED_IN_HANDLER:
    'rateLimit() was called while handling a request: each call makes a new limiter with empty counts, so nothing is limited. Create the limiter once, when the app starts.',
  RATE_LIMIT_STORE_SHARED:
    'Two limiters keep their counts in one place under other policies (one store object, or two RedisStores with one `prefix` and other windows, algorithm or block): each overwrites what the other wrote and neither limits. Give each rateLimit() its own store, and each RedisStore its own `prefix`.',
  RATE_LIMIT_COUNT_ONLY_FAILED:
    '`countOnly` threw, or answered neither true nor false (a promise is awaited), so the request counted. Make it return a boolean: false gives the request back.',
  RATE_LIMIT_STORE_UNAVAILABLE:
    'The rate-limit store failed or timed out. Until it answers again, requests are let through unlimited (`failOpen: true`, the default) or answered 503 (`failOpen: false`).',
  RATE_LIMIT_STORE_STILL_UNAVAILABLE: `The rate-limit store still fails (\`failedCalls\` since the outage began; \`outageMs\` from its first failed call to its last): requests are still let through unlimited (\`failOpen: true\`, the default) or answered 503 (\`failOpen: false\`). Told again every ${OUTAGE_REMINDER_MS / 60_000} minutes while the outage lasts.`,
  RATE_LIMIT_STORE_EVICTION:
    "The rate-limit store's Redis may evict keys: its `maxmemory-policy` (`maxmemoryPolicy`) is not `noeviction`, so once it reaches `maxmemory` it deletes counts and blocks to make room, without an error: clients get their quota back and blocks are lifted. Set `maxmemory-policy noeviction`, or give the store a Redis of its own that is set so.",
} as const;

export type WarningCode = keyof typeof WARNINGS;

/** Emits each coded warning once per limiter (the store's once per outage: see `StoreHealth`), through its logger. */
export class Warnings extends CodedWarnings<WarningCode> {
  constructor(logger: () => Logger | false) {
    super(WARNINGS, logger);
  }
}
