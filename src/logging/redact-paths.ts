/**
 * Header fields that carry credentials, lower-case, as Node keys them: the
 * standard ones (RFC 9110 §11.6.2, §11.7.2; RFC 6265), and the API keys,
 * session, refresh and CSRF tokens that APIs commonly send in their own.
 */
const CREDENTIAL_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-refresh-token',
  'x-csrf-token',
  'x-xsrf-token',
  'x-amz-security-token',
  'signature',
  'apisessionkey',
];

/**
 * pino `redact` paths for the request and response headers that carry
 * credentials. pino-http binds the whole request, headers included, to
 * `req.log`, and logs the response's headers when it completes: pass these
 * to it so that no line shows them. Each field is covered on both sides:
 * servers hand out cookies and CSRF tokens, clients send them back.
 *
 * @example app.use(pinoHttp({ redact: [...redactPaths] }))
 */
export const redactPaths: readonly string[] = Object.freeze(
  CREDENTIAL_HEADERS.flatMap((name) => [`req.headers["${name}"]`, `res.headers["${name}"]`]),
);
