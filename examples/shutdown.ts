import type { Server, ServerResponse } from 'node:http';

export interface GracefulShutdownOptions {
  /** How long the requests in flight may take to finish, in milliseconds; then their connections are cut. */
  readonly timeoutMs: number;
  /** What to close once the server is closed, such as Redis clients. Defaults to nothing. */
  readonly cleanup?: () => Promise<void>;
}

/**
 * Prepares a graceful shutdown of `server` and returns the function that
 * starts it: the server stops accepting connections and closes those that
 * are idle; each request in flight finishes, answered with `Connection:
 * close` (RFC 9112 §9.6) if its headers are not sent yet, and its connection
 * is closed once its response is sent, for up to `timeoutMs`, after which the
 * connections left are cut; then `cleanup` runs. The promise resolves `true`
 * if every request finished and `cleanup` succeeded, `false` otherwise.
 * Calling it again returns the same promise.
 */
export function gracefulShutdown(
  server: Server,
  { timeoutMs, cleanup = async () => undefined }: GracefulShutdownOptions,
): () => Promise<boolean> {
  let closing: Promise<boolean> | undefined;
  /** Responses whose headers are not sent yet: they tell their client the connection ends. */
  const unsent = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) res.setHeader('Connection', 'close');
    else {
      unsent.add(res);
      res.once('close', () => unsent.delete(res));
    }
    // A keep-alive connection would otherwise stay open after its response, until the client closes it.
    res.on('finish', () => {
      if (closing) server.closeIdleConnections();
    });
  });
  return () => (closing ??= close());

  async function close(): Promise<boolean> {
    for (const res of unsent) if (!res.headersSent) res.setHeader('Connection', 'close');
    unsent.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const cut = await Promise.race([closed.then(() => false), timedOut]);
    clearTimeout(timer);
    if (cut) {
      server.closeAllConnections();
      await closed;
    }
    try {
      await cleanup();
    } catch (error) {
      console.error(`Shutdown: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    return !cut;
  }
}
