import { parse as parseAuthHeader } from 'auth-header';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createExampleApp } from '../../examples/app.js';
import { DEMO_JWT_SECRET, issueToken } from '../../examples/bearer.js';
import { routeIndex } from '../../examples/route-index.js';
import { captureLogs, flushed } from '../helpers/logs.js';
import { problemOf } from '../helpers/problem.js';
import { expectedProblem } from './expected-problem.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

const ada = {
  id: '1',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  role: 'admin',
  createdAt: '2024-01-15T09:00:00.000Z',
};
const grace = {
  id: '2',
  name: 'Grace Hopper',
  email: 'grace@example.com',
  role: 'member',
  createdAt: '2024-02-20T14:30:00.000Z',
};

/** A silent example app whose clock reads `clock.now`. */
function exampleApp(clock = { now: NOW }) {
  return createExampleApp({ logger: false, now: () => clock.now });
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

/** The detail of the 405 `methodNotAllowed()` sends. */
function notAllowed(method: string, allow: string): string {
  return `${method} is not allowed on this resource; it allows ${allow}.`;
}

function tokenFor(userId: string, role: 'admin' | 'member', expiresIn = 3600, now = NOW) {
  return issueToken({ id: userId, role }, { secret: DEMO_JWT_SECRET, expiresIn, now: () => now });
}

describe('GET /', () => {
  it('lists the routes of the example', async () => {
    const res = await request(exampleApp()).get('/').expect(200);

    expect(res.body).toEqual(routeIndex);
  });
});

describe('GET /health', () => {
  it('answers 200 with an uncached status', async () => {
    const res = await request(exampleApp()).get('/health').expect(200);

    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('GET /users', () => {
  it('lists the seeded users', async () => {
    const res = await request(exampleApp()).get('/users').expect(200);

    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ users: [ada, grace] });
  });

  it('answers 405 with Allow for a method the collection does not support', async () => {
    const res = await request(exampleApp()).put('/users').send({}).expect(405);

    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    expect(problemOf(res)).toEqual(
      expectedProblem(405, '/users', {
        detail: notAllowed('PUT', 'GET, HEAD, OPTIONS, POST'),
      }),
    );
  });
});

describe('GET /users/:id', () => {
  it('returns the user with that id', async () => {
    const res = await request(exampleApp()).get('/users/2').expect(200);

    expect(res.body).toEqual(grace);
  });

  it('answers 404 with sub-code 404.1 when no user has that id', async () => {
    const res = await request(exampleApp()).get('/users/999').expect(404);

    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['x-status-sub-code']).toBe('404.1');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(problemOf(res)).toEqual(
      expectedProblem('404.1', '/users/999', { detail: 'There is no user with the id "999".' }),
    );
  });

  it('answers 304 without a body to If-None-Match with the ETag of a first request', async () => {
    const app = exampleApp();
    const first = await request(app).get('/users/1').expect(200);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[^"]+"$/);

    const res = await request(app).get('/users/1').set('If-None-Match', etag).expect(304);

    expect(res.headers.etag).toBe(etag);
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.text).toBe('');
  });

  it('answers 200 with the user to If-None-Match with another ETag', async () => {
    const res = await request(exampleApp())
      .get('/users/1')
      .set('If-None-Match', 'W/"stale"')
      .expect(200);

    expect(res.body).toEqual(ada);
  });

  it('answers 405 with Allow for a method the user does not support', async () => {
    const res = await request(exampleApp()).put('/users/1').send({}).expect(405);

    expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS');
    expect(problemOf(res)).toEqual(
      expectedProblem(405, '/users/1', {
        detail: notAllowed('PUT', 'DELETE, GET, HEAD, OPTIONS'),
      }),
    );
  });

  it('answers HEAD for a missing user with the 404 headers and no body', async () => {
    const res = await request(exampleApp()).head('/users/999').expect(404);

    expect(res.headers['x-status-sub-code']).toBe('404.1');
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.text).toBeUndefined();
  });
});

describe('POST /users', () => {
  it('creates a member and answers 201 with its Location', async () => {
    const app = exampleApp();
    const res = await request(app)
      .post('/users')
      .send({ name: '  Alan Turing ', email: 'alan@example.com' })
      .expect(201);

    expect(res.headers.location).toBe('/users/3');
    const alan = {
      id: '3',
      name: 'Alan Turing',
      email: 'alan@example.com',
      role: 'member',
      createdAt: '2025-06-01T12:00:00.000Z',
    };
    expect(res.body).toEqual(alan);
    await request(app).get('/users/3').expect(200, alan);
  });

  it('names the new user with a urn:uuid in X-Global-Identifier', async () => {
    const app = exampleApp();
    const first = await request(app)
      .post('/users')
      .send({ name: 'Alan Turing', email: 'alan@example.com' })
      .expect(201);
    const second = await request(app)
      .post('/users')
      .send({ name: 'Edsger Dijkstra', email: 'edsger@example.com' })
      .expect(201);

    expect(first.headers['x-global-identifier']).toMatch(new RegExp(`^urn:uuid:${UUID}$`));
    expect(second.headers['x-global-identifier']).toMatch(new RegExp(`^urn:uuid:${UUID}$`));
    expect(second.headers['x-global-identifier']).not.toBe(first.headers['x-global-identifier']);
  });

  it('accepts application/json with a charset parameter', async () => {
    const res = await request(exampleApp())
      .post('/users')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ name: 'Alan Turing', email: 'alan@example.com' }))
      .expect(201);

    expect(res.headers.location).toBe('/users/3');
  });

  it('answers 422 listing each invalid field by JSON Pointer (zod)', async () => {
    const res = await request(exampleApp())
      .post('/users')
      .send({ name: ' ', email: 'not-an-email' })
      .expect(422);

    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(problemOf(res)).toEqual(
      expectedProblem(422, '/users', {
        detail: 'The request failed validation.',
        errors: [
          { pointer: '/name', detail: 'Must not be empty.' },
          { pointer: '/email', detail: 'Must be an email address.' },
        ],
      }),
    );
  });

  it('answers 422 for missing fields', async () => {
    const res = await request(exampleApp()).post('/users').send({}).expect(422);

    expect(problemOf(res).errors).toEqual([
      { pointer: '/name', detail: 'Must be a string.' },
      { pointer: '/email', detail: 'Must be an email address.' },
    ]);
  });

  it('answers 422 at the root pointer when the body is not an object', async () => {
    const res = await request(exampleApp()).post('/users').send([]).expect(422);

    expect(problemOf(res).errors).toEqual([{ pointer: '', detail: 'Must be a JSON object.' }]);
  });

  it('answers 409 with the Location of the user who already has the email, in any case', async () => {
    const res = await request(exampleApp())
      .post('/users')
      .send({ name: 'Another Ada', email: 'ADA@example.com' })
      .expect(409);

    expect(res.headers.location).toBe('/users/1');
    expect(problemOf(res)).toEqual(
      expectedProblem(409, '/users', { detail: 'A user with this email already exists.' }),
    );
  });

  it('answers 415 with Accept-Post and the accepted media type when the body is not JSON', async () => {
    const res = await request(exampleApp())
      .post('/users')
      .type('text/plain')
      .send('name=Alan')
      .expect(415);

    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['accept-post']).toBe('application/json');
    expect(problemOf(res)).toEqual(
      expectedProblem(415, '/users', { accept: ['application/json'] }),
    );
  });

  it('answers 415 to a form-encoded body, which express.json() leaves unparsed', async () => {
    const res = await request(exampleApp())
      .post('/users')
      .type('form')
      .send('name=Alan&email=alan@example.com')
      .expect(415);

    expect(res.headers['accept-post']).toBe('application/json');
  });

  it('answers 413 when the JSON body is larger than 10kb', async () => {
    const res = await request(exampleApp())
      .post('/users')
      .send({ name: 'x'.repeat(11 * 1024), email: 'big@example.com' })
      .expect(413);

    expect(problemOf(res)).toEqual(
      expectedProblem(413, '/users', {
        detail: 'The request body is larger than the limit of 10240 bytes.',
      }),
    );
  });

  it('answers 400 when the JSON cannot be parsed', async () => {
    const res = await request(exampleApp())
      .post('/users')
      .type('application/json')
      .send('{"name": ')
      .expect(400);

    expect(problemOf(res)).toEqual(
      expectedProblem(400, '/users', { detail: 'The request body could not be parsed.' }),
    );
  });
});

describe('DELETE /users/:id', () => {
  it('deletes the user and answers 204 without a body', async () => {
    const app = exampleApp();
    const res = await request(app).delete('/users/2').expect(204);

    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    await request(app).get('/users/2').expect(404);
  });

  it('answers 404.1 when there is no such user to delete', async () => {
    const res = await request(exampleApp()).delete('/users/42').expect(404);

    expect(res.headers['x-status-sub-code']).toBe('404.1');
    expect(problemOf(res)).toEqual(
      expectedProblem('404.1', '/users/42', { detail: 'There is no user with the id "42".' }),
    );
  });
});

describe('/users/:id/avatar', () => {
  it("returns an SVG of the user's initials", async () => {
    const res = await request(exampleApp()).get('/users/1/avatar').expect(200);

    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(String(res.body)).toMatch(/^<svg .*>AL<\/text><\/svg>$/);
  });

  it.each(['post', 'put', 'patch', 'delete'] as const)(
    'answers %s with 405 and Allow: GET, HEAD, OPTIONS',
    async (method) => {
      const res = await request(exampleApp())[method]('/users/1/avatar').expect(405);

      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(problemOf(res)).toEqual(
        expectedProblem(405, '/users/1/avatar', {
          detail: notAllowed(method.toUpperCase(), 'GET, HEAD, OPTIONS'),
        }),
      );
    },
  );

  it('answers 404.1 for the avatar of a missing user', async () => {
    const res = await request(exampleApp()).get('/users/9/avatar').expect(404);

    expect(res.headers['x-status-sub-code']).toBe('404.1');
  });
});

describe('GET /users/latest', () => {
  it('answers 302 with the Location of the newest user and no body', async () => {
    const res = await request(exampleApp()).get('/users/latest').expect(302);

    expect(res.headers.location).toBe('/users/2');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.text).toBe('');
  });

  it('points at a user created since', async () => {
    const app = exampleApp();
    await request(app)
      .post('/users')
      .send({ name: 'Alan Turing', email: 'alan@example.com' })
      .expect(201);

    const res = await request(app).get('/users/latest').expect(302);

    expect(res.headers.location).toBe('/users/3');
  });

  it('answers 404 when there are no users', async () => {
    const app = exampleApp();
    await request(app).delete('/users/1').expect(204);
    await request(app).delete('/users/2').expect(204);

    const res = await request(app).get('/users/latest').expect(404);

    expect(res.headers['x-status-sub-code']).toBeUndefined();
    expect(problemOf(res)).toEqual(
      expectedProblem(404, '/users/latest', { detail: 'There are no users.' }),
    );
  });
});

describe('POST /exports', () => {
  it('answers 202 with the id of the queued export and no Location', async () => {
    const res = await request(exampleApp()).post('/exports').expect(202);

    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toEqual({
      id: expect.stringMatching(new RegExp(`^${UUID}$`)),
      status: 'queued',
    });
  });

  it('gives each export its own id', async () => {
    const app = exampleApp();
    const first = await request(app).post('/exports').expect(202);
    const second = await request(app).post('/exports').expect(202);

    expect(second.body.id).not.toBe(first.body.id);
  });

  it('answers GET with 405 and Allow: OPTIONS, POST', async () => {
    const res = await request(exampleApp()).get('/exports').expect(405);

    expect(res.headers.allow).toBe('OPTIONS, POST');
    expect(problemOf(res)).toEqual(
      expectedProblem(405, '/exports', { detail: notAllowed('GET', 'OPTIONS, POST') }),
    );
  });
});

describe('POST /tokens', () => {
  it('mints a Bearer token that GET /me accepts', async () => {
    const app = exampleApp();
    const res = await request(app).post('/tokens').send({ userId: '2', expiresIn: 60 }).expect(200);

    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 60,
    });
    expect(jwt.decode(res.body.access_token)).toEqual({
      sub: '2',
      role: 'member',
      iat: NOW / 1000,
      exp: NOW / 1000 + 60,
    });
    await request(app)
      .get('/me')
      .auth(res.body.access_token, { type: 'bearer' })
      .expect(200, grace);
  });

  it('answers 422 listing each invalid field (validated by hand)', async () => {
    const res = await request(exampleApp())
      .post('/tokens')
      .send({ userId: 2, expiresIn: 1.5 })
      .expect(422);

    expect(problemOf(res)).toEqual(
      expectedProblem(422, '/tokens', {
        detail: 'The request failed validation.',
        errors: [
          { pointer: '/userId', detail: 'Must be a non-empty string.' },
          { pointer: '/expiresIn', detail: 'Must be a whole number of seconds from 1 to 86400.' },
        ],
      }),
    );
  });

  it('answers 415 with Accept-Post when the body is not JSON', async () => {
    const res = await request(exampleApp())
      .post('/tokens')
      .type('form')
      .send('userId=2')
      .expect(415);

    expect(res.headers['accept-post']).toBe('application/json');
    expect(problemOf(res)).toEqual(
      expectedProblem(415, '/tokens', { accept: ['application/json'] }),
    );
  });

  it('answers GET with 405 and Allow: OPTIONS, POST', async () => {
    const res = await request(exampleApp()).get('/tokens').expect(405);

    expect(res.headers.allow).toBe('OPTIONS, POST');
    expect(problemOf(res)).toEqual(
      expectedProblem(405, '/tokens', { detail: notAllowed('GET', 'OPTIONS, POST') }),
    );
  });

  it('answers 404.1 for a user that does not exist', async () => {
    const res = await request(exampleApp()).post('/tokens').send({ userId: '7' }).expect(404);

    expect(res.headers['x-status-sub-code']).toBe('404.1');
    expect(problemOf(res)).toEqual(
      expectedProblem('404.1', '/tokens', { detail: 'There is no user with the id "7".' }),
    );
  });
});

describe('GET /me', () => {
  it('answers 401 with a Bearer challenge without an error code when no token is sent', async () => {
    const res = await request(exampleApp()).get('/me').expect(401);

    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(res.headers['x-status-sub-code']).toBeUndefined();
    expect(problemOf(res)).toEqual(
      expectedProblem(401, '/me', {
        detail: 'Send an access token: Authorization: Bearer <token>.',
      }),
    );
  });

  it('treats credentials of another scheme as no token', async () => {
    const res = await request(exampleApp()).get('/me').auth('ada', 'secret').expect(401);

    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(res.headers['x-status-sub-code']).toBeUndefined();
  });

  it('answers 401.24 with an invalid_token challenge when the token has expired', async () => {
    const clock = { now: NOW };
    const app = exampleApp(clock);
    const token = tokenFor('1', 'admin', 60);
    await request(app).get('/me').auth(token, { type: 'bearer' }).expect(200);

    clock.now = NOW + 60_000;
    const res = await request(app).get('/me').auth(token, { type: 'bearer' }).expect(401);

    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token has expired."',
    );
    expect(parseAuthHeader(res.headers['www-authenticate']!)).toEqual({
      scheme: 'Bearer',
      token: null,
      params: {
        realm: 'api',
        error: 'invalid_token',
        error_description: 'The access token has expired.',
      },
    });
    expect(res.headers['x-status-sub-code']).toBe('401.24');
    expect(problemOf(res)).toEqual(
      expectedProblem('401.24', '/me', { detail: 'The access token has expired.' }),
    );
  });

  it('answers 401.23 with an invalid_token challenge when the token is signed with another secret', async () => {
    const forged = jwt.sign({ role: 'admin' }, 'not-the-server-secret', { subject: '1' });
    const res = await request(exampleApp()).get('/me').auth(forged, { type: 'bearer' }).expect(401);

    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is not valid."',
    );
    expect(res.headers['x-status-sub-code']).toBe('401.23');
    expect(problemOf(res)).toEqual(
      expectedProblem('401.23', '/me', { detail: 'The access token is not valid.' }),
    );
  });

  it('answers 401.23 when the token is not a JWT at all', async () => {
    const res = await request(exampleApp())
      .get('/me')
      .set('Authorization', 'Bearer abc')
      .expect(401);

    expect(res.headers['x-status-sub-code']).toBe('401.23');
  });

  it('answers 401.23 when the token uses another algorithm than HS256', async () => {
    const hs512 = jwt.sign({ role: 'admin' }, DEMO_JWT_SECRET, {
      subject: '1',
      algorithm: 'HS512',
    });
    const res = await request(exampleApp()).get('/me').auth(hs512, { type: 'bearer' }).expect(401);

    expect(res.headers['x-status-sub-code']).toBe('401.23');
  });

  it('answers 404.1 when the user of a valid token was deleted', async () => {
    const app = exampleApp();
    await request(app).delete('/users/2').expect(204);
    const res = await request(app)
      .get('/me')
      .auth(tokenFor('2', 'member'), { type: 'bearer' })
      .expect(404);

    expect(res.headers['x-status-sub-code']).toBe('404.1');
  });
});

describe('GET /admin/stats', () => {
  it('returns the stats to an admin', async () => {
    await request(exampleApp())
      .get('/admin/stats')
      .auth(tokenFor('1', 'admin'), { type: 'bearer' })
      .expect(200, { users: 2 });
  });

  it('answers 403 with an insufficient_scope challenge to a member', async () => {
    const res = await request(exampleApp())
      .get('/admin/stats')
      .auth(tokenFor('2', 'member'), { type: 'bearer' })
      .expect(403);

    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", scope="admin", error="insufficient_scope"',
    );
    expect(problemOf(res)).toEqual(
      expectedProblem(403, '/admin/stats', {
        detail: 'Only users with the admin role may do this.',
      }),
    );
  });
});

describe('routes that show one error each', () => {
  it("answers GET /coffee with 418 I'm a teapot", async () => {
    const res = await request(exampleApp()).get('/coffee').expect(418);

    expect(problemOf(res)).toEqual(
      expectedProblem(418, '/coffee', {
        detail: 'This server is a teapot: it brews tea, not coffee.',
      }),
    );
  });

  it('answers a plain Error with a 500 that hides its message and cause', async () => {
    const res = await request(exampleApp()).get('/crash').expect(500);

    expect(res.text).not.toMatch(/list users|ECONNREFUSED|s3cr3t/);
    expect(res.headers['x-status-sub-code']).toBeUndefined();
    expect(problemOf(res)).toEqual(expectedProblem(500, '/crash'));
  });

  it('logs the hidden message of a 500 and its cause once, at error level', async () => {
    const { logger, lines } = captureLogs();
    await request(createExampleApp({ logger })).get('/crash').expect(500);
    await flushed();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      method: 'GET',
      url: '/crash',
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      // pino's err serializer joins the causes into message and stack.
      err: { type: 'Error', message: 'Could not list users: connect ECONNREFUSED 10.0.0.12:5432' },
    });
    const { stack } = lines[0]!.err as { stack: string };
    expect(stack).toMatch(/^Error: Could not list users\n\s+at /);
    expect(stack).toContain('\ncaused by: Error: connect ECONNREFUSED 10.0.0.12:5432\n');
  });

  it('logs nothing of the connection settings the driver’s error carries, password included', async () => {
    const { logger, lines } = captureLogs();
    await request(createExampleApp({ logger })).get('/crash').expect(500);
    await flushed();

    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toMatch(/s3cr3t|hunter2|postgres:/);
  });

  it('answers GET /reports/latest with 503 and Retry-After: 120', async () => {
    const res = await request(exampleApp()).get('/reports/latest').expect(503);

    expect(res.headers['retry-after']).toBe('120');
    expect(problemOf(res)).toEqual(
      expectedProblem(503, '/reports/latest', {
        detail: 'Reports are being regenerated. Try again in two minutes.',
      }),
    );
  });

  it('counts the primes of GET /reports/primes, capping the range it will compute', async () => {
    const small = await request(exampleApp()).get('/reports/primes?below=100').expect(200);
    expect(small.body).toEqual({ below: 100, primes: 25 });
    const capped = await request(exampleApp()).get('/reports/primes?below=-5').expect(200);
    expect(capped.body).toEqual({ below: 0, primes: 0 });
  });

  it('answers a path no route serves with 404 from notFound()', async () => {
    const res = await request(exampleApp()).get('/nowhere?token=secret').expect(404);

    expect(res.headers['x-status-sub-code']).toBeUndefined();
    expect(problemOf(res)).toEqual(expectedProblem(404, '/nowhere'));
  });
});

describe('/v1, past its sunset', () => {
  it.each([
    ['get', '/v1/users'],
    ['post', '/v1/users/1/orders'],
    ['delete', '/v1'],
  ] as const)('answers %s %s with 410 Gone', async (method, path) => {
    const res = await request(exampleApp())[method](path).expect(410);

    expect(problemOf(res)).toEqual(expectedProblem(410, path));
  });

  it('sends Deprecation, Sunset and Link with the 410', async () => {
    const res = await request(exampleApp()).get('/v1/users').expect(410);

    expect(res.headers.deprecation).toBe('@1719705600');
    expect(res.headers.sunset).toBe('Mon, 31 Mar 2025 00:00:00 GMT');
    expect(res.headers.link).toBe(
      '<https://api.example.com/docs/migrating-from-v1>; rel="deprecation"',
    );
  });
});

describe('/v2, deprecated but before its sunset', () => {
  const v2Headers = {
    deprecation: '@1746057600',
    sunset: 'Fri, 31 Dec 2027 00:00:00 GMT',
    link: '<https://api.example.com/docs/migrating-from-v2>; rel="deprecation", <https://api.example.com/docs/sunset-policy>; rel="sunset"',
  };

  it('answers GET /v2/users with the users in the v2 shape', async () => {
    const res = await request(exampleApp()).get('/v2/users').expect(200);

    expect(res.body).toEqual({
      data: [
        { id: '1', name: 'Ada Lovelace', email: 'ada@example.com' },
        { id: '2', name: 'Grace Hopper', email: 'grace@example.com' },
      ],
    });
  });

  it('sends Deprecation, Sunset and Link with a 200', async () => {
    const res = await request(exampleApp()).get('/v2/users/2').expect(200);

    expect(res.body).toEqual({
      data: { id: '2', name: 'Grace Hopper', email: 'grace@example.com' },
    });
    expect(res.headers).toMatchObject(v2Headers);
  });

  it('answers 404.1 for a missing user', async () => {
    const res = await request(exampleApp()).get('/v2/users/9').expect(404);

    expect(problemOf(res)).toEqual(
      expectedProblem('404.1', '/v2/users/9', { detail: 'There is no user with the id "9".' }),
    );
  });

  it('answers 405 with Allow for a method v2 does not support', async () => {
    const res = await request(exampleApp()).post('/v2/users').expect(405);

    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(problemOf(res)).toEqual(
      expectedProblem(405, '/v2/users', { detail: notAllowed('POST', 'GET, HEAD, OPTIONS') }),
    );
  });

  it('answers 410 with the same headers once the clock reaches the sunset', async () => {
    const clock = { now: NOW };
    const app = exampleApp(clock);
    await request(app).get('/v2/users').expect(200);

    clock.now = Date.parse('2027-12-31T00:00:00Z');
    const res = await request(app).get('/v2/users').expect(410);

    expect(res.headers).toMatchObject(v2Headers);
    expect(problemOf(res)).toEqual(expectedProblem(410, '/v2/users'));
  });
});

describe('createExampleApp()', () => {
  it('gives each app its own store', async () => {
    const first = exampleApp();
    await request(first).delete('/users/1').expect(204);

    await request(exampleApp()).get('/users/1').expect(200, ada);
  });

  it('refuses a jwtSecret shorter than 16 characters', () => {
    expect(() => createExampleApp({ jwtSecret: 'short' })).toThrow(
      new TypeError('`jwtSecret` must be a string of at least 16 characters'),
    );
  });

  it('refuses a maintenance option that is neither a boolean nor a function', () => {
    expect(() => createExampleApp({ maintenance: 'yes' as unknown as boolean })).toThrow(
      new TypeError('`maintenance` must be a boolean or a function returning one'),
    );
  });

  it('refuses a loadShedding option that is not a middleware', () => {
    expect(() =>
      createExampleApp({ loadShedding: { maxEventLoopDelayMs: 200 } as unknown as never }),
    ).toThrow(new TypeError('`loadShedding` must be a middleware, e.g. loadShedding({ ... })'));
  });

  it('does not change the options it is given', () => {
    const options = Object.freeze({ logger: false as const, now: () => NOW });

    expect(() => createExampleApp(options)).not.toThrow();
  });
});
