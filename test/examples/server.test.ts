/**
 * `examples/server.ts` run as a process, as `npm start` runs it: what only
 * the server adds to the app (its environment, its signals).
 */
import { startExampleServer, type ExampleServer } from './example-server.js';

const started: ExampleServer[] = [];

async function start(...args: Parameters<typeof startExampleServer>): Promise<ExampleServer> {
  const server = await startExampleServer(...args);
  started.push(server);
  return server;
}

afterEach(() => {
  for (const server of started.splice(0)) server.kill();
});

describe('the example server', () => {
  it('links problem types to http://localhost:<PORT> when PUBLIC_URL is unset', async () => {
    const { port } = await start({ PUBLIC_URL: undefined });

    const res = await fetch(`http://127.0.0.1:${port}/users/42`);

    expect(((await res.json()) as { type: string }).type).toBe(
      `http://localhost:${port}/docs/errors#404.1`,
    );
  }, 30_000);

  it('links problem types to PUBLIC_URL when set', async () => {
    const { port } = await start({ PUBLIC_URL: 'https://api.example.com' });

    const res = await fetch(`http://127.0.0.1:${port}/users/42`);

    expect(((await res.json()) as { type: string }).type).toBe(
      'https://api.example.com/docs/errors#404.1',
    );
  }, 30_000);
});
