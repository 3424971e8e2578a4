import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { ExpectationFailedError } from '../errors/error-classes.js';
import { describeValue } from '../options/describe-value.js';
import { optionError } from '../options/option-error.js';
import { checkNoMoreArguments, checkNotCalledAsMiddleware } from '../options/parse.js';

const FACTORY = 'handleExpectations()';

/** Set on a request whose `Expect` Node could not meet; registry-wide, like the ApiError brand. */
const UNMET_EXPECTATION = Symbol.for('express-api-errors.unmetExpectation');

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const servers = new WeakSet<Server>();

/**
 * Node answers an `Expect` other than `100-continue` (RFC 9110 §10.1.1)
 * with a bare 417 of its own unless the server has a `checkExpectation`
 * listener. This adds one that hands such requests to `app`, marked, so
 * that `expectationFailed()`, mounted first, answers them with a 417
 * problem through `errorHandler`. Node takes any field that mentions
 * `100-continue` (`100-continue, foo`) for `100-continue` alone, and writes
 * `100 Continue` before the app runs unless the server has a `checkContinue`
 * listener: this adds one too, which sends no 100 to such a list (RFC 9110
 * §10.1.1: a server that cannot meet an expectation answers 417, it does not
 * invite the body) and does what Node does for `Expect: 100-continue` alone
 * (writes the 100, then emits 'request'). A server with a `checkContinue`
 * listener of its own, added before or after, keeps it: that listener
 * decides on the 100, and this one stands aside.
 */
export function handleExpectations(server: Server, app: RequestListener, ...extra: never[]): void {
  checkNoMoreArguments(FACTORY, extra, 'two arguments, the server and the app');
  if (typeof server?.on !== 'function') {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_TYPE',
      `\`server\` must be the http.Server the app listens on, got ${describeValue(server)}`,
    );
  }
  if (typeof app !== 'function') {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_TYPE',
      `\`app\` must be the app (a request listener), got ${describeValue(app)}`,
    );
  }
  if (servers.has(server)) {
    throw optionError(
      FACTORY,
      'ERR_EAE_OPTION_CONFLICT',
      'was already called for this `server`; a second listener would run the app twice for one request',
    );
  }
  servers.add(server);
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    Object.defineProperty(req, UNMET_EXPECTATION, { value: true });
    app(req, res);
  });
  server.on('checkContinue', function continueOrRefuse(req: IncomingMessage, res: ServerResponse) {
    // The app's own listener (added before or after this one) decides on the 100 and hands the
    // request on: a second 100 and a second run of the app would follow if this one did too.
    if (server.listenerCount('checkContinue') > 1) return;
    if (expectsMoreThanContinue(req.headers.expect)) {
      Object.defineProperty(req, UNMET_EXPECTATION, { value: true });
    } else {
      res.writeContinue();
    }
    server.emit('request', req, res);
  });
}

/**
 * Mount first: a request that `handleExpectations` marked becomes a
 * `417 Expectation Failed` problem, and so does one whose `Expect` lists
 * `100-continue` with something else (`100-continue, foo`), which Node
 * handles as `100-continue` alone. Other requests pass untouched.
 */
export function expectationFailed(...extra: never[]): RequestHandler {
  checkNotCalledAsMiddleware('expectationFailed()', extra, 'app.use(expectationFailed())');
  checkNoMoreArguments('expectationFailed()', extra, 'no options');
  return function expectationFailedHandler(req, _res, next) {
    if (
      (req as unknown as Record<symbol, unknown>)[UNMET_EXPECTATION] === true ||
      // RFC 9110 §10.1.1: an HTTP/1.0 request's expectations are ignored, as Node does.
      (isHttp11OrLater(req) && expectsMoreThanContinue(req.headers.expect))
    ) {
      next(new ExpectationFailedError());
      return;
    }
    next();
  };
}

function isHttp11OrLater(req: IncomingMessage): boolean {
  return req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1);
}

/**
 * Whether an `Expect` field that Node took for `100-continue` (it does for
 * any field that mentions it) holds another member as well (RFC 9110
 * §10.1.1: a list of expectations, of which only `100-continue`, without
 * parameters, is defined). A field without `100-continue` is Node's to
 * judge: it reaches the app only through a `checkExpectation` listener,
 * ours (which marks it) or one of the app's own.
 */
function expectsMoreThanContinue(expect: string | undefined): boolean {
  if (expect === undefined) return false;
  const field = expect.toLowerCase();
  if (field === '100-continue' || !field.includes('100-continue')) return false;
  for (const member of field.split(',')) {
    const name = member.trim();
    if (name !== '100-continue' && name !== '') return true;
  }
  return false;
}
