import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Express } from 'express';

/**
 * An HTTP/1.1 response as the bytes on the wire show it: Node's client and
 * supertest normalise or reject conflicting framing, so tests that care about
 * the status line or the framing headers read the socket themselves.
 */
export interface RawResponse {
  /** The whole response, as received. */
  readonly raw: string;
  /** The status line, without CRLF, e.g. `HTTP/1.1 404 Not Found`. */
  readonly statusLine: string;
  readonly status: number;
  /** The reason phrase: the status line after the code. */
  readonly reason: string;
  /** The header fields in order, names as sent. */
  readonly headers: readonly (readonly [string, string])[];
  /** The body's bytes as Latin-1 text (one character a byte), de-chunked when sent chunked. */
  readonly body: string;
  /** The body decoded as UTF-8. */
  readonly text: string;
}

/** The values of every field named `name` (case-insensitive), in order. */
export function fieldValues(response: RawResponse, name: string): string[] {
  const lower = name.toLowerCase();
  return response.headers.filter(([field]) => field.toLowerCase() === lower).map(([, v]) => v);
}

/** The names of the fields of a response, lower-cased, in order. */
export function fieldNames(response: RawResponse): string[] {
  return response.headers.map(([field]) => field.toLowerCase());
}

/**
 * Sends `head` (the request line and header fields, each ending in CRLF; the
 * blank line is added, as is `Connection: close`) on a fresh socket to
 * `target` and resolves with the response once the server closes it.
 */
export async function rawRequest(
  target: Express | number,
  head: string,
  body = '',
): Promise<RawResponse> {
  const server = typeof target === 'number' ? undefined : await listen(target);
  const port = server ? (server.address() as AddressInfo).port : (target as number);
  try {
    const raw = await exchange(port, `${head}Connection: close\r\n\r\n${body}`);
    return parseResponse(raw);
  } finally {
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** `GET <path>` with a Host field, plus `fields` (e.g. `'Accept: text/html\r\n'`). */
export function rawGet(target: Express | number, path: string, fields = ''): Promise<RawResponse> {
  return rawRequest(target, `GET ${path} HTTP/1.1\r\nHost: example.test\r\n${fields}`);
}

function listen(app: Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1');
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no complete answer within 5 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.end(request);
  });
}

/** Parses what `exchange` read; throws on anything that is not an HTTP/1.1 response. */
export function parseResponse(raw: string): RawResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) throw new Error(`no complete response head in ${JSON.stringify(raw)}`);
  const [statusLine = '', ...fieldLines] = raw.slice(0, headEnd).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
  if (!match) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`);
  const headers = fieldLines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
  });
  const rest = raw.slice(headEnd + 4);
  const chunked = headers.some(
    ([name, value]) => name.toLowerCase() === 'transfer-encoding' && /chunked/i.test(value),
  );
  const body = chunked ? dechunk(rest) : rest;
  return {
    raw,
    statusLine,
    status: Number(match[1]),
    reason: match[2] ?? '',
    headers,
    body,
    text: Buffer.from(body, 'latin1').toString('utf8'),
  };
}

function dechunk(text: string): string {
  let body = '';
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!(size > 0)) return body;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/** What a client that writes its whole request before reading got: the response, or its socket error. */
export type UploadOutcome = RawResponse | { readonly error: string };

/**
 * Sends `head` (request line and fields, each ending in CRLF; the blank line
 * is added) and `bodyBytes` bytes of `a` on a fresh socket to `port`, reading
 * nothing until the whole request is written, as Python's http.client (under
 * requests and urllib3) does; then reads to the end. A socket error before
 * then (EPIPE or ECONNRESET, as when the server resets the connection) is the
 * outcome.
 */
export function rawUpload(port: number, head: string, bodyBytes: number): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.pause(); // not reading: the kernel keeps what arrives meanwhile
    socket.setTimeout(5000, () => socket.destroy(new Error('no complete answer within 5 s')));
    socket.on(
      'error',
      (failure: NodeJS.ErrnoException) => (error ??= failure.code ?? failure.message),
    );
    socket.on('close', () => {
      if (error !== undefined) resolve({ error });
      else resolve(parseResponse(Buffer.concat(chunks).toString('latin1')));
    });
    socket.write(`${head}\r\n`);
    socket.write(Buffer.alloc(bodyBytes, 0x61), () => {
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.resume();
    });
  });
}

/** The status of an upload's response, or its socket error. */
export function outcomeOf(outcome: UploadOutcome): number | string {
  return 'error' in outcome ? outcome.error : outcome.status;
}

/**
 * Sends `POST <path>` (or `method`) with a JSON body cut short and hangs up once the app
 * starts reading it, as a client that gives up mid-body does: body-parser
 * then fails with `request aborted`, a 400 that can reach no one.
 */
export async function abandonMidBody(server: Server, path: string, method = 'POST'): Promise<void> {
  const { port } = server.address() as AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  client.write(
    `${method} ${path} HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
  );
  const [req] = (await once(server, 'request')) as [IncomingMessage];
  while (req.listenerCount('data') === 0) await new Promise((resolve) => setImmediate(resolve));
  client.destroy();
}
