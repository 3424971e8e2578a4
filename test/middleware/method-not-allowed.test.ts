import express, { type Express, type RequestHandler } from 'express';
import request from 'supertest';
import { errorHandler, notFound } from '../../src/index.js';
import { methodNotAllowed } from '../../src/middleware/method-not-allowed.js';
import { createApp } from '../helpers/app.js';
import { expectOptionError } from '../helpers/option-error.js';
import { problemOf } from '../helpers/problem.js';
import { countStackReads } from '../helpers/stack-reads.js';

const ok: RequestHandler = (req, res) => {
  res.json({ method: req.method, params: req.params });
};

/** An app with the routes `mount` adds, then `methodNotAllowed(app)`, `notFound()` and `errorHandler`. */
function appWith(mount: (app: Express) => void, settings: Record<string, boolean> = {}): Express {
  const app = express();
  for (const [name, value] of Object.entries(settings)) app.set(name, value);
  mount(app);
  app.use(methodNotAllowed(app));
  app.use(notFound());
  app.use(errorHandler({ logger: false }));
  return app;
}

describe('methodNotAllowed: which requests get a 405', () => {
  const app = appWith((a) => {
    a.get('/users', ok);
    a.post('/users', ok);
    a.get('/users/:id', ok);
    a.delete('/users/:id', ok);
    a.route('/reports').get(ok).put(ok);
    a.get('/any', ok);
    a.all('/any', (_req, _res, next) => next());
    a.post('/posts-only', ok);
    a.get(/^\/numbers\/\d+$/, ok);
  });

  it('lets matched routes answer', async () => {
    const res = await request(app).post('/users');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ method: 'POST', params: {} });
  });

  it('answers a wrong method with a 405 problem listing the allowed methods', async () => {
    const res = await request(app).delete('/users');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: 'DELETE is not allowed on this resource; it allows GET, HEAD, OPTIONS, POST.',
      instance: '/users',
      code: 'METHOD_NOT_ALLOWED',
    });
  });

  it('matches route parameters', async () => {
    const res = await request(app).put('/users/7');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS');
  });

  it('reads the methods of an app.route() chain', async () => {
    const res = await request(app).post('/reports');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, PUT');
  });

  it('never answers 405 for a path an all() route matches', async () => {
    const res = await request(app).patch('/any');
    expect(res.status).toBe(404);
    expect(problemOf(res)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists HEAD for a GET route, and Express answers HEAD through it', async () => {
    const res = await request(app).head('/users/7');
    expect(res.status).toBe(200);
    expect((await request(app).patch('/users/7')).headers.allow).toContain('HEAD');
  });

  it('answers HEAD on a route without GET with a 405 and no body', async () => {
    const res = await request(app).head('/posts-only');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('OPTIONS, POST');
    expect(res.text).toBeUndefined();
  });

  it('matches RegExp routes', async () => {
    const res = await request(app).post('/numbers/42');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('lets a path no route matches through to notFound', async () => {
    const res = await request(app).post('/nothing/here');
    expect(res.status).toBe(404);
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No resource exists at this URL, or the requested object does not exist.',
      instance: '/nothing/here',
      code: 'NOT_FOUND',
    });
  });

  it('lets a request whose route handles the method but called next() through to notFound', async () => {
    const fallsThrough = appWith((a) => {
      a.get('/users/:id', (_req, _res, next) => next());
    });
    const res = await request(fallsThrough).get('/users/9');
    expect(res.status).toBe(404);
    expect(res.headers.allow).toBeUndefined();
  });

  it('ignores the query string', async () => {
    const res = await request(app).delete('/users?page=2');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
  });
});

describe('methodNotAllowed: OPTIONS', () => {
  const api = express.Router();
  api.get('/items', ok);
  const app = appWith((a) => {
    a.get('/users', ok);
    a.options('/custom', (_req, res) => {
      res.set('Allow', 'OPTIONS').status(200).end();
    });
    a.get('/custom', ok);
    a.use('/api', api);
  });

  it('answers OPTIONS on a matched path without an OPTIONS route with 204 and Allow', async () => {
    const res = await request(app).options('/users');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.text).toBe('');
  });

  it('leaves OPTIONS to a route that handles it', async () => {
    const res = await request(app).options('/custom');
    expect(res.status).toBe(200);
    expect(res.headers.allow).toBe('OPTIONS');
  });

  it('lists OPTIONS in a 405 on a path of a mounted Router, where Express answers OPTIONS itself', async () => {
    const wrong = await request(app).post('/api/items');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD, OPTIONS');
    const options = await request(app).options('/api/items');
    expect(options.status).toBe(200);
    // Express's own answer: 'GET, HEAD' in Express 5, 'GET,HEAD' in Express 4.
    expect(options.headers.allow?.split(/, ?/)).toEqual(['GET', 'HEAD']);
  });

  it('lets OPTIONS on a path no route matches through to notFound', async () => {
    expect((await request(app).options('/nothing')).status).toBe(404);
  });
});

describe('methodNotAllowed: nested Routers', () => {
  const v1 = express.Router();
  v1.get('/items/:id', ok);
  v1.patch('/items/:id', ok);
  const api = express.Router();
  api.use('/v1', v1);
  api.post('/login', ok);
  const app = appWith((a) => {
    a.use('/api', api);
  });

  it('matches routes two Routers deep, under their mount paths', async () => {
    const res = await request(app).delete('/api/v1/items/3');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, PATCH');
    expect(problemOf(res)).toMatchObject({ instance: '/api/v1/items/3' });
  });

  it('matches routes one Router deep', async () => {
    const res = await request(app).get('/api/login');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('OPTIONS, POST');
  });

  it('does not match a route outside its mount path', async () => {
    expect((await request(app).delete('/v1/items/3')).status).toBe(404);
    expect((await request(app).delete('/api/items/3')).status).toBe(404);
  });

  it('works mounted inside a Router, given that Router', async () => {
    const router = express.Router();
    router.get('/things', ok);
    router.use(methodNotAllowed(router));
    const outer = createApp((a) => {
      a.use('/inner', router);
      a.use(notFound());
    });
    const res = await request(outer).put('/inner/things');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('merges the methods of routes on the same path at different levels', async () => {
    const router = express.Router();
    router.put('/shared', ok);
    const merged = appWith((a) => {
      a.get('/shared', ok);
      a.use(router);
    });
    const res = await request(merged).delete('/shared');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS, PUT');
  });
});

describe('methodNotAllowed: a Router mounted inside itself', () => {
  /** `dir` with `GET /leaf`, mounted in itself at `/a` and `/b`, at `/api` (`/api/a/b/a/leaf`…). */
  function recursiveApp(): { app: Express; reads: () => number } {
    const dir = express.Router();
    dir.get('/leaf', ok);
    dir.use('/a', dir);
    dir.use('/b', dir);
    const reads = countStackReads(dir);
    return { app: appWith((a) => a.use('/api', dir)), reads };
  }

  it('answers a wrong method with a 405 after a few steps through a Router mounted in itself twice', async () => {
    const { app, reads } = recursiveApp();
    const res = await request(app).post('/api/a/b/leaf');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(problemOf(res)).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: 'POST is not allowed on this resource; it allows GET, HEAD, OPTIONS.',
      instance: '/api/a/b/leaf',
      code: 'METHOD_NOT_ALLOWED',
    });
    expect(reads()).toBeLessThan(20);
  });

  it('lets a path no route of the recursive Router matches through to notFound', async () => {
    const { app } = recursiveApp();
    const res = await request(app).post('/api/a/c/leaf');
    expect(res.status).toBe(404);
    expect(res.headers.allow).toBeUndefined();
    expect(problemOf(res)).toMatchObject({ code: 'NOT_FOUND', instance: '/api/a/c/leaf' });
  });

  it('follows the recursion as deep as the path goes, past 32 Routers, as Express does', async () => {
    const { app, reads } = recursiveApp();
    const path = `/api${'/a/b'.repeat(20)}/leaf`;
    expect((await request(app).get(path)).status).toBe(200);
    const res = await request(app).delete(path);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(reads()).toBeLessThan(200);
  });

  it('answers a 405 beside a Router mounted in itself twice at /', async () => {
    const dir = express.Router();
    dir.get('/leaf', ok);
    dir.use(dir);
    dir.use('/', dir);
    const reads = countStackReads(dir);
    const app = appWith((a) => {
      a.get('/users', ok);
      a.use('/api', dir);
    });
    const res = await request(app).post('/users');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(reads()).toBeLessThan(10);
  });
});

describe('methodNotAllowed: Express routing settings', () => {
  it('matches a trailing slash unless strict routing is on', async () => {
    const loose = appWith((a) => a.get('/users', ok));
    expect((await request(loose).post('/users/')).status).toBe(405);
    const strict = appWith((a) => a.get('/users', ok), { 'strict routing': true });
    expect((await request(strict).post('/users/')).status).toBe(404);
    expect((await request(strict).post('/users')).status).toBe(405);
  });

  it('ignores case unless case sensitive routing is on', async () => {
    const insensitive = appWith((a) => a.get('/users', ok));
    expect((await request(insensitive).post('/USERS')).status).toBe(405);
    const sensitive = appWith((a) => a.get('/users', ok), { 'case sensitive routing': true });
    expect((await request(sensitive).post('/USERS')).status).toBe(404);
    expect((await request(sensitive).post('/users')).status).toBe(405);
  });

  it('follows settings made after the middleware was created', async () => {
    const app = express();
    const middleware = methodNotAllowed(app);
    app.set('strict routing', true);
    app.get('/users', ok);
    app.use(middleware, notFound(), errorHandler({ logger: false }));
    expect((await request(app).post('/users/')).status).toBe(404);
  });
});

describe('methodNotAllowed: routes added later', () => {
  it('sees routes added after the middleware was created', async () => {
    const app = express();
    const middleware = methodNotAllowed(app);
    app.get('/late', ok);
    app.use(middleware, notFound(), errorHandler({ logger: false }));
    const res = await request(app).post('/late');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('sees routes added to a mounted Router after a request was answered', async () => {
    const router = express.Router();
    const app = appWith((a) => {
      a.use(router);
    });
    expect((await request(app).post('/later')).status).toBe(404);
    router.get('/later', ok);
    const res = await request(app).post('/later');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('sees methods added to an existing route after a request was answered', async () => {
    let addPut: (() => void) | undefined;
    const app = appWith((a) => {
      const route = a.route('/grows').get(ok);
      addPut = () => route.put(ok);
    });
    expect((await request(app).delete('/grows')).headers.allow).toBe('GET, HEAD, OPTIONS');
    addPut?.();
    expect((await request(app).delete('/grows')).headers.allow).toBe('GET, HEAD, OPTIONS, PUT');
  });
});

describe('methodNotAllowed: an app with 1,000 routes', () => {
  const app = appWith((a) => {
    for (let i = 0; i < 1000; i++) {
      if (i % 2 === 0) a.get(`/r${i}/things/:id`, ok);
      else a.route(`/r${i}/things/:id`).get(ok).post(ok);
    }
  });

  it('answers 405 with the Allow of the matching route', async () => {
    const even = await request(app).put('/r500/things/1');
    expect(even.status).toBe(405);
    expect(even.headers.allow).toBe('GET, HEAD, OPTIONS');
    const odd = await request(app).put('/r999/things/1');
    expect(odd.status).toBe(405);
    expect(odd.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
  });

  it('still lets matched routes answer and unmatched paths reach notFound', async () => {
    expect((await request(app).get('/r998/things/1')).status).toBe(200);
    expect((await request(app).put('/r1000/things/1')).status).toBe(404);
  });

  it('answers the same without a cache', async () => {
    const uncached = express();
    for (let i = 0; i < 1000; i++) uncached.get(`/r${i}/things/:id`, ok);
    uncached.use(methodNotAllowed(uncached, { cacheSize: 0 }), notFound());
    uncached.use(errorHandler({ logger: false }));
    for (const path of ['/r3/things/1', '/r3/things/1', '/r7/things/2']) {
      const res = await request(uncached).post(path);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    }
  });

  it('keeps answering correctly once more paths were seen than the cache holds', async () => {
    const small = express();
    small.get('/a/:id', ok);
    small.use(methodNotAllowed(small, { cacheSize: 2 }), notFound());
    small.use(errorHandler({ logger: false }));
    for (const path of ['/a/1', '/b/1', '/a/2', '/a/3', '/a/1', '/b/1']) {
      const res = await request(small).post(path);
      expect(res.status).toBe(path.startsWith('/a/') ? 405 : 404);
    }
  });
});

describe('methodNotAllowed: its arguments', () => {
  it.each<[string, unknown, string]>([
    ['undefined', undefined, 'undefined'],
    ['an object with a stack', { stack: [] }, '{"stack":[]}'],
    ['a handler', ok, 'a function (ok)'],
  ])(
    'throws a TypeError when given %s instead of an Express app or Router',
    (_case, target, shown) => {
      expectOptionError(
        () => methodNotAllowed(target),
        'ERR_EAE_OPTION_TYPE',
        `methodNotAllowed(): \`appOrRouter\` must be the Express app or Router whose routes it checks, e.g. \`app.use(methodNotAllowed(app))\`; got ${shown}`,
      );
    },
  );

  it('throws a TypeError when given a route', () => {
    expectOptionError(
      () => methodNotAllowed(express.Router().route('/x')),
      'ERR_EAE_OPTION_TYPE',
      /^methodNotAllowed\(\): `appOrRouter` must be the Express app or Router/,
    );
  });

  it('accepts an app and a Router', () => {
    expect(typeof methodNotAllowed(express())).toBe('function');
    expect(typeof methodNotAllowed(express.Router())).toBe('function');
  });

  it.each([[-1], [1.5], [Number.NaN], [Infinity]])(
    'throws a RangeError naming `cacheSize` when it is %p, not a whole number of 0 or more',
    (cacheSize) => {
      expectOptionError(
        () => methodNotAllowed(express(), { cacheSize }),
        'ERR_EAE_OPTION_RANGE',
        `methodNotAllowed(): \`cacheSize\` must be a whole number of paths, 0 or more, got ${cacheSize}`,
      );
    },
  );

  it('throws a TypeError for a cacheSize that is no number', () => {
    expectOptionError(
      () => methodNotAllowed(express(), { cacheSize: '10' as never }),
      'ERR_EAE_OPTION_TYPE',
      'methodNotAllowed(): `cacheSize` must be a whole number of paths, 0 or more, got "10"',
    );
  });

  it('throws for options that are not an object', () => {
    expectOptionError(
      () => methodNotAllowed(express(), 1000 as never),
      'ERR_EAE_OPTIONS',
      'methodNotAllowed(): options must be an object such as { cacheSize: 1000 }, got 1000',
    );
  });

  it.each([['cache_size'], ['cachesize'], ['cache']])(
    'refuses the unknown option `%s`, suggesting `cacheSize`',
    (name) => {
      expectOptionError(
        () => methodNotAllowed(express(), { [name]: 10 } as never),
        'ERR_EAE_UNKNOWN_OPTION',
        `methodNotAllowed(): \`${name}\` is not an option. Did you mean \`cacheSize\`? The options are \`cacheSize\`.`,
      );
    },
  );

  it('leaves the caller options object unchanged', () => {
    const options = Object.freeze({ cacheSize: 10 });
    methodNotAllowed(express(), options);
    expect(options).toEqual({ cacheSize: 10 });
  });
});

describe('methodNotAllowed: a route of its own for OPTIONS', () => {
  it('names OPTIONS once in the 405, header and detail alike', async () => {
    const app = appWith((a) => {
      a.get('/x', ok);
      a.options('/x', ok);
    });
    const res = await request(app).delete('/x');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(problemOf(res).detail).toBe(
      'DELETE is not allowed on this resource; it allows GET, HEAD, OPTIONS.',
    );
  });
});
