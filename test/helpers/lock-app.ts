import { request as httpRequest } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  UnprocessableEntityError,
  errorHandler,
  operationLock,
  type OperationLockOptions,
} from '../../src/index.js';
import { serve } from './server.js';

/** Bytes that are not UTF-8 (a lone 0xff), which a record keeps in base64. */
export const BINARY_BODY = Buffer.from([0x00, 0xff, 0x0a, 0x0d, 0x80]);

/** Five bytes (`0xff` and `abcd`) in the middle of a larger buffer: a view whose offset is not 0. */
export const VIEW_BODY = new Uint8Array(
  new Uint8Array([0x2e, 0x2e, 0xff, 0x61, 0x62, 0x63, 0x64, 0x2e]).buffer,
  2,
  5,
);

/** The problem body of a 422.10 (a key reused with another payload) at `instance`, as `problemOf` gives it. */
export function keyReusedProblem(instance: string): Record<string, unknown> {
  return {
    type: 'about:blank',
    title: 'Unprocessable Content',
    status: 422,
    detail:
      'This Idempotency-Key was already used for a different request. Use a new key for a new operation, or resend the original request unchanged.',
    instance,
    code: 'IDEMPOTENCY_KEY_REUSED',
    subCode: '422.10',
  };
}

/** The problem body of a 409.1 (a request with the key still in progress) at `instance`, as `problemOf` gives it. */
export function inProgressProblem(instance: string): Record<string, unknown> {
  return {
    type: 'about:blank',
    title: 'Conflict',
    status: 409,
    detail:
      'A request with this Idempotency-Key is still being processed. Retry after it finishes.',
    instance,
    code: 'DUPLICATE_REQUEST_IN_PROGRESS',
    subCode: '409.1',
  };
}

/** A handler that can be held in progress until the test lets it go. */
export class Gate {
  #open = false;
  #waiting: (() => void)[] = [];
  #entered: (() => void)[] = [];
  /** How many requests have entered a handler (each is one run of the operation). */
  runs = 0;

  /** Resolves once `count` requests have entered a handler. */
  entered(count = 1): Promise<void> {
    if (this.runs >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => (this.runs >= count ? resolve() : this.#entered.push(check));
      this.#entered.push(check);
    });
  }

  /** Lets every held request go on, and every later one pass at once. */
  open(): void {
    this.#open = true;
    for (const release of this.#waiting.splice(0)) release();
  }

  /** Counts a run, waits while the gate is closed, and answers the run's number. */
  async pass(): Promise<number> {
    const run = (this.runs += 1);
    for (const check of this.#entered.splice(0)) check();
    if (!this.#open) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    return run;
  }
}

/**
 * An app with `operationLock(options)` on its routes, after `express.json()`:
 * `POST /orders` answers 201 with the run's number, a Location, a cookie and a header that is
 * not replayed; `GET /orders` 200 with the run's number; `/fail` a 500, `/invalid` a 422, `/stream` a streamed 200,
 * `/big` a body of `?bytes=` bytes, `/binary` `BINARY_BODY` (not UTF-8) with
 * `res.end`, `/zeros` 1,000 zero bytes (UTF-8, all control characters),
 * `/view` the 5-byte `Uint8Array` view `VIEW_BODY`, `/bogus` `res.end` with an
 * encoding Node does not know (it throws), `/accounts/:id/charge` 201 with the
 * account, `/api/orders`, in a router, 201 with its `baseUrl`, and `/partial`
 * a 200 that fails after its first chunk, `/later` the `?status=` given, with
 * `Retry-After` when `?retry-after=` is given. Every
 * handler passes `gate` first.
 */
export function lockedApp(options: OperationLockOptions, gate = new Gate()): Express {
  const app = express();
  app.use(express.json());
  const lock = operationLock({ logger: false, ...options });
  const held =
    (handler: (req: Request, res: Response, next: NextFunction, run: number) => void) =>
    (req: Request, res: Response, next: NextFunction) => {
      gate.pass().then((run) => handler(req, res, next, run), next);
    };
  app.post(
    '/orders',
    lock,
    held((req, res, _next, run) => {
      res
        .status(201)
        .set('Location', `/orders/${run}`)
        .set('Set-Cookie', 'session=first')
        .set('X-Handler-Only', 'yes')
        .json({ id: run, item: (req.body as { item?: unknown })?.item ?? null });
    }),
  );
  app.get(
    '/orders',
    lock,
    held((_req, res, _next, run) => {
      res.status(200).json({ run });
    }),
  );
  app.post(
    '/fail',
    lock,
    held((_req, _res, next) => next(new Error('The database is down'))),
  );
  app.post(
    '/invalid',
    lock,
    held((_req, _res, next) =>
      next(
        new UnprocessableEntityError('Bad item.', {
          errors: [{ pointer: '/item', detail: 'Unknown.' }],
        }),
      ),
    ),
  );
  app.post(
    '/stream',
    lock,
    held((_req, res) => {
      res.type('text/plain').write('part 1, ');
      res.end('part 2');
    }),
  );
  app.post(
    '/big',
    lock,
    held((req, res) => {
      res.type('text/plain').send('x'.repeat(Number(req.query.bytes)));
    }),
  );
  app.post(
    '/binary',
    lock,
    held((_req, res) => {
      res.status(200).type('application/octet-stream').end(BINARY_BODY);
    }),
  );
  app.post(
    '/zeros',
    lock,
    held((_req, res) => {
      res.status(200).type('application/octet-stream').end(Buffer.alloc(1000));
    }),
  );
  app.post(
    '/view',
    lock,
    held((_req, res) => {
      res.status(200).type('application/octet-stream').end(VIEW_BODY);
    }),
  );
  app.post(
    '/bogus',
    lock,
    held((_req, res, next) => {
      try {
        res.end('x', 'bogus' as BufferEncoding);
      } catch (error) {
        next(error);
      }
    }),
  );
  app.post(
    '/accounts/:id/charge',
    lock,
    held((req, res, _next, run) => {
      res.status(201).json({ run, account: req.params.id });
    }),
  );
  app.post(
    '/later',
    lock,
    held((req, res, _next, run) => {
      const retryAfter = req.query['retry-after'];
      if (typeof retryAfter === 'string') res.set('Retry-After', retryAfter);
      res.status(Number(req.query.status)).json({ run });
    }),
  );
  app.post(
    '/partial',
    lock,
    held((_req, res, next) => {
      res.status(200).type('text/plain').write('part 1, ');
      next(new Error('The stream broke'));
    }),
  );
  app.post(
    '/left',
    lock,
    held((_req, res, next) => {
      res.status(200).type('text/plain').write('part 1, ');
      // The stream breaks once the client has gone.
      res.once('close', () => next(new Error('The client left')));
    }),
  );
  const api = express.Router();
  api.post(
    '/orders',
    lock,
    held((req, res, _next, run) => {
      res.status(201).json({ run, base: req.baseUrl });
    }),
  );
  app.use('/api', api);
  app.use(errorHandler({ logger: false }));
  return app;
}

/**
 * Serves `app` and sends it `POST /orders` (or `path`) with `key`, from a
 * client that will go away: `abort()` closes the connection and resolves
 * once the server has seen the response close; `close()` stops the server.
 */
export async function abandonedOrder(
  app: Express,
  key: string,
  path = '/orders',
): Promise<{ abort(): Promise<void>; close(): Promise<void> }> {
  let seeClose!: () => void;
  const closed = new Promise<void>((resolve) => (seeClose = resolve));
  const outer = express();
  outer.use((_req, res, next) => {
    res.once('close', () => seeClose());
    next();
  });
  outer.use(app);
  const server = await serve(outer);
  const sent = httpRequest(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Idempotency-Key': key, 'Content-Type': 'application/json' },
  });
  sent.on('error', () => undefined);
  sent.end(JSON.stringify({ item: 'book' }));
  return {
    abort: async () => {
      sent.destroy();
      await closed;
    },
    close: () => server.close(),
  };
}
