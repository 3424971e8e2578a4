/**
 * `methodNotAllowed`: what it costs where it is mounted (after the routes,
 * before `notFound()`), on the request every variant gets, `GET /items/42`.
 * The apps differ in what `/items/:id` is: a GET route that answers (the
 * middleware is never reached), a GET route that calls `next()` (the
 * middleware runs and lets the request through to the 404), not routed at all
 * (404), or routed for PUT and DELETE only (405). No app logs.
 */
import express, { type Express, type RequestHandler } from 'express';
import type { MethodNotAllowedOptions } from '../../../src/middleware/method-not-allowed.js';
import { loadBuild } from '../library.js';
import type { Scenario } from '../scenario.js';

const { errorHandler, methodNotAllowed, notFound } = loadBuild();

const ROUTE = '/items/:id';

const answer: RequestHandler = (req, res) => {
  res.json({ id: req.params.id });
};
const passOn: RequestHandler = (_req, _res, next) => next();

interface AppShape {
  /** Routes other than `/items/:id`, each `GET /r<i>/things/:id`. */
  readonly fillers: number;
  /** What `/items/:id` is. */
  readonly items: 'answers' | 'calls-next' | 'absent' | 'put-delete';
  /** Mount `methodNotAllowed(app, options)` after the routes; absent: not mounted. */
  readonly middleware?: MethodNotAllowedOptions;
}

function appWith({ fillers, items, middleware }: AppShape): Express {
  const app = express();
  for (let i = 0; i < fillers; i++) app.get(`/r${i}/things/:id`, answer);
  if (items === 'answers') app.get(ROUTE, answer);
  if (items === 'calls-next') app.get(ROUTE, passOn);
  if (items === 'put-delete') app.route(ROUTE).put(answer).delete(answer);
  if (middleware) app.use(methodNotAllowed(app, middleware));
  app.use(notFound());
  app.use(errorHandler({ logger: false }));
  return app;
}

export const scenario: Scenario = {
  name: 'method-not-allowed',
  description:
    '`methodNotAllowed(app)` mounted after the routes: its cost on requests a route answers, on requests that fall through a route to the 404, and the cost of a 405 among 1,000 routes, cached (the same path again) and not (`cacheSize: 0`, one pass over the routes per request).',
  request: { method: 'GET', path: '/items/42' },
  variants: [
    {
      name: 'matched-without',
      description: '10 GET routes, `notFound()` and `errorHandler`; `GET /items/:id` answers.',
      expectedStatus: 200,
      createApp: () => appWith({ fillers: 9, items: 'answers' }),
    },
    {
      name: 'matched-with',
      description: 'The same, with `methodNotAllowed(app)` after the routes.',
      expectedStatus: 200,
      createApp: () => appWith({ fillers: 9, items: 'answers', middleware: {} }),
    },
    {
      name: 'fallthrough-without',
      description: '10 GET routes; `GET /items/:id` calls `next()`, so `notFound()` answers 404.',
      expectedStatus: 404,
      createApp: () => appWith({ fillers: 9, items: 'calls-next' }),
    },
    {
      name: 'fallthrough-with',
      description:
        'The same, with `methodNotAllowed(app)`: it runs, finds the GET route, and passes on.',
      expectedStatus: 404,
      createApp: () => appWith({ fillers: 9, items: 'calls-next', middleware: {} }),
    },
    {
      name: 'routes-1000-404-without',
      description: '1,000 GET routes, none at `/items/:id`; `notFound()` answers 404.',
      expectedStatus: 404,
      createApp: () => appWith({ fillers: 1000, items: 'absent' }),
    },
    {
      name: 'routes-1000-404',
      description: 'The same, with `methodNotAllowed(app)`: no route matches, it passes on.',
      expectedStatus: 404,
      createApp: () => appWith({ fillers: 1000, items: 'absent', middleware: {} }),
    },
    {
      name: 'routes-1000-405',
      description:
        '1,000 GET routes and PUT/DELETE `/items/:id` (last), with `methodNotAllowed(app)`: 405, `Allow: DELETE, OPTIONS, PUT`.',
      expectedStatus: 405,
      createApp: () => appWith({ fillers: 999, items: 'put-delete', middleware: {} }),
    },
    {
      name: 'routes-1000-405-uncached',
      description:
        'The same with `cacheSize: 0`: every 405 matches the path against all 1,000 routes.',
      expectedStatus: 405,
      createApp: () => appWith({ fillers: 999, items: 'put-delete', middleware: { cacheSize: 0 } }),
    },
  ],
  comparisons: [
    {
      subject: 'matched-with',
      baseline: 'matched-without',
      maxRatio: 1.02,
      target: 'under 2% overhead on requests a route answers',
    },
    { subject: 'fallthrough-with', baseline: 'fallthrough-without' },
    { subject: 'routes-1000-404', baseline: 'routes-1000-404-without' },
    { subject: 'routes-1000-405', baseline: 'routes-1000-404' },
    { subject: 'routes-1000-405-uncached', baseline: 'routes-1000-405' },
  ],
};
