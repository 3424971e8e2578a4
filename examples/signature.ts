import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError, type Challenge, type SubCodeOf } from '../src/index.js';

/**
 * The request-signing scheme of the response-code pages this library was
 * built from. A client sends one header,
 *
 *     Signature: {"AppKey":"…","IssuedAt":"2024-05-01T12:00:00Z","Token":"<hex>"}
 *
 * where Token is the hex HMAC-SHA256 of AppKey followed by IssuedAt, keyed
 * with the application's AppSecret. Each way a signature can fail has its
 * own sub-code, 401.1 to 401.10, sent in `X-Status-Sub-Code`.
 */

/** An application allowed to sign requests. */
export interface RegisteredApp {
  /** The current AppSecret. */
  readonly secret: string;
  /** The AppSecret it replaced: a Token made with it gets 401.10, not 401.9. */
  readonly expiredSecret?: string;
}

/** Registered applications by AppKey. */
export type AppRegistry = ReadonlyMap<string, RegisteredApp>;

export const DEMO_APP_KEY = 'demo-app-key';
export const DEMO_APP_SECRET = 'demo-app-secret-2025';
export const DEMO_EXPIRED_APP_SECRET = 'demo-app-secret-2024';

/** The demo application, with a current and a rotated-out secret. */
export function demoApps(): AppRegistry {
  return new Map([
    [DEMO_APP_KEY, { secret: DEMO_APP_SECRET, expiredSecret: DEMO_EXPIRED_APP_SECRET }],
  ]);
}

/** How far IssuedAt may be from the server's clock, either way. */
export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

/** An AppKey is 8 to 64 letters, digits, `-` or `_`. */
const APP_KEY = /^[A-Za-z0-9_-]{8,64}$/;
/** RFC 3339 date-time: ISO 8601 with seconds and a time zone. */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
/** A SHA-256 HMAC in hex. */
const TOKEN = /^[0-9A-Fa-f]{64}$/;

const CHALLENGE: Challenge = { scheme: 'Signature', params: { realm: 'api' } };

/** The Token for a request: hex HMAC-SHA256 of `appKey + issuedAt` keyed with `secret`. */
export function sign(appKey: string, issuedAt: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(appKey + issuedAt)
    .digest('hex');
}

/** A complete `Signature` header value, signed now unless `issuedAt` is given. */
export function signatureHeader(
  appKey: string,
  secret: string,
  issuedAt: string = new Date().toISOString(),
): string {
  return JSON.stringify({
    AppKey: appKey,
    IssuedAt: issuedAt,
    Token: sign(appKey, issuedAt, secret),
  });
}

export interface SignatureOptions {
  apps: AppRegistry;
  /** The clock, in milliseconds. Defaults to `Date.now`. */
  now?: () => number;
}

/** Lets a correctly signed request through, with its AppKey in `res.locals.appKey`; else a 401.x. */
export function requireSignature({ apps, now = Date.now }: SignatureOptions): RequestHandler {
  return function signatureAuth(req, res, next) {
    try {
      res.locals.appKey = verifySignature(req.rawHeaders, apps, now());
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Checks a request's signature, in the order of the sub-codes, and returns
 * its AppKey. Takes the raw headers because Node joins repeated headers in
 * `req.headers`, which would hide a second Signature header.
 */
export function verifySignature(
  rawHeaders: readonly string[],
  apps: AppRegistry,
  now: number,
): string {
  const signature = parseSignature(singleSignatureHeader(rawHeaders));
  const appKey = readAppKey(signature.AppKey);
  const issuedAt = readIssuedAt(signature.IssuedAt, now);
  const app = apps.get(appKey);
  if (!app) throw signatureError('401.7', 'No application is registered under this AppKey.');
  checkToken(readToken(signature.Token), appKey + issuedAt, app);
  return appKey;
}

function singleSignatureHeader(rawHeaders: readonly string[]): string {
  // rawHeaders alternates names and values; names keep the client's case.
  const values = rawHeaders.filter(
    (_value, index) => index % 2 === 1 && rawHeaders[index - 1]?.toLowerCase() === 'signature',
  );
  const [value] = values;
  if (value === undefined) throw signatureError('401.1', 'The request has no Signature header.');
  if (values.length > 1) {
    throw signatureError('401.2', 'The request has more than one Signature header; send one.');
  }
  return value;
}

function parseSignature(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw signatureError('401.3', 'The Signature header must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function readAppKey(value: unknown): string {
  if (typeof value === 'string' && APP_KEY.test(value)) return value;
  throw signatureError(
    '401.4',
    'The signature has no AppKey, or it is not 8 to 64 letters, digits, "-" or "_".',
  );
}

/** IssuedAt as sent (it is part of the signed text), once checked against the clock. */
function readIssuedAt(value: unknown, now: number): string {
  const time = typeof value === 'string' ? parseTimestamp(value) : undefined;
  if (typeof value !== 'string' || time === undefined) {
    throw signatureError(
      '401.5',
      'The signature has no IssuedAt, or it is not an ISO 8601 timestamp with a time zone.',
    );
  }
  if (Math.abs(time - now) > MAX_CLOCK_SKEW_MS) {
    throw signatureError(
      '401.6',
      'IssuedAt is more than 60 minutes away from the server time: check the client clock.',
    );
  }
  return value;
}

function readToken(value: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  throw signatureError('401.8', 'The signature has no Token.');
}

/** Compares in constant time with the current secret's HMAC, then the expired secret's. */
function checkToken(token: string, signed: string, app: RegisteredApp): void {
  const given = TOKEN.test(token) ? Buffer.from(token, 'hex') : undefined;
  if (given && matches(given, signed, app.secret)) return;
  if (given && app.expiredSecret !== undefined && matches(given, signed, app.expiredSecret)) {
    throw signatureError(
      '401.10',
      'The Token was made with an AppSecret that has been rotated out: sign with the current one.',
    );
  }
  throw signatureError('401.9', 'The Token is not the HMAC-SHA256 of AppKey and IssuedAt.');
}

function matches(given: Buffer, signed: string, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(signed).digest();
  return timingSafeEqual(given, expected);
}

/**
 * Milliseconds since the epoch, or undefined unless `value` is an RFC 3339
 * timestamp of a real date and time (`Date.parse` alone takes 30 February).
 */
export function parseTimestamp(value: string): number | undefined {
  const match = TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match
    .slice(1)
    .map((part) => Number(part ?? 0)) as TimestampParts;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= lastDay &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59;
  return valid ? Date.parse(value) : undefined;
}

type TimestampParts = [
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetHour: number,
  offsetMinute: number,
];

function signatureError(subCode: SubCodeOf<401>, detail: string): UnauthorizedError {
  return new UnauthorizedError(detail, { subCode, challenge: CHALLENGE });
}
