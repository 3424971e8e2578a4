/**
 * The load client: keep-alive connections to loopback only, each sending one
 * prepared request over and over, a fixed number of requests in all. It
 * works on raw sockets and reads of each response only its status and
 * framing, so that it costs a few microseconds a request: the server under
 * test, not the client, is what limits the pace. With Node's own HTTP client
 * the client cost as much as the server, the server idled between requests,
 * and its CPU per request then depended on how the two happened to
 * interleave (how many requests each event-loop turn found waiting), which
 * made anything that slowed the client, even three more response headers
 * for it to parse, look like server cost. CPU cost is measured by the
 * server itself.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface Target {
  readonly port: number;
  readonly method: string;
  readonly path: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly elapsedMs: number;
  /** How many responses had each status. */
  readonly statuses: Readonly<Record<number, number>>;
}

export interface Sample {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A drive that makes no progress for this long fails. */
const STALL_TIMEOUT_MS = 10_000;
const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const CHUNKED = /\r\ntransfer-encoding:[^\r]*chunked/i;

/** The body length of a response, from its head; throws for framing the client does not read. */
function bodyLength(head: string, status: number, method: string): number {
  if (method === 'HEAD' || status === 204 || status === 304) return 0;
  const length = CONTENT_LENGTH.exec(head);
  if (length) return Number(length[1]);
  if (CHUNKED.test(head)) throw new Error('The load client reads only Content-Length bodies');
  throw new Error('A response without Content-Length: the load client cannot frame it');
}

/** One keep-alive connection: one request in flight at a time. */
class Connection {
  readonly #socket: Socket;
  readonly #request: Buffer;
  readonly #method: string;
  #pending: Buffer | undefined;
  /** Set once the socket closed: a later `send` fails at once rather than waiting for nothing. */
  #closed = false;
  #onResponse: ((status: number) => void) | undefined;
  #onError: ((error: Error) => void) | undefined;

  constructor(target: Target, request: Buffer) {
    this.#request = request;
    this.#method = target.method;
    this.#socket = connect({ host: '127.0.0.1', port: target.port, noDelay: true });
    this.#socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.#socket.on('error', (error) => this.#onError?.(error));
    this.#socket.on('close', () => {
      this.#closed = true;
      this.#onError?.(new Error('The server closed a keep-alive connection'));
    });
  }

  /** Sends the request; `onResponse` gets each response's status. */
  send(onResponse: (status: number) => void, onError: (error: Error) => void): void {
    this.#onResponse = onResponse;
    this.#onError = onError;
    if (this.#closed) {
      onError(new Error('The server closed a keep-alive connection between drives'));
      return;
    }
    this.#socket.write(this.#request);
  }

  /** Stops listening; a later close or error is expected. */
  idle(): void {
    this.#onResponse = undefined;
    this.#onError = undefined;
  }

  destroy(): void {
    this.idle();
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    let data = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = undefined;
    try {
      for (;;) {
        const headEnd = data.indexOf(HEADER_END);
        if (headEnd === -1) break;
        const head = data.toString('latin1', 0, headEnd);
        const status = Number(head.slice(9, 12));
        // 1xx (e.g. 103 Early Hints) comes before the final response and has no body.
        const informational = status >= 100 && status < 200;
        const end =
          headEnd +
          HEADER_END.length +
          (informational ? 0 : bodyLength(head, status, this.#method));
        if (data.length < end) break;
        data = data.subarray(end);
        if (!informational) this.#onResponse?.(status);
      }
    } catch (error) {
      this.#onError?.(error as Error);
      return;
    }
    if (data.length > 0) this.#pending = Buffer.from(data);
  }
}

/**
 * `concurrency` keep-alive connections to one target, opened once and kept
 * between drives, as the variants of a round take turns.
 */
export class LoadClient {
  readonly #connections: Connection[];

  constructor(target: Target, concurrency: number) {
    const head = `${target.method} ${target.path} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nConnection: keep-alive\r\n\r\n`;
    const prepared = Buffer.from(head, 'latin1');
    this.#connections = Array.from({ length: concurrency }, () => new Connection(target, prepared));
  }

  /** Sends `requests` requests, one in flight per connection, and counts the statuses. */
  drive(requests: number): Promise<LoadResult> {
    const statuses: Record<number, number> = {};
    const started = performance.now();
    let issued = 0;
    let answered = 0;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(stall);
        for (const connection of this.#connections) connection.idle();
        if (error) reject(error);
        else resolve({ requests, elapsedMs: performance.now() - started, statuses });
      };
      const fail = (error: Error): void => finish(error);
      // Restarted by every response: it fires only when the server stalls.
      const stall = setTimeout(
        () => fail(new Error(`No response for ${STALL_TIMEOUT_MS} ms`)),
        STALL_TIMEOUT_MS,
      );
      const sendOn = (connection: Connection): void => {
        issued += 1;
        connection.send((status) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          answered += 1;
          stall.refresh();
          if (answered === requests) finish();
          else if (issued < requests) sendOn(connection);
        }, fail);
      };
      const first = Math.min(this.#connections.length, requests);
      for (let i = 0; i < first; i += 1) sendOn(this.#connections[i]!);
      if (requests === 0) finish();
    });
  }

  destroy(): void {
    for (const connection of this.#connections) connection.destroy();
  }
}

/** One request through Node's HTTP client, with its status, headers and body, to show what a variant answers. */
export async function probe(target: Target): Promise<Sample> {
  const agent = new Agent({ keepAlive: false });
  try {
    return await new Promise<Sample>((resolve, reject) => {
      const req = request(
        { agent, host: '127.0.0.1', port: target.port, method: target.method, path: target.path },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.setTimeout(STALL_TIMEOUT_MS, () =>
        req.destroy(new Error(`No response within ${STALL_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end();
    });
  } finally {
    agent.destroy();
  }
}
