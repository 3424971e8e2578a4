import type { Scenario } from '../scenario.js';
import { bareExpress, expressDefault, handWritten, ours } from './error-apps.js';

export const scenario: Scenario = {
  name: 'error-path',
  description:
    'A route that fails with 404, answered by our `errorHandler`, by Express’s default final handler, and by a minimal hand-written JSON error middleware; bare Express answering 200 is the floor.',
  request: { method: 'GET', path: '/items/42' },
  variants: [
    {
      name: 'bare-express-200',
      description:
        'Reference floor: Express 5, the route answers `res.json({ id })` with 200. No error, no logging.',
      expectedStatus: 200,
      createApp: bareExpress,
    },
    {
      name: 'ours',
      description:
        'The route throws `new NotFoundError(message)`; `errorHandler({ logger: pino(pino.destination({ dest: "/dev/null", sync: true })) })` answers with an RFC 9457 `application/problem+json` body (type, title, status, detail, instance, code, requestId), `X-Request-Id` (a new UUID) and `X-Content-Type-Options`, and logs one pino line at `warn`.',
      expectedStatus: 404,
      createApp: () => ours(),
    },
    {
      name: 'ours-async-log',
      description:
        'As `ours`, but logging through pino’s asynchronous destination (`sync: false`, writes handed to libuv’s thread pool): what the same handler costs with that choice of destination.',
      expectedStatus: 404,
      createApp: () => ours(undefined, undefined, { syncLog: false }),
    },
    {
      name: 'express-default',
      description:
        'The route throws `createError(404, message)` (http-errors); no error middleware, so Express’s final handler (finalhandler) answers with its HTML page and, as Express does for every error outside `NODE_ENV=test`, logs it with `console.error(err)` to stderr (here /dev/null).',
      expectedStatus: 404,
      createApp: () => expressDefault(),
    },
    {
      name: 'hand-written',
      description:
        'The route throws `createError(404, message)`; a minimal error middleware logs one pino line (to /dev/null, synchronously, like `ours`) at `warn` with `{ err, method, url, status }` (pino’s standard `err` serializer) and answers `res.status(err.status ?? 500).json({ error: err.message })`.',
      expectedStatus: 404,
      createApp: () => handWritten(),
    },
  ],
  comparisons: [
    {
      subject: 'ours',
      baseline: 'express-default',
      maxRatio: 1,
      target: 'at least as fast as Express’s default handler',
    },
    {
      subject: 'ours',
      baseline: 'hand-written',
      maxRatio: 1.1,
      target: 'within 10% of the hand-written middleware',
    },
    { subject: 'ours', baseline: 'bare-express-200' },
    { subject: 'ours-async-log', baseline: 'express-default' },
  ],
};
