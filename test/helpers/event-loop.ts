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
