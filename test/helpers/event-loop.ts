import { performance } from 'node:perf_hooks';

/**
 * Really blocks the event loop for `ms`: a bounded busy-wait, as a CPU-bound
 * handler, a synchronous crypto call or a GC pause would. It reads
 * `node:perf_hooks`' clock, which fake timers leave real.
 */
export function blockEventLoop(ms: number): void {
  const end = performance.now() + ms;
  for (let spins = 0; spins < 1e10 && performance.now() < end; spins++);
}

/**
 * Waits `ms` on the global `setTimeout`, read at the call, so that a test
 * under fake timers waits on them.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
