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

/**
 * A failure: the database driver's error, wrapped in one that says what the
 * handler was doing, with the driver's as its `cause`. It becomes a 500 whose
 * body hides both; the log line has both messages and stacks, and nothing
 * else of them: not the connection settings the driver attached, password
 * included. Put no secret in a message: messages are logged.
 */
function crash(): never {
  throw new Error('Could not list users', { cause: connectionRefused() });
}

/** What a database driver throws when the server is down, its settings attached as some do. */
function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 10.0.0.12:5432'), {
    code: 'ECONNREFUSED',
    config: { connectionString: 'postgres://app:s3cr3t@db.internal:5432/users' },
  });
}

/** 503 with the default `Retry-After: 120`. Its detail is safe to show, so it is exposed. */
function latestReport(): never {
  throw new ServiceUnavailableError('Reports are being regenerated. Try again in two minutes.', {
    expose: true,
  });
}
