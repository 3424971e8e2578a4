import { isUtf8 } from 'node:buffer';
import type { Response } from 'express';

/**
 * A response as a store keeps it: status, the allowed headers, and the body,
 * as text when it is valid UTF-8 without control characters (as `res.json`
 * and `res.send` of a string write it), else in base64.
 */
interface Recorded {
  readonly s: number;
  readonly h: readonly (readonly [string, string | string[]])[];
  readonly t?: string;
  readonly b?: string;
}

/** C0 controls that JSON writes as `\u00XX`: all but backspace, tab, LF, form feed and CR. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPED_CONTROLS = /[\x00-\x07\x0b\x0e-\x1f]/;

/**
 * Headers a replay never repeats, whatever `replayHeaders` lists: cookies
 * (a session given to the first request is not the retry's), the request
 * id (the retry has its own, which its log lines carry), the hop-by-hop
 * fields (RFC 9110 §7.6.1), and the framing that Node sets for the body.
 */
export const NEVER_REPLAYED = Object.freeze([
  'set-cookie',
  'x-request-id',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'date',
]);

/** The headers a replay repeats by default: those that describe the result, not the exchange. */
export const DEFAULT_REPLAY_HEADERS = Object.freeze([
  'Content-Type',
  'Content-Language',
  'Content-Location',
  'Location',
  'ETag',
  'Last-Modified',
  'Link',
  'Retry-After',
  'X-Status-Sub-Code',
  'X-Global-Identifier',
  // errorHandler's, on every problem: a replayed body is as untrusted as the first.
  'X-Content-Type-Options',
]);

/**
 * Records what a response sends, for replay. `res.json` and `res.send` end
 * in `res.end`, so wrapping `end` sees every whole body; a response written
 * in parts before `end` (`res.write`, a piped stream) is streamed, and one
 * above `maxBodyBytes` too large: neither is recorded (`recordable` is false).
 */
export class ResponseRecorder {
  /** The body as sent: as text, or its bytes in base64 (see `Recorded`). */
  #body: string | undefined;
  /** The header block `res.writeHead` wrote, when the handler called it (see `headersOf`). */
  #head: string | undefined;
  #base64 = false;
  #streamed = false;
  #tooLarge = false;
  /** Whether the handler has ended the response (or the error handler cut it short). */
  ended = false;

  /**
   * Wraps `res.end`: `onEnd` runs once, when the handler ends the response,
   * before it is written (so that the outcome is settled in the same tick as
   * the response, and a retry that follows the response finds it). With
   * `record` false no body is kept.
   */
  constructor(res: Response, maxBodyBytes: number, record: boolean, onEnd: () => void) {
    const { end } = res;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const recorder = this;
    // A body written in parts is streamed. Node's own `write` sends the headers, which is
    // how `end` tells; a `write` that middleware mounted before the lock put on the
    // response may not: compression() passes each part to zlib, which sends later, and
    // `end`'s chunk alone was recorded as the whole body. Nor does Node's once the client
    // has gone (see `clientLeft`). Only those are wrapped: each property added to a response
    // Express gave its prototype costs V8 a hidden class of its own (about 2 µs a request,
    // measured).
    if (Object.hasOwn(res, 'write') || res.destroyed) this.#watchWrites(res);
    // A part written through Node's `write`, or through one taken before this one (middleware
    // mounted earlier that writes for itself), has sent the headers by `end`. One whose
    // headers `writeHead` wrote but did not send yet is whole in `end`'s chunk.
    const recordingEnd = function (
      this: Response,
      chunk?: unknown,
      encoding?: unknown,
      callback?: unknown,
    ) {
      if (!recorder.ended) {
        recorder.ended = true;
        try {
          const { _header: head, _headerSent: sent } = this as HeaderState;
          if (sent ?? this.headersSent) {
            recorder.#streamed = true;
          } else if (this.destroyed && this.end !== recordingEnd) {
            // Its client gone, Node's `write` sends nothing, headers included. Middleware mounted
            // after the lock that took `end` from it may have written parts through a `write` it
            // took before `clientLeft` could watch it: express-session writes all of a body but
            // its last byte, saves the session, then ends with that byte here.
            recorder.#streamed = true;
          } else if (record) {
            if (typeof head === 'string') recorder.#head = head;
            recorder.#take(chunk, encoding, maxBodyBytes);
          }
        } catch {
          // A chunk Node cannot send either (an unknown encoding): `end` throws it below, and
          // nothing is recorded. The key must still be settled, or it would stay locked.
        } finally {
          onEnd();
        }
      }
      return (end as (...a: unknown[]) => Response).call(this, chunk, encoding, callback);
    } as Response['end'];
    res.end = recordingEnd;
  }

  /**
   * The client went away before the response ended. Node's `write` then sends
   * nothing, headers included, so `end` could no longer tell a body written
   * in parts from a whole one, and would record its last part as the body:
   * from now on every `write` is watched.
   */
  clientLeft(res: Response): void {
    this.#watchWrites(res);
  }

  /** Wraps `res.write`, so that a part written before `end` marks the body streamed. */
  #watchWrites(res: Response): void {
    const { write } = res;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const recorder = this;
    res.write = function (this: Response, ...args: unknown[]) {
      if (!recorder.ended) recorder.#streamed = true;
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as Response['write'];
  }

  get recordable(): boolean {
    return !this.#streamed && !this.#tooLarge && this.#body !== undefined;
  }

  /**
   * The response as stored: its status, the headers it sent that `names`
   * lists (lower-case name → the name written in the record), in the order
   * the handler set them, and its body.
   */
  serialize(res: Response, names: ReadonlyMap<string, string>): string {
    const headers: [string, string | string[]][] = [];
    // Lower-case names, in the order they were set. `writeHead(status, headers)` on a
    // response without headers set before writes its headers into the block alone.
    const sent = this.#head === undefined ? res.getHeaders() : headersOf(this.#head);
    for (const name in sent) {
      const written = names.get(name);
      const value = sent[name];
      if (written === undefined || value === undefined) continue;
      headers.push([written, Array.isArray(value) ? value : String(value)]);
    }
    const recorded: Recorded = this.#base64
      ? { s: res.statusCode, h: headers, b: this.#body }
      : { s: res.statusCode, h: headers, t: this.#body };
    return JSON.stringify(recorded);
  }

  #take(chunk: unknown, encoding: unknown, maxBodyBytes: number): void {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') {
      this.#body = '';
    } else if (typeof chunk === 'string') {
      const utf8 = typeof encoding !== 'string' || /^utf-?8$/i.test(encoding);
      const bytes = utf8
        ? Buffer.byteLength(chunk)
        : Buffer.byteLength(chunk, encoding as BufferEncoding);
      if (bytes > maxBodyBytes) this.#tooLarge = true;
      else if (utf8 && !ESCAPED_CONTROLS.test(chunk)) this.#body = chunk;
      else this.#takeBytes(Buffer.from(chunk, encoding as BufferEncoding));
    } else if (chunk instanceof Uint8Array) {
      if (chunk.byteLength > maxBodyBytes) this.#tooLarge = true;
      else this.#takeBytes(chunk);
    } else {
      this.#streamed = true;
    }
  }

  /**
   * Keeps bytes as a string at once, so that a caller reusing its buffer
   * cannot change the record, and no buffer is copied: Express's `res.send`
   * and `res.json` end with a Buffer whenever they compute an ETag (by
   * default), and a JSON body is UTF-8, which is kept as text. Bytes that
   * are not UTF-8, or whose text has control characters that the record's
   * JSON would write as six-character escapes, are kept in base64.
   */
  #takeBytes(bytes: Uint8Array): void {
    const buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (isUtf8(buffer)) {
      const text = buffer.toString('utf8');
      if (!ESCAPED_CONTROLS.test(text)) {
        this.#body = text;
        return;
      }
    }
    this.#body = buffer.toString('base64');
    this.#base64 = true;
  }
}

/** Node's own state of a response's header block (`OutgoingMessage`): built, and sent. */
interface HeaderState {
  readonly _header?: unknown;
  readonly _headerSent?: boolean;
}

/**
 * The fields of a header block as Node wrote it (`name: value` lines after
 * the status line, CRLF-separated; values already checked by Node), by
 * lower-case name; a field written more than once as a list.
 */
function headersOf(block: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = Object.create(null) as Record<
    string,
    string | string[]
  >;
  const lines = block.split('\r\n');
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const known = headers[name];
    headers[name] = known === undefined ? value : [known, value].flat();
  }
  return headers;
}

/**
 * Sends a recorded response again, marked `Idempotent-Replayed: true`. Not
 * an error path: the stored status and body are what the first request got.
 */
export function replay(res: Response, stored: string): void {
  const recorded = JSON.parse(stored) as Recorded;
  const body =
    recorded.t !== undefined ? Buffer.from(recorded.t) : Buffer.from(recorded.b!, 'base64');
  res.status(recorded.s);
  for (const [name, value] of recorded.h) res.setHeader(name, value);
  // RFC 9110 §8.6: none on a 204; a 304's would have to give the length of the 200 it
  // stands for, which the record does not know (it has no body), so none there either.
  if (recorded.s !== 204 && recorded.s !== 304) res.setHeader('Content-Length', body.length);
  res.setHeader('Idempotent-Replayed', 'true');
  res.end(body);
}
