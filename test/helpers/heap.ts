import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Real full collections, so that a test measures what is kept, not garbage not yet collected.
setFlagsFromString('--expose-gc');

/** Runs V8's full garbage collection. */
export const collectGarbage = runInNewContext('gc') as () => void;

/** The bytes the heap holds once garbage is collected (twice: weak references clear in two). */
export function heapBytes(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/**
 * A middleware that keeps a weak reference to each request it sees, and
 * `kept()`: how many of them are still alive after a full collection, that
 * is, held by something once they were answered.
 */
export function requestTracker(): {
  track: (req: object, res: unknown, next: () => void) => void;
  kept: () => Promise<number>;
} {
  const seen: WeakRef<object>[] = [];
  return {
    track: (req, _res, next) => {
      seen.push(new WeakRef(req));
      next();
    },
    kept: async () => {
      // WeakRef targets stay alive until the current job ends.
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
      collectGarbage();
      return seen.filter((ref) => ref.deref() !== undefined).length;
    },
  };
}
