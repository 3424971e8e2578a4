import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import {
  ConflictError,
  defaultCatalog,
  errorHandler,
  expectationFailed,
  maintenance,
  methodNotAllowed,
  MemoryLockStore,
  notFound,
  operationLock,
  responseCodesPage,
  type Logger,
  type OperationLockStore,
} from '../src/index.js';
import { openApiDocument } from './openapi.js';
import { bearerRouter } from './bearer-routes.js';
import { DEMO_JWT_SECRET } from './bearer.js';
import { demoErrorsRouter } from './demo-errors.js';
import { exportsRouter } from './exports.js';
import { routeIndex } from './route-index.js';
import { demoApps, requireSignature, type AppRegistry } from './signature.js';
import { apiLimiter, memoryStores, tokenLimiter, type StoreFactory } from './rate-limits.js';
import { EmailTakenError, UserStore, type User } from './user-store.js';
import { usersRouter } from './users.js';
import { versionsRouter } from './versions.js';

export interface ExampleAppOptions {
  /** Where `errorHandler` logs. Defaults to pino on stdout; `false` logs nothing. */
  logger?: Logger | false;
  /** The clock, in milliseconds since the epoch. Defaults to `Date.now`. */
  now?: () => number;
  /** The HS256 secret of Bearer tokens. Defaults to `DEMO_JWT_SECRET`. */
  jwtSecret?: string;
  /** The applications allowed to sign requests. Defaults to the demo application. */
  apps?: AppRegistry;
  /** The store of each rate limiter. Defaults to a new `MemoryStore` each. */
  rateLimitStores?: StoreFactory;
  /** Where `POST /users` keeps its Idempotency-Key locks and records. Defaults to a new `MemoryLockStore`. */
  lockStore?: OperationLockStore;
  /**
   * The Idempotency-Key lock of `POST /users`, for a server that awaits its
   * `onIdle()` at shutdown. Defaults to `operationLock({ replay: true, store: lockStore, logger })`.
   */
  usersLock?: RequestHandler;
  /**
   * What `POST /users` waits for once the user is stored, as a call to a
   * mail service would. Defaults to nothing; `server.ts` waits half a
   * second, so that a duplicate can arrive while the first still runs.
   */
  welcome?: (user: User) => Promise<void>;
  /**
   * Whether the API is down for maintenance (503 + Retry-After, but for
   * `GET /health`): a boolean, or a function read on every request, such as
   * a flag the server toggles. Defaults to `false`.
   */
  maintenance?: boolean | (() => boolean);
  /**
   * Middleware that sheds load, e.g. `loadShedding({ maxEventLoopDelayMs: 200 })`,
   * mounted after the health check. Whoever creates it calls its `close()`.
   * Defaults to none.
   */
  loadShedding?: RequestHandler;
  /**
   * Where clients reach the server: problem types link to its page of
   * response codes, `<publicUrl>/docs/errors`. Defaults to `http://localhost:3000`.
   */
  publicUrl?: string;
}

/** How long clients are told to wait during maintenance, in seconds. */
export const MAINTENANCE_RETRY_AFTER = 300;

/** The largest JSON body accepted; a larger one gets a 413. */
export const BODY_LIMIT = '10kb';

/** Builds the example API, with a fresh, seeded user store. */
export function createExampleApp(options: ExampleAppOptions = {}): Express {
  const config = parseOptions(options);
  const { logger, now, jwtSecret, apps, rateLimitStores, lockStore, welcome } = config;
  const store = new UserStore(now);
  const app = express();
  // Tells attackers nothing about the stack (Express sends X-Powered-By: Express otherwise).
  app.disable('x-powered-by');

  // First: a request whose Expect the server cannot meet (see handleExpectations in server.ts) gets a 417.
  app.use(expectationFailed());
  app.use(
    maintenance({
      enabled: config.maintenance,
      retryAfter: MAINTENANCE_RETRY_AFTER,
      // The one health check this app serves (the default list has /healthz, /readyz and others too).
      allow: ['/health'],
    }),
  );
  // Health checks pass during maintenance, and are neither shed nor rate-limited.
  app.get('/health', showHealth);
  if (config.loadShedding) app.use(config.loadShedding);
  app.use(apiLimiter(rateLimitStores('api')));
  app.post('/tokens', tokenLimiter(rateLimitStores('tokens')));
  app.use(express.json({ limit: BODY_LIMIT }));
  app.get('/', showIndex);
  // The page every problem's `type` links to, and the OpenAPI document that references its components.
  app.get('/docs/errors', responseCodesPage(defaultCatalog, { typeBaseUri: config.typeBaseUri }));
  const openApi = openApiDocument(defaultCatalog, config.publicUrl, config.typeBaseUri);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  // A retried POST /users with the same Idempotency-Key gets the first response again, not a second user.
  const usersLock = config.usersLock ?? operationLock({ replay: true, store: lockStore, logger });
  app.use(usersRouter(store, usersLock, welcome));
  app.use(exportsRouter());
  app.use(bearerRouter({ store, secret: jwtSecret, now }));
  app.get('/signed/ping', requireSignature({ apps, now }), signedPing);
  app.use(versionsRouter({ store, now }));
  app.use(demoErrorsRouter());

  // After every route: a known path with an unhandled method gets 405 + Allow, any other path 404.
  app.use(methodNotAllowed(app));
  app.use(notFound());
  app.use(
    errorHandler({
      logger,
      typeBaseUri: config.typeBaseUri,
      mappings: [{ match: EmailTakenError, to: emailTaken }],
    }),
  );
  return app;

  function signedPing(_req: Request, res: Response): void {
    res.json({ pong: true, appKey: res.locals.appKey, serverTime: new Date(now()).toISOString() });
  }
}

function showIndex(_req: Request, res: Response): void {
  res.json(routeIndex);
}

function showHealth(_req: Request, res: Response): void {
  res.set('Cache-Control', 'no-store').json({ status: 'ok' });
}

/** The store's domain error becomes a 409 pointing at the user who has the email. */
function emailTaken(error: EmailTakenError): ConflictError {
  return new ConflictError(error.message, { location: `/users/${error.existingId}` });
}

/** The options with their defaults filled in, checked once. */
interface ExampleConfig {
  readonly logger: Logger | false | undefined;
  readonly now: () => number;
  readonly jwtSecret: string;
  readonly apps: AppRegistry;
  readonly rateLimitStores: StoreFactory;
  readonly lockStore: OperationLockStore;
  readonly welcome: (user: User) => Promise<void>;
  readonly maintenance: boolean | (() => boolean);
  readonly loadShedding: RequestHandler | undefined;
  readonly usersLock: RequestHandler | undefined;
  readonly publicUrl: string;
  readonly typeBaseUri: string;
}

function parseOptions(options: ExampleAppOptions): ExampleConfig {
  const {
    logger,
    now = Date.now,
    jwtSecret = DEMO_JWT_SECRET,
    apps = demoApps(),
    rateLimitStores = memoryStores,
    lockStore = new MemoryLockStore(),
    welcome = async () => undefined,
    maintenance = false,
    loadShedding,
    usersLock,
    publicUrl = 'http://localhost:3000',
  } = options;
  if (typeof now !== 'function') {
    throw new TypeError('`now` must be a function returning milliseconds');
  }
  if (typeof jwtSecret !== 'string' || jwtSecret.length < 16) {
    throw new TypeError('`jwtSecret` must be a string of at least 16 characters');
  }
  if (!(apps instanceof Map)) throw new TypeError('`apps` must be a Map of AppKey to secrets');
  if (typeof rateLimitStores !== 'function') {
    throw new TypeError('`rateLimitStores` must be a function returning a store per limiter');
  }
  if (typeof maintenance !== 'boolean' && typeof maintenance !== 'function') {
    throw new TypeError('`maintenance` must be a boolean or a function returning one');
  }
  if (typeof welcome !== 'function') {
    throw new TypeError('`welcome` must be a function of the new user returning a promise');
  }
  if (loadShedding !== undefined && typeof loadShedding !== 'function') {
    throw new TypeError('`loadShedding` must be a middleware, e.g. loadShedding({ ... })');
  }
  if (usersLock !== undefined && typeof usersLock !== 'function') {
    throw new TypeError('`usersLock` must be a middleware, e.g. operationLock({ ... })');
  }
  if (typeof publicUrl !== 'string' || !/^https?:\/\/[^/]+$/.test(publicUrl)) {
    throw new TypeError('`publicUrl` must be an origin such as http://localhost:3000');
  }
  return {
    logger,
    now,
    jwtSecret,
    apps,
    rateLimitStores,
    lockStore,
    welcome,
    maintenance,
    loadShedding,
    usersLock,
    publicUrl,
    typeBaseUri: `${publicUrl}/docs/errors`,
  };
}
