/**
 * README snippets that a reader copies as they are, run as written: each is
 * the first `ts` block after its `<!-- name -->` marker, run on Express 5 and
 * Express 4 (the two jest projects). Those that are checked for their types
 * alone are in readme-snippets-types.express5.test.ts.
 */
import express from 'express';
import request from 'supertest';
import {
  assertProblemMatchesCatalog,
  clientKey,
  defaultCatalog,
  errorHandler,
  maintenance,
  NotFoundError,
  rateLimit,
} from '../../src/index.js';
import { fieldValues, rawGet } from '../helpers/raw-http.js';
import { readmeSnippet as snippet } from '../helpers/readme-snippet.js';

const AsyncFunction = async function () {}.constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

describe('the README login limiter', () => {
  type Limiter = ReturnType<typeof rateLimit>;

  /** The README's limiter, made by its own code, in front of a login that always fails. */
  async function loginApp() {
    const limiter = (await new AsyncFunction(
      'app',
      'rateLimit',
      'clientKey',
      'passwordMatches',
      `${snippet('login-limiter')}\nreturn limiter;`,
    )(express(), rateLimit, clientKey, async () => false)) as Limiter;
    const app = express();
    app.use(express.json());
    app.post('/login', limiter, (_req, res) => {
      res.sendStatus(401);
    });
    app.use(errorHandler({ logger: false }));
    return app;
  }

  it('answers a login without a JSON body, rather than failing it with a 500', async () => {
    const app = await loginApp();
    await request(app).post('/login').type('form').send('email=ada@example.com').expect(401);
  });

  it("counts logins without an email against the client's address", async () => {
    const app = await loginApp();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(app).post('/login')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("counts an email spelt as the client's address apart from that address's logins", async () => {
    const app = await loginApp();
    for (let i = 0; i < 5; i++) {
      await request(app).post('/login').send({ email: '127.0.0.1' }).expect(401);
    }
    await request(app).post('/login').expect(401);
  });
});

describe('the README maintenance example', () => {
  it('answers with the status line, the fields and the body the README shows for it', async () => {
    const app = express();
    new Function('app', 'maintenance', 'flags', snippet('maintenance'))(app, maintenance, {
      maintenance: true,
    });
    app.use(errorHandler({ logger: false }));
    const res = await rawGet(app, '/orders');

    const [statusLine, ...rest] = snippet('maintenance', 'http').split('\n');
    const fields = rest.filter((line) => /^[A-Za-z-]+: /.test(line));
    expect(res.statusLine).toBe(statusLine);
    expect(fields.map((field) => fieldValues(res, field.slice(0, field.indexOf(':'))))).toEqual(
      fields.map((field) => [field.slice(field.indexOf(':') + 2)]),
    );
    expect({ ...JSON.parse(res.text), requestId: '…' }).toEqual(JSON.parse(rest.at(-1)!));
  });
});

describe('the README contract check', () => {
  it('passes the answer of an errorHandler given a typeBaseUri', async () => {
    const typeBaseUri = 'https://api.example.com/docs/errors';
    const app = express();
    app.get('/orders/:id', () => {
      throw new NotFoundError('No such order');
    });
    app.use(errorHandler({ catalog: defaultCatalog, typeBaseUri, logger: false }));
    await expect(
      new AsyncFunction(
        'request',
        'app',
        'catalog',
        'typeBaseUri',
        'assertProblemMatchesCatalog',
        snippet('contract-check'),
      )(request, app, defaultCatalog, typeBaseUri, assertProblemMatchesCatalog),
    ).resolves.toBeUndefined();
  });
});
