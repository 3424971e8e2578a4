/** What `GET /` lists: every route of the example and what it shows. */
export const routeIndex = {
  name: 'express-api-errors example API',
  rateLimits:
    'every route but /health: 15 requests/s and 1,000/h per IP (429 + Retry-After), 403.30 for 5 min after 10 refusals in a minute; POST /tokens: 5 failures per 15 min',
  everyRoute:
    '405 + Allow for a method the path does not support; 417 for an Expect other than 100-continue; 503 + Retry-After in maintenance (but /health) or when overloaded',
  routes: [
    { method: 'GET', path: '/health', shows: '200, even in maintenance' },
    {
      method: 'GET',
      path: '/docs/errors',
      shows: 'the response codes: HTML, or markdown, or JSON, by Accept; ETag and 304',
    },
    { method: 'GET', path: '/openapi.json', shows: 'the OpenAPI 3.1 document of the routes' },
    { method: 'GET', path: '/users', shows: '200 with every user' },
    {
      method: 'POST',
      path: '/users',
      shows:
        '201 + Location + X-Global-Identifier; with Idempotency-Key: 409.1 while a duplicate runs, the first response replayed to a retry, 422.10 for the key reused with another body, 400.11 for a malformed key; 415 + Accept-Post, 413, 400, 422 (zod), 409 + Location',
    },
    { method: 'GET', path: '/users/latest', shows: '302 + Location of the newest user' },
    { method: 'GET', path: '/users/:id', shows: '200 + ETag, 304 for If-None-Match, or 404.1' },
    { method: 'DELETE', path: '/users/:id', shows: '204, or 404.1' },
    { method: 'GET', path: '/users/:id/avatar', shows: 'an SVG' },
    { method: 'POST', path: '/exports', shows: '202: the export is queued' },
    {
      method: 'POST',
      path: '/tokens',
      shows: 'a Bearer token for a user; 415 + Accept-Post, 422 (validated by hand)',
    },
    { method: 'GET', path: '/me', shows: '401 Bearer challenge, 401.23 bad token, 401.24 expired' },
    { method: 'GET', path: '/admin/stats', shows: '403 insufficient_scope for non-admins' },
    { method: 'GET', path: '/signed/ping', shows: 'the Signature scheme: 401.1 to 401.10' },
    {
      method: 'GET',
      path: '/v2/users',
      shows: '200 + Deprecation, Sunset and Link: deprecated, sunset on 2027-12-31',
    },
    { method: 'GET', path: '/v2/users/:id', shows: 'the same, or 404.1' },
    {
      method: 'GET',
      path: '/v1/*',
      shows: '410 Gone + Deprecation, Sunset and Link: sunset on 2025-03-31',
    },
    { method: 'GET', path: '/coffee', shows: "418 I'm a teapot" },
    { method: 'GET', path: '/crash', shows: '500 that hides what went wrong' },
    { method: 'GET', path: '/reports/latest', shows: '503 + Retry-After: 120' },
    {
      method: 'GET',
      path: '/reports/primes',
      shows:
        'a CPU-bound report that stalls the event loop: requests right after it get 503 from loadShedding',
    },
  ],
} as const;
