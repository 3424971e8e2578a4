/** What `GET /` lists: every route of the example and what it shows. */
export const routeIndex = {
  name: 'express-api-errors example API',
  rateLimits:
    'every route: 15 requests/s and 1,000/h per IP (429 + Retry-After), 403.30 for 5 min after 10 refusals in a minute; POST /tokens: 5 failures per 15 min',
  routes: [
    { method: 'GET', path: '/users', shows: '200 with every user' },
    {
      method: 'POST',
      path: '/users',
      shows: '201 + Location; 415, 413, 400, 422 (zod), 409 + Location',
    },
    { method: 'GET', path: '/users/:id', shows: '200, or 404 with sub-code 404.1' },
    { method: 'DELETE', path: '/users/:id', shows: '204, or 404.1' },
    { method: 'GET', path: '/users/:id/avatar', shows: 'an SVG; other methods get 405 + Allow' },
    {
      method: 'POST',
      path: '/tokens',
      shows: 'a Bearer token for a user; 422 (validated by hand)',
    },
    { method: 'GET', path: '/me', shows: '401 Bearer challenge, 401.23 bad token, 401.24 expired' },
    { method: 'GET', path: '/admin/stats', shows: '403 insufficient_scope for non-admins' },
    { method: 'GET', path: '/signed/ping', shows: 'the Signature scheme: 401.1 to 401.10' },
    { method: 'GET', path: '/coffee', shows: "418 I'm a teapot" },
    { method: 'GET', path: '/crash', shows: '500 that hides what went wrong' },
    { method: 'GET', path: '/reports/latest', shows: '503 + Retry-After: 120' },
    { method: 'GET', path: '/v1/users', shows: '410 Gone: this API version is retired' },
  ],
} as const;
