import { Router } from 'express';
import { ImATeapotError, ServiceUnavailableError } from '../src/index.js';

/** Routes that exist to show one error each. Synchronous throws reach `errorHandler` on Express 4 and 5. */
export function demoErrorsRouter(): Router {
  const router = Router();
  router.get('/coffee', brewCoffee);
  router.get('/crash', crash);
  router.get('/reports/latest', latestReport);
  return router;
}

function brewCoffee(): never {
  throw new ImATeapotError('This server is a teapot: it brews tea, not coffee.');
}

/** A bug: a plain Error becomes a 500 whose body hides the message (it is logged instead). */
function crash(): never {
  throw new Error('Cannot connect to postgres://admin:hunter2@db.internal:5432/users');
}

/** 503 with the default `Retry-After: 120`. Its detail is safe to show, so it is exposed. */
function latestReport(): never {
  throw new ServiceUnavailableError('Reports are being regenerated. Try again in two minutes.', {
    expose: true,
  });
}
