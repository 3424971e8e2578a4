/**
 * A problem sent before the request's body was read, on a connection that
 * closes after it (RFC 9112 §9.6, the TCP reset problem): the client must
 * get it whole, however it reads, and the server must not wait or read
 * without bound. On loopback, a client that writes 4 MiB before reading was
 * still writing when the old code closed the socket: 5 of 5 attempts got
 * EPIPE instead of the answer (8 MiB for Python's client, 4 of 4).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import net, { type Socket } from 'node:net';
import express from 'express';
import { RequestTimeoutError, requireContentType } from '../../src/index.js';
import { LINGER_IDLE_MS, LINGER_TOTAL_MS } from '../../src/handler/lingering-close.js';
import { createApp } from '../helpers/app.js';
import { fieldValues, outcomeOf, parseResponse, rawUpload } from '../helpers/raw-http.js';
import { expectedProblem, rawProblemOf } from '../helpers/problem.js';
import { serve } from '../helpers/server.js';

const BODY = 4 * 1024 * 1024;
const ATTEMPTS = 5;

const UNSUPPORTED = {
  ...expectedProblem(
    415,
    '/items',
    'The request body is in a media type or encoding that this resource does not accept.',
  ),
  accept: ['application/json'],
};

/**
 * `POST /items` takes JSON only (a 415 before the body is read), `POST /slow`
 * gives up with a 408, `POST /closing` is `/items` behind a middleware that
 * sets `Connection: close` as a graceful shutdown does, and `GET /ok` counts
 * the requests it answers.
 */
function uploadApp() {
  const answered = { ok: 0 };
  const json = requireContentType('application/json');
  const app = createApp((a) => {
    a.post('/items', json, express.json(), (_req, res) => {
      res.status(201).end();
    });
    a.post(
      '/closing',
      (_req, res, next) => {
        res.setHeader('Connection', 'close');
        next();
      },
      json,
    );
    a.post('/slow', (_req, _res, next) => next(new RequestTimeoutError()));
    a.get('/ok', (_req, res) => {
      answered.ok += 1;
      res.end('ok');
    });
  });
  return { app, answered };
}

const head = (requestLine: string, fields: string) =>
  `${requestLine}\r\nHost: example.test\r\n${fields}Content-Length: ${BODY}\r\n`;

async function uploads(port: number, requestHead: string): Promise<(number | string)[]> {
  const outcomes: (number | string)[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    outcomes.push(outcomeOf(await rawUpload(port, requestHead, BODY)));
  }
  return outcomes;
}

describe('sendProblem: a connection closed after a problem sent before the body was read', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let answered: { ok: number };
  beforeEach(async () => {
    const made = uploadApp();
    answered = made.answered;
    server = await serve(made.app);
  });
  afterEach(() => server.close());

  it.each([
    ['the client sent Connection: close', 'POST /items HTTP/1.1', 'Connection: close\r\n', 415],
    ['the client spoke HTTP/1.0', 'POST /items HTTP/1.0', '', 415],
    ['the app set Connection: close', 'POST /closing HTTP/1.1', '', 415],
    ['the status is 408', 'POST /slow HTTP/1.1', '', 408],
  ])(
    'reaches a client that writes its whole body before reading, when %s',
    async (_case, requestLine, fields, status) => {
      const outcomes = await uploads(
        server.port,
        head(requestLine, `Content-Type: text/plain\r\n${fields}`),
      );

      expect(outcomes).toEqual(Array(ATTEMPTS).fill(status));
    },
  );

  it('sends the whole problem, with Connection: close, then closes', async () => {
    const outcome = await rawUpload(
      server.port,
      head('POST /items HTTP/1.1', 'Content-Type: text/plain\r\nConnection: close\r\n'),
      BODY,
    );

    expect('error' in outcome).toBe(false);
    const res = outcome as Exclude<typeof outcome, { error: string }>;
    expect(res.statusLine).toBe('HTTP/1.1 415 Unsupported Media Type');
    expect(fieldValues(res, 'Connection')).toEqual(['close']);
    expect(rawProblemOf(res)).toEqual(UNSUPPORTED);
  });

  it('reaches Node’s http.request that reads nothing until its body is written', async () => {
    const outcomes: (number | string)[] = [];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      outcomes.push(await nodeUpload(server.port, 2 * BODY));
    }

    expect(outcomes).toEqual(Array(ATTEMPTS).fill('415 Connection: close'));
  });

  it('reaches Python’s http.client (under requests and urllib3)', async () => {
    const outcomes = await pythonUploads(server.port, 2 * BODY, 4);

    expect(outcomes).toEqual(['415', '415', '415', '415']);
  });

  it('reads no further request sent on the connection after the body', async () => {
    const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(
      'POST /slow HTTP/1.1\r\nHost: example.test\r\nContent-Length: 10\r\n\r\n0123456789',
    );
    await once(socket, 'end'); // the 408 and the server's FIN
    socket.end('GET /ok HTTP/1.1\r\nHost: example.test\r\n\r\n');
    await once(socket, 'close');

    const res = parseResponse(Buffer.concat(received).toString('latin1'));
    expect(res.status).toBe(408);
    expect(res.raw.match(/HTTP\/1\.1 /g)).toEqual(['HTTP/1.1 ']);
    expect(answered.ok).toBe(0);
  });

  it('keeps a kept-alive connection as it was: the next request on it is answered', async () => {
    const socket = net.connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write(
      'POST /items HTTP/1.1\r\nHost: example.test\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n',
    );
    socket.write('0123456789GET /ok HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n');
    await once(socket, 'close');

    expect([...received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1])).toEqual([
      '415',
      '200',
    ]);
    expect(answered.ok).toBe(1);
  });
});

describe('sendProblem: how long a closed connection lingers', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let accepted: Socket[];
  beforeEach(async () => {
    // Only the lingering's own timers are faked: I/O, ticks and immediates run.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    server = await serve(uploadApp().app);
    accepted = [];
    server.server.on('connection', (socket: Socket) => accepted.push(socket));
  });
  afterEach(async () => {
    jest.useRealTimers();
    await server.close();
  });

  /** Sends a 408's request head and `sent` of its 1,000,000 bytes of body, and waits for the 408. */
  async function lingering(sent: number): Promise<{ client: Socket; server: Socket }> {
    const client = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    client.on('error', () => undefined);
    let received = '';
    client.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    client.write(
      `POST /slow HTTP/1.1\r\nHost: example.test\r\nContent-Length: 1000000\r\n\r\n${'a'.repeat(sent)}`,
    );
    await until(() => received.includes('"status":408'));
    return { client, server: accepted[0]! };
  }

  it('waits for the client, and closes once it closes, before the body is whole', async () => {
    const { client, server: socket } = await lingering(10);
    await settle();
    expect(socket.destroyed).toBe(false);

    client.end();

    await until(() => socket.destroyed);
  });

  it('reports no clientError for a client that closes, as asked, before its body is whole', async () => {
    const clientErrors: string[] = [];
    server.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      clientErrors.push(error.code ?? error.message);
      socket.destroy();
    });
    const { client, server: socket } = await lingering(10);

    client.end(); // having read the 408 and the server's close, it sends no more of its body

    await until(() => socket.destroyed);
    await settle();
    expect(clientErrors).toEqual([]);
  });

  it(`closes a connection that sends nothing more, within ${2 * LINGER_IDLE_MS} ms, not before ${LINGER_IDLE_MS} ms`, async () => {
    const { client, server: socket } = await lingering(10);

    jest.advanceTimersByTime(LINGER_IDLE_MS - 1);
    await settle();
    expect(socket.destroyed).toBe(false);
    jest.advanceTimersByTime(LINGER_IDLE_MS + 1);
    await until(() => socket.destroyed);
    client.destroy();
  });

  it(`closes a connection that keeps sending after ${LINGER_TOTAL_MS} ms, not before`, async () => {
    const { client, server: socket } = await lingering(10);
    const step = LINGER_IDLE_MS / 5;

    for (let elapsed = step; elapsed < LINGER_TOTAL_MS; elapsed += step) {
      const before = socket.bytesRead;
      client.write('a');
      await until(() => socket.bytesRead > before);
      jest.advanceTimersByTime(step);
      await settle();
      expect(socket.destroyed).toBe(false);
    }
    jest.advanceTimersByTime(step);
    await until(() => socket.destroyed);
    client.destroy();
  });
});

/**
 * Resolves once `condition` holds, checking after each round of I/O (the
 * timers are fake, and so is Jest's own timeout): fails after 100,000 rounds.
 */
async function until(condition: () => boolean): Promise<void> {
  for (let round = 0; !condition(); round++) {
    if (round === 100_000) throw new Error(`still not so: ${condition.toString()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A few rounds of I/O, for what a timer set going to happen. */
async function settle(): Promise<void> {
  for (let round = 0; round < 10; round++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * `POST /items` through Node's http.request with `Connection: close`, its
 * socket paused until the body is written whole: the status and `Connection`
 * of the response it read to the end, or the error it got.
 */
function nodeUpload(port: number, bodyBytes: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/items',
      headers: { 'Content-Type': 'text/plain', Connection: 'close' },
    });
    let settled = false;
    const settle = (outcome: string) => {
      if (!settled) resolve(outcome);
      settled = true;
    };
    req.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => settle(`${res.statusCode} Connection: ${res.headers.connection}`));
      res.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
    });
    // Reads nothing until the body is written, as a client busy uploading would not.
    req.on('socket', (socket) => socket.pause());
    req.end(Buffer.alloc(bodyBytes, 0x61), () => req.socket?.resume());
  });
}

/**
 * `attempts` uploads to `POST /items` with `Connection: close` through
 * Python's http.client in a child process: the status of each, or the name of
 * the exception it raised (`BrokenPipeError`, `ConnectionResetError`).
 */
async function pythonUploads(port: number, bodyBytes: number, attempts: number): Promise<string[]> {
  const script = `
import http.client, sys
port, size, attempts = (int(a) for a in sys.argv[1:4])
body = b'a' * size
for _ in range(attempts):
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
    try:
        connection.request('POST', '/items', body=body, headers={'Content-Type': 'text/plain', 'Connection': 'close'})
        response = connection.getresponse()
        response.read()
        print(response.status, flush=True)
    except Exception as error:
        print(type(error).__name__, flush=True)
    finally:
        connection.close()
`;
  const child = spawn(
    'python3',
    ['-c', script, String(port), String(bodyBytes), String(attempts)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  expect(code).toBe(0);
  return output.trim().split('\n');
}
