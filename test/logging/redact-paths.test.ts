import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import { NotFoundError, redactPaths } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { captureLogs, flushed } from '../helpers/logs.js';

// Request headers that carry credentials, as clients send them.
const CREDENTIAL_REQUEST_HEADERS = {
  Authorization: 'Bearer SECRET-authorization',
  'Proxy-Authorization': 'Basic SECRET-proxy-authorization',
  Cookie: 'sid=SECRET-cookie',
  'X-Api-Key': 'SECRET-x-api-key',
  'Api-Key': 'SECRET-api-key',
  ApiKey: 'SECRET-apikey',
  'X-Auth-Token': 'SECRET-x-auth-token',
  'X-Access-Token': 'SECRET-x-access-token',
  'X-Refresh-Token': 'SECRET-x-refresh-token',
  'X-CSRF-Token': 'SECRET-x-csrf-token',
  'X-XSRF-Token': 'SECRET-x-xsrf-token',
  'X-Amz-Security-Token': 'SECRET-x-amz-security-token',
  Signature: 'SECRET-signature',
  ApiSessionKey: 'SECRET-apisessionkey',
};

// Response headers that carry credentials: a session cookie, a CSRF token handed out.
const CREDENTIAL_RESPONSE_HEADERS = {
  'Set-Cookie': 'sid=SECRET-set-cookie; HttpOnly',
  'X-CSRF-Token': 'SECRET-response-x-csrf-token',
};

describe('redactPaths with pino-http', () => {
  it('shows [Redacted] for every credential header on every line, request and response', async () => {
    const { logger, lines } = captureLogs();
    const app = createApp(
      (a) =>
        a.get('/throw', (_req, res, next) => {
          res.set(CREDENTIAL_RESPONSE_HEADERS);
          next(new NotFoundError('No such order.'));
        }),
      {},
      [pinoHttp({ logger: pino({ redact: [...redactPaths] }, streamOf(logger)) })],
    );
    await request(app).get('/throw').set(CREDENTIAL_REQUEST_HEADERS).expect(404);
    await flushed();

    // errorHandler's line on req.log, then pino-http's "request errored" line.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      const { headers } = line.req as { headers: Record<string, unknown> };
      for (const name of Object.keys(CREDENTIAL_REQUEST_HEADERS)) {
        expect([name, headers[name.toLowerCase()]]).toEqual([name, '[Redacted]']);
      }
    }
    const completed = lines.filter((line) => line.res !== undefined);
    expect(completed).toHaveLength(1);
    for (const line of completed) {
      const { headers } = line.res as { headers: Record<string, unknown> };
      for (const name of Object.keys(CREDENTIAL_RESPONSE_HEADERS)) {
        expect([name, headers[name.toLowerCase()]]).toEqual([name, '[Redacted]']);
      }
    }
    expect(JSON.stringify(lines)).not.toContain('SECRET-');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(redactPaths)).toBe(true);
  });
});

/** The destination stream behind a captureLogs() logger, to build another pino on it. */
function streamOf(logger: pino.Logger): pino.DestinationStream {
  return (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym]!;
}
