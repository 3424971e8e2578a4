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
