import type { Scenario } from '../scenario.js';
import { expressDefault, handWritten, httpError, ours } from './error-apps.js';

/**
 * A diagnostic companion of `error-path`: the same apps with one part
 * removed at a time, so that the ratios show what each part costs.
 * Not in the default run: `npm run bench -- --scenario error-path-breakdown`.
 */
export const scenario: Scenario = {
  name: 'error-path-breakdown',
  description:
    'What the parts of the error path cost: each ratio compares a variant of the `error-path` scenario with the same app minus one part.',
  request: { method: 'GET', path: '/items/42' },
  variants: [
    {
      name: 'ours',
      description: 'As in `error-path`.',
      expectedStatus: 404,
      createApp: () => ours(),
    },
    {
      name: 'ours-no-log',
      description: 'As `ours`, with `logger: false`.',
      expectedStatus: 404,
      createApp: () => ours(undefined, { logger: false }),
    },
    {
      name: 'ours-deferred',
      description:
        'As `ours`, with the handler called in `setImmediate`, when Express’s final handler writes its response.',
      expectedStatus: 404,
      createApp: () => ours(undefined, {}, { defer: true }),
    },
    {
      name: 'ours-no-request-id',
      description:
        'As `ours`, with `requestIdHeader: false`: no request id is made (`randomUUID()`), sent or logged.',
      expectedStatus: 404,
      createApp: () => ours(undefined, { requestIdHeader: false }),
    },
    {
      name: 'ours-http-error',
      description: 'As `ours`, but the route throws `createError(404, message)` (http-errors).',
      expectedStatus: 404,
      createApp: () => ours(httpError),
    },
    {
      name: 'express-default',
      description: 'As in `error-path`.',
      expectedStatus: 404,
      createApp: () => expressDefault(),
    },
    {
      name: 'express-default-no-log',
      description: 'As `express-default`, with `console.error` replaced by a no-op.',
      expectedStatus: 404,
      createApp: () => expressDefault({ log: false }),
    },
    {
      name: 'hand-written',
      description: 'As in `error-path`.',
      expectedStatus: 404,
      createApp: () => handWritten(),
    },
    {
      name: 'hand-written-no-log',
      description: 'As `hand-written`, without its log line.',
      expectedStatus: 404,
      createApp: () => handWritten({ log: false }),
    },
  ],
  comparisons: [
    { subject: 'ours', baseline: 'ours-no-log' },
    { subject: 'ours', baseline: 'ours-no-request-id' },
    { subject: 'ours', baseline: 'ours-http-error' },
    { subject: 'ours', baseline: 'ours-deferred' },
    { subject: 'express-default', baseline: 'express-default-no-log' },
    { subject: 'hand-written', baseline: 'hand-written-no-log' },
    { subject: 'ours-no-log', baseline: 'express-default-no-log' },
    { subject: 'ours-no-log', baseline: 'hand-written-no-log' },
  ],
};
