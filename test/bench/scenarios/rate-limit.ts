import type { Scenario } from '../scenario.js';
import {
  bareExpress,
  expressRateLimitMemory,
  flexibleMemory,
  noopMiddleware,
  oursMemory,
  staticHeaders,
} from './limiter-apps.js';

export const scenario: Scenario = {
  name: 'rate-limit',
  description:
    'Allowed requests through a rate limiter on an in-memory store: ours, express-rate-limit and rate-limiter-flexible, with bare Express as the floor. Each limiter keys by client IP and sends limit, remaining and reset headers.',
  request: { method: 'GET', path: '/items/42' },
  variants: [
    {
      name: 'bare-express-200',
      description: 'Express 5 answering `res.json({ id })`, no limiter.',
      expectedStatus: 200,
      createApp: bareExpress,
    },
    {
      name: 'noop-middleware',
      description:
        'Bare Express plus a middleware that only calls `next()`: what mounting any middleware costs.',
      expectedStatus: 200,
      createApp: noopMiddleware,
    },
    {
      name: 'static-headers',
      description:
        'Bare Express plus three constant rate-limit headers and no limiting: the floor for any limiter that sends them.',
      expectedStatus: 200,
      createApp: staticHeaders,
    },
    {
      name: 'ours-memory',
      description: '`rateLimit({ limit, windowMs })` on the default `MemoryStore` (GCRA).',
      expectedStatus: 200,
      createApp: oursMemory,
    },
    {
      name: 'express-rate-limit-memory',
      description:
        '`rateLimit({ limit, windowMs, legacyHeaders: true, standardHeaders: false })` from express-rate-limit, on its `MemoryStore`.',
      expectedStatus: 200,
      createApp: expressRateLimitMemory,
    },
    {
      name: 'rate-limiter-flexible-memory',
      description:
        '`RateLimiterMemory` from rate-limiter-flexible, in the middleware its documentation shows.',
      expectedStatus: 200,
      createApp: flexibleMemory,
    },
  ],
  comparisons: [
    { subject: 'noop-middleware', baseline: 'bare-express-200' },
    { subject: 'static-headers', baseline: 'bare-express-200' },
    { subject: 'ours-memory', baseline: 'static-headers' },
    {
      subject: 'ours-memory',
      baseline: 'bare-express-200',
      // 0.95× the throughput of bare Express is at most 1/0.95 of its CPU per request.
      maxRatio: 1 / 0.95,
      target: 'at least 0.95× bare Express',
    },
    {
      subject: 'ours-memory',
      baseline: 'express-rate-limit-memory',
      maxRatio: 1,
      target: 'above express-rate-limit (memory)',
    },
    {
      subject: 'ours-memory',
      baseline: 'rate-limiter-flexible-memory',
      maxRatio: 1,
      target: 'above rate-limiter-flexible (memory)',
    },
  ],
};
