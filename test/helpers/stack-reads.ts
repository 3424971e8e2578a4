/**
 * Counts the reads of `router.stack`: the route walks read it once each time
 * they enter the Router, and Express once each time it routes a request
 * through it. Past `limit` reads the read throws, so that a walk that would
 * not end (a Router mounted inside itself) fails its test at once rather than
 * block jest.
 */
export function countStackReads(router: { stack: unknown[] }, limit = 1000): () => number {
  const stack = router.stack;
  let reads = 0;
  Object.defineProperty(router, 'stack', {
    configurable: true,
    get() {
      reads += 1;
      if (reads > limit) throw new Error(`more than ${limit} reads of a Router's stack`);
      return stack;
    },
  });
  return () => reads;
}
