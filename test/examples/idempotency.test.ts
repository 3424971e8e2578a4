import request from 'supertest';
import { createExampleApp } from '../../examples/app.js';
import { Gate } from '../helpers/lock-app.js';
import { problemOf } from '../helpers/problem.js';
import { expectedProblem } from './expected-problem.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const MARGARET = { name: 'Margaret Hamilton', email: 'margaret@example.com' };

/** The example app, whose sign-ups wait at `gate` (the "mail service") once the user is stored. */
function exampleApp(gate: Gate) {
  return createExampleApp({
    logger: false,
    now: () => NOW,
    welcome: () => gate.pass().then(() => undefined),
  });
}

const signUp = (
  app: ReturnType<typeof exampleApp>,
  body: object = MARGARET,
  key = '"signup-margaret"',
) => request(app).post('/users').set('Idempotency-Key', key).send(body);

describe('POST /users with an Idempotency-Key (the README transcripts)', () => {
  it('answers a duplicate sent while the first runs 409.1, and creates the user once', async () => {
    const gate = new Gate();
    const app = exampleApp(gate);
    const first = signUp(app).then((res) => res);
    await gate.entered();
    const second = await signUp(app);
    expect(second.status).toBe(409);
    expect(second.headers['retry-after']).toBe('1');
    expect(problemOf(second)).toEqual(
      expectedProblem('409.1', '/users', {
        detail:
          'A request with this Idempotency-Key is still being processed. Retry after it finishes.',
      }),
    );
    gate.open();
    expect((await first).status).toBe(201);
    const users = (await request(app).get('/users')).body as { users: { email: string }[] };
    expect(users.users.filter((user) => user.email === MARGARET.email)).toHaveLength(1);
  });

  it('replays the 201 to a retry, Location and X-Global-Identifier included', async () => {
    const gate = new Gate();
    gate.open();
    const app = exampleApp(gate);
    const first = await signUp(app);
    const retry = await signUp(app);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['x-global-identifier']).toBe(first.headers['x-global-identifier']);
    expect(retry.text).toBe(first.text);
    expect(gate.runs).toBe(1);
  });

  it('answers 422.10 to the key reused with another body', async () => {
    const gate = new Gate();
    gate.open();
    const app = exampleApp(gate);
    await signUp(app);
    const other = await signUp(app, { ...MARGARET, email: 'hamilton@example.com' });
    expect(other.status).toBe(422);
    expect(problemOf(other)).toEqual(
      expectedProblem('422.10', '/users', {
        detail:
          'This Idempotency-Key was already used for a different request. Use a new key for a new operation, or resend the original request unchanged.',
      }),
    );
  });

  it('replays the 409 of a sign-up whose email is taken, a 4xx, without running it again', async () => {
    const gate = new Gate();
    gate.open();
    const app = exampleApp(gate);
    const ada = { name: 'Ada', email: 'ada@example.com' };
    const first = await signUp(app, ada, '"signup-ada"');
    const retry = await signUp(app, ada, '"signup-ada"');
    expect([first.status, retry.status]).toEqual([409, 409]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe('/users/1');
    expect(retry.text).toBe(first.text);
  });
});
