import type { ServerResponse } from 'node:http';

/**
 * Marks a response cut short by the error handler. A registry-wide symbol,
 * so that the ESM and CommonJS builds agree.
 */
const CUT_SHORT = Symbol.for('express-api-errors.cutShort');

type Marked = ServerResponse & { [CUT_SHORT]?: true };

/**
 * Ends a response whose headers were sent before an error came: the
 * connection is closed, so that the client sees it cut short rather than
 * complete, as Express's final handler does (`req.socket.destroy()`). A
 * response the handler had ended is complete: it is left to finish, where
 * closing would cut what is still being written. The response is marked,
 * so that middleware waiting for it to end (`operationLock`) can tell a
 * handler that is done from a client that went away.
 */
export function cutShort(res: ServerResponse): void {
  if (res.writableEnded) return;
  (res as Marked)[CUT_SHORT] = true;
  res.destroy();
}

/** Whether the error handler cut `res` short (see `cutShort`): its handler is done. */
export function wasCutShort(res: ServerResponse): boolean {
  return (res as Marked)[CUT_SHORT] === true;
}
