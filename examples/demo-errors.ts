import { Router, type Request, type Response } from 'express';
import { ImATeapotError, ServiceUnavailableError } from '../src/index.js';

/** Routes that exist to show one error each. Synchronous throws reach `errorHandler` on Express 4 and 5. */
export function demoErrorsRouter(): Router {
  const router = Router();
  router.get('/coffee', brewCoffee);
  router.get('/crash', crash);
  router.get('/reports/latest', latestReport);
  router.get('/reports/primes', primesReport);
  return router;
}

/**
 * A CPU-bound handler, written naively on purpose: counts the primes below
 * `below` (default 3,000,000, at most 5,000,000) by trial division,
 * synchronously, which stalls the event loop for a few hundred milliseconds.
 * With `loadShedding` mounted (as `npm start` does), the requests that arrive
 * right after it get 503 until the loop is healthy again.
 */
function primesReport(req: Request, res: Response): void {
  const below = Math.min(Math.max(Number(req.query.below ?? 3_000_000) || 0, 0), 5_000_000);
  let count = 0;
  for (let n = 2; n < below; n++) {
    let prime = true;
    for (let divisor = 2; divisor * divisor <= n; divisor++) {
      if (n % divisor === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  res.json({ below, primes: count });
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
