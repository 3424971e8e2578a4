import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** nginx's `lingering_timeout`: the client has this long to send each more byte. */
export const LINGER_IDLE_MS = 5_000;
/** nginx's `lingering_time`: the longest a connection lingers, however the client sends. */
export const LINGER_TOTAL_MS = 30_000;

/**
 * Arms a lingering close for a response about to be sent while the
 * request's body is still unread (RFC 9112 §9.6, the "TCP reset problem").
 * When Node then closes the connection (`Connection: close` from the client
 * or the response, HTTP/1.0, a 408), its `socket.destroySoon()`, called once
 * the response is written (lib/_http_server.js `resOnFinish`), would close
 * the socket with body bytes still unread or arriving, and the kernel would
 * answer them with a RST that destroys the response before the client has
 * read it (a client that writes its whole body before reading, as Python's
 * http.client does, always lost it). For that one socket, `destroySoon`
 * lingers instead: it half-closes (the response and FIN go out), reads and
 * discards what comes until the client closes, then closes; no byte is
 * kept, and the wait is bounded as nginx bounds it (see `lingerThenClose`).
 *
 * Chosen over Express's finalhandler's way (`req.resume()`, and send once
 * the body has ended), which was measured: the answer waited for the whole
 * upload (2.2 s instead of 3 ms for 12.8 MB at 6.4 MB/s), a 408 to a body
 * trickling in came only when the wait gave up (30 s), and a client sending
 * on past its body got Node's 400 instead of the 408. Here the answer goes at
 * once, as RFC 9110 §10.1.1 lets a server answer before reading the content.
 * A connection Node keeps alive needs none of it: Node reads the rest of the
 * body itself, and `destroySoon` is put back when the response ends.
 */
export function lingerIfClosed(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as Socket | null; // null once detached
  if (req.httpVersionMajor !== 1 || socket === null || socket.destroyed || !bodyUnread(req)) {
    return;
  }
  socket.destroySoon = () => lingerThenClose(socket, req);
  // Node's `resOnFinish` is the response's first 'finish' listener: it has run by then.
  const restore = () => Reflect.deleteProperty(socket, 'destroySoon');
  res.once('finish', restore);
  res.once('close', restore);
}

/** Whether the request has a body (RFC 9112 §6.3) that Node has not finished reading. */
function bodyUnread(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Half-closes `socket`, discards what it still reads, and closes it once the
 * client has closed its side, or when nothing came for a whole
 * `LINGER_IDLE_MS` (checked every `LINGER_IDLE_MS`: so 5 to 10 s without a
 * byte), or after `LINGER_TOTAL_MS` in all. Nothing read is kept: the
 * request's body goes through Node's parser to the request, which Node dumps;
 * what follows it is dropped unparsed, so that no further request on the
 * connection is processed (§9.6), bar one that came in the same read as the
 * body's end, which Node had parsed already (as it does for a request
 * pipelined behind any request it closes after).
 */
function lingerThenClose(socket: Socket, req: IncomingMessage): void {
  Reflect.deleteProperty(socket, 'destroySoon');
  if (socket.writable) socket.end();
  closeOnClientClose(socket);
  if (req.complete) discardUnparsed(socket);
  else req.once('end', () => discardUnparsed(socket));
  let read = socket.bytesRead;
  let checks = 0;
  const timer = setInterval(() => {
    checks += 1;
    if (socket.bytesRead === read || checks * LINGER_IDLE_MS >= LINGER_TOTAL_MS) socket.destroy();
    read = socket.bytesRead;
  }, LINGER_IDLE_MS);
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}

/**
 * Closes `socket` once the client closes its side, as the lingering asks it
 * to, without Node's end-of-input check (lib/_http_server.js `socketOnEnd`):
 * that check would take a body cut short for a malformed request and report
 * it as a 'clientError' (`HPE_INVALID_EOF_STATE`), though the client did
 * what the server's close told it to, and nothing is parsed any more. Left
 * as is if Node names that listener otherwise.
 */
function closeOnClientClose(socket: Socket): void {
  for (const listener of socket.listeners('end')) {
    if (listener.name === 'bound socketOnEnd') socket.removeListener('end', listener as () => void);
  }
  // Our side is ended: `destroySoon` (Node's own again) closes once the answer is written.
  socket.once('end', () => socket.destroySoon());
}

/**
 * Stops Node's parser from reading `socket` and drops what comes instead.
 * The parser is fed by the 'data' listener Node's server added (or straight
 * from the handle until a 'data' listener is added, which then hands the
 * bytes back to the listeners).
 */
function discardUnparsed(socket: Socket): void {
  if (socket.destroyed) return;
  socket.removeAllListeners('data');
  socket.on('data', discard);
  socket.resume();
}

function discard(): void {}
