/**
 * pino `redact` paths for the request and response headers that carry
 * credentials. pino-http binds the whole request, headers included, to
 * `req.log`: pass these to it so that no line shows them.
 *
 * @example app.use(pinoHttp({ redact: redactPaths }))
 */
export const redactPaths: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers.signature',
  'req.headers["apisessionkey"]',
  'res.headers["set-cookie"]',
]);
