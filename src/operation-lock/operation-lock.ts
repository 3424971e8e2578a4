import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  BadRequestError,
  ConflictError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '../errors/error-classes.js';
import { markRefusal } from '../errors/refusal.js';
import { parseIdempotencyKey } from '../headers/idempotency-key.js';
import { describeValue } from '../options/describe-value.js';
import { clientKey } from '../rate-limit/client-key.js';
import { Deadlines } from '../rate-limit/deadlines.js';
import { defaultFingerprint } from './fingerprint.js';
import type { LockAcquisition } from './lock-store.js';
import {
  parseOperationLockOptions,
  type OperationLockConfiguration,
  type OperationLockOptions,
} from './options.js';
import { replay, ResponseRecorder } from './recorded-response.js';
import { LockWarnings } from './warnings.js';

/** How long a client is asked to wait when the store is down and `failOpen` is false. */
const STORE_DOWN_RETRY_AFTER_SECONDS = 5;
/** A duplicate that waits on a store that cannot notify polls it: from 20 ms, doubling, to 250 ms. */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;

/**
 * Keeps duplicate requests from running at the same time, and with `replay`
 * answers a retry with the response its first attempt got
 * (draft-ietf-httpapi-idempotency-key-header). A request carries its key in
 * `Idempotency-Key`; while one with the same key (from the same client, on
 * the same route) runs, another gets 409.1 with `Retry-After`; a key reused
 * with another payload gets 422.10; a malformed key 400.11, and a missing
 * one 400.10 when `required`. Every refusal is an error for `errorHandler`.
 */
export function operationLock(options: OperationLockOptions = {}): RequestHandler {
  const lock = new OperationLock(parseOperationLockOptions(options));
  return function operationLockMiddleware(req, res, next) {
    lock.handle(req, res, next);
  };
}

/** A request's lock key (client, route and key) and the fingerprint of its payload. */
interface Operation {
  readonly key: string;
  readonly client: string;
  readonly fingerprint: string;
}

class OperationLock {
  readonly #config: OperationLockConfiguration;
  readonly #warnings: LockWarnings;
  readonly #deadlines: Deadlines;

  constructor(config: OperationLockConfiguration) {
    this.#config = config;
    this.#warnings = new LockWarnings(config.logger);
    this.#deadlines = new Deadlines(config.storeTimeoutMs);
  }

  handle(req: Request, res: Response, next: NextFunction): void {
    let operation: Operation | undefined;
    try {
      operation = this.#operation(req);
    } catch (error) {
      return next(error);
    }
    if (operation === undefined) return next();
    // Every path through #acquire settles the request itself; this catch is for what cannot happen.
    this.#acquire(operation, req, res, next).catch((error: unknown) => next(error));
  }

  /** The request's operation, undefined when it has no key and none is required. */
  #operation(req: Request): Operation | undefined {
    const config = this.#config;
    const key = config.key ? checkString(config.key(req), 'key', true) : this.#headerKey(req);
    if (key === undefined) {
      if (!config.required) return undefined;
      throw new BadRequestError(
        `This request needs an ${headerName(config.header)} header: a unique value per operation, so that a retry cannot run it twice.`,
        {
          subCode: '400.10',
          headers: config.docsLink === undefined ? undefined : { Link: config.docsLink },
        },
      );
    }
    const route = routeOf(req);
    const client = config.client ? checkString(config.client(req), 'client') : defaultClient(req);
    const fingerprint = config.fingerprint
      ? checkString(config.fingerprint(req), 'fingerprint')
      : defaultFingerprint(req.method, route, req.body);
    return { key: JSON.stringify([client, route, key]), client, fingerprint };
  }

  #headerKey(req: Request): string | undefined {
    const raw = req.headers[this.#config.header];
    if (raw === undefined) return undefined;
    const field = parseIdempotencyKey(Array.isArray(raw) ? raw.join(', ') : raw);
    if (field.problem !== undefined) {
      throw new BadRequestError(field.problem, { subCode: '400.11' });
    }
    return field.key;
  }

  /**
   * Takes the lock, or answers from what holds it: 422.10 for another
   * payload (before anything else, as the draft orders it), the replay of a
   * completed request, or 409.1 for one in progress, after waiting up to
   * `waitMs` for it to end.
   */
  async #acquire(
    operation: Operation,
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    const { store, lockTtlMs, waitMs } = this.#config;
    const token = randomBytes(16).toString('base64url');
    const waitUntil = performance.now() + waitMs;
    let abandoned: AbortController | undefined;
    for (let attempt = 0; ; attempt++) {
      let found: LockAcquisition;
      try {
        found = checkAcquisition(
          await this.#call(() =>
            store.acquire(operation.key, token, operation.fingerprint, lockTtlMs),
          ),
        );
      } catch (error) {
        abandoned?.abort();
        return this.#storeFailed(error, operation, next);
      }
      this.#warnings.storeRecovered();
      if (found.state === 'acquired') {
        abandoned?.abort();
        return this.#run(operation.key, token, req, res, next);
      }
      if (found.fingerprint !== operation.fingerprint) {
        abandoned?.abort();
        return next(keyReused(this.#config.header));
      }
      if (found.state === 'done') {
        abandoned?.abort();
        return this.#replay(found.response, operation, res, next);
      }
      const left = waitUntil - performance.now();
      if (left <= 0) {
        abandoned?.abort();
        return next(inProgress(this.#config, operation.client));
      }
      abandoned ??= abortOnClose(res);
      // Waking at the end of the lease too: a crashed owner's lock is then free.
      await this.#waitForChange(operation.key, Math.min(left, found.leaseMs), attempt, abandoned);
      // The client went away while waiting: nobody is left to answer.
      if (abandoned.signal.aborted) return;
    }
  }

  /** Resolves when the key may have changed: the store's notice, or a poll with backoff. */
  #waitForChange(key: string, ms: number, attempt: number, abandoned: AbortController) {
    const { store } = this.#config;
    if (typeof store.waitForChange === 'function') {
      try {
        return store.waitForChange(key, Math.max(1, ms), abandoned.signal).catch(() => undefined);
      } catch {
        // A store whose notice fails is polled instead.
      }
    }
    return sleep(
      Math.max(1, Math.min(ms, FIRST_POLL_MS * 2 ** attempt, MAX_POLL_MS)),
      abandoned.signal,
    );
  }

  /**
   * Runs the handler under the lock: renews the lease while it runs, and
   * once the response has finished records it (or releases the key); a
   * connection closed first (the client gave up) releases it too.
   */
  #run(key: string, token: string, req: Request, res: Response, next: NextFunction): void {
    const config = this.#config;
    const recorder = config.replay ? new ResponseRecorder(res, config.maxBodyBytes) : undefined;
    const renewal = setInterval(
      () => this.#renew(key, token, renewal),
      Math.max(1, Math.floor(config.lockTtlMs / 3)),
    );
    renewal.unref();
    const end = () => {
      clearInterval(renewal);
      res.off('finish', end);
      res.off('close', end);
      this.#end(key, token, recorder, req, res);
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  }

  #end(
    key: string,
    token: string,
    recorder: ResponseRecorder | undefined,
    req: Request,
    res: Response,
  ): void {
    const config = this.#config;
    if (recorder !== undefined && res.writableFinished && this.#records(req, res)) {
      if (recorder.recordable) {
        const response = recorder.serialize(res, config.replayHeaders);
        this.#settle(() => config.store.complete(key, token, response, config.replayTtlMs));
        return;
      }
      this.#warnings.warnOnce('OPERATION_LOCK_NOT_RECORDED', { status: res.statusCode });
    }
    this.#settle(() => config.store.release(key, token));
  }

  #records(req: Request, res: Response): boolean {
    try {
      return this.#config.record(req, res) === true;
    } catch {
      return false; // Not recorded: a retry runs again, the safe side for a broken policy.
    }
  }

  /** Completes or releases; a store that fails leaves the lease to expire by itself. */
  #settle(change: () => boolean | Promise<boolean>): void {
    this.#call(change).then(
      (held) => {
        if (held !== true) this.#warnings.warnOnce('OPERATION_LOCK_LEASE_LOST');
      },
      (error: unknown) => this.#warnStoreUnavailable(error),
    );
  }

  #renew(key: string, token: string, renewal: NodeJS.Timeout): void {
    this.#call(() => this.#config.store.renew(key, token, this.#config.lockTtlMs)).then(
      (held) => {
        if (held === true) return;
        clearInterval(renewal);
        this.#warnings.warnOnce('OPERATION_LOCK_LEASE_LOST');
      },
      (error: unknown) => this.#warnStoreUnavailable(error),
    );
  }

  #replay(stored: string, operation: Operation, res: Response, next: NextFunction): void {
    try {
      replay(res, stored);
    } catch (error) {
      // A record that cannot be read is the store's failure, not the client's.
      if (!res.headersSent) this.#storeFailed(error, operation, next);
    }
  }

  /** A store error is no decision: run without the lock (`failOpen`) or answer 503. */
  #storeFailed(error: unknown, operation: Operation, next: NextFunction): void {
    this.#warnStoreUnavailable(error);
    if (this.#config.failOpen) return next();
    next(
      markRefusal(
        new ServiceUnavailableError(
          'Duplicate-request protection is unavailable, so the request was not run; try again shortly.',
          { retryAfter: STORE_DOWN_RETRY_AFTER_SECONDS, expose: true },
        ),
        { key: operation.client },
      ),
    );
  }

  #warnStoreUnavailable(error: unknown): void {
    this.#warnings.warnOnce('OPERATION_LOCK_STORE_UNAVAILABLE', {
      err: error instanceof Error ? { type: error.name, message: error.message } : String(error),
    });
  }

  /** Calls the store; an answer later than `storeTimeoutMs` is a failure (and is then ignored). */
  #call<T>(invoke: () => T | PromiseLike<T>): Promise<T> {
    let answer: T | PromiseLike<T>;
    try {
      answer = invoke();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (!isThenable(answer)) return Promise.resolve(answer);
    const { storeTimeoutMs } = this.#config;
    return new Promise<T>((resolve, reject) => {
      const pending = this.#deadlines.track(() =>
        reject(new Error(`The operation-lock store did not answer within ${storeTimeoutMs} ms`)),
      );
      answer.then(
        (value) => {
          if (pending.settle()) resolve(value);
        },
        (error: unknown) => {
          if (pending.settle()) reject(error as Error);
        },
      );
    });
  }
}

function inProgress(config: OperationLockConfiguration, client: string): ConflictError {
  return markRefusal(
    new ConflictError(
      `A request with this ${headerName(config.header)} is still being processed. Retry after it finishes.`,
      { subCode: '409.1', retryAfter: config.retryAfter },
    ),
    { key: client },
  );
}

function keyReused(header: string): UnprocessableEntityError {
  return new UnprocessableEntityError(
    `This ${headerName(header)} was already used for a different request. Use a new key for a new operation, or resend the original request unchanged.`,
    { subCode: '422.10' },
  );
}

/** `idempotency-key` → `Idempotency-Key`, for messages. */
function headerName(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/** The method and the route: its path pattern when the lock is mounted on a route, else the path. */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  return `${req.method} ${req.baseUrl}${pattern === undefined ? req.path : String(pattern)}`;
}

/** The client key `rateLimit()` uses by default: `req.ip` as Express reports it, IPv6 by /56. */
function defaultClient(req: Request): string {
  const address = req.app.get('trust proxy') ? req.ip : req.socket.remoteAddress;
  return clientKey(address ?? '', 56);
}

function checkString(value: unknown, option: string, optional?: boolean): string;
function checkString(value: unknown, option: string, optional: true): string | undefined;
function checkString(value: unknown, option: string, optional = false): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (optional && value === undefined) return undefined;
  if (option === 'client' && value === '') return value;
  throw new TypeError(
    `operationLock \`${option}\` must return a non-empty string${optional ? ' or undefined' : ''}, got ${describeValue(value)}`,
  );
}

/** A store's answer in the shape the middleware relies on; anything else is a store failure. */
function checkAcquisition(found: LockAcquisition): LockAcquisition {
  const { state } = (found ?? {}) as { state?: unknown };
  if (state === 'acquired') return found;
  const { fingerprint, leaseMs, response } = found as Record<string, unknown>;
  if (
    typeof fingerprint === 'string' &&
    ((state === 'running' && typeof leaseMs === 'number' && leaseMs >= 0) ||
      (state === 'done' && typeof response === 'string'))
  ) {
    return found;
  }
  throw new TypeError(`The store answered acquire() with ${describeValue(found)}`);
}

/** Aborts when the response's connection closes before it is sent (the client gave up). */
function abortOnClose(res: Response): AbortController {
  const controller = new AbortController();
  const onClose = () => controller.abort();
  res.once('close', onClose);
  controller.signal.addEventListener('abort', () => res.off('close', onClose), { once: true });
  return controller;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
