import type { Scenario } from '../scenario.js';
import { expressRateLimitMemory, oursMemory } from './refusal-apps.js';

export const scenario: Scenario = {
  name: 'refusals',
  description:
    'A flood from one client on an in-memory store: every measured request is refused (one request an hour, spent in the warm-up). Ours answers problem+json through errorHandler and logs under the refusal policy; express-rate-limit sends its default short text 429 and logs nothing.',
  request: { method: 'GET', path: '/items/42' },
  variants: [
    {
      name: 'ours-memory-429',
      description:
        '`rateLimit` on `MemoryStore`, refused requests answered by `errorHandler` (pino to /dev/null).',
      expectedStatus: 429,
      // The warm-up's first request spends the one request allowed.
      warmupStatuses: [200],
      createApp: oursMemory,
    },
    {
      name: 'express-rate-limit-memory-429',
      description: "express-rate-limit on its memory store, its default handler's 429.",
      expectedStatus: 429,
      // The warm-up's first request spends the one request allowed.
      warmupStatuses: [200],
      createApp: expressRateLimitMemory,
    },
  ],
  comparisons: [
    {
      subject: 'ours-memory-429',
      baseline: 'express-rate-limit-memory-429',
      maxRatio: 1,
      target: "no more than express-rate-limit's default 429",
    },
  ],
};
