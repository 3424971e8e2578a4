import type { IncomingMessage } from 'node:http';

/**
 * Responses waiting to be recorded again after the store failed to record
 * them: at most this many at once…
 */
export const MAX_RECORDS_WAITING = 1000;
/** …holding at most this many bytes (see `RecordRetries.bytesOf`). */
export const MAX_RECORD_BYTES_WAITING = 16 * 1024 * 1024;
/** The first retry of a failed record comes after this long, each next one after twice as long… */
export const FIRST_RECORD_RETRY_MS = 50;
/** …but never more than this apart. */
export const MAX_RECORD_RETRY_MS = 1000;

/** How long to wait before the retry that follows `failures` failed attempts (1 or more). */
export function recordRetryDelay(failures: number): number {
  return Math.min(FIRST_RECORD_RETRY_MS * 2 ** (failures - 1), MAX_RECORD_RETRY_MS);
}

/**
 * Keeps count of the responses waiting for a retry of the store's
 * `complete`, so that a store that fails for every request cannot make the
 * middleware hold their responses without bound: past the caps, a response
 * is given up at its first failure.
 */
export class RecordRetries {
  #records = 0;
  #bytes = 0;

  /**
   * The bytes a response holds while it waits, as counted here: its UTF-16
   * string, and the request it answers, which the wait keeps reachable too
   * (a parsed body, multer's buffers), counted by its `Content-Length`
   * (a chunked body, which has none, counts nothing).
   */
  static bytesOf(response: string, req: IncomingMessage): number {
    return 2 * response.length + declaredLength(req);
  }

  /** Takes a response of `bytes` in: false, changing nothing, when it would pass a cap. */
  admit(bytes: number): boolean {
    if (this.#records + 1 > MAX_RECORDS_WAITING) return false;
    if (this.#bytes + bytes > MAX_RECORD_BYTES_WAITING) return false;
    this.#records += 1;
    this.#bytes += bytes;
    return true;
  }

  /** A response admitted with `bytes` stops waiting: recorded, refused or given up. */
  leave(bytes: number): void {
    this.#records -= 1;
    this.#bytes -= bytes;
  }

  get records(): number {
    return this.#records;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** The request's `Content-Length`, when it is one (RFC 9110 §8.6: a non-negative integer), else 0. */
function declaredLength(req: IncomingMessage): number {
  const length = req.headers['content-length'];
  return length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : 0;
}
