/**
 * CPU pinning for the benchmark: the server child gets a core of its own
 * and the load client (the runner) the others. Unpinned, the scheduler
 * moves both across the 2 cores, and the server's CPU per request then
 * depends on where the client happened to run (cache and wake-up costs),
 * which moves a variant's median by ±10% between runs. Linux only, through
 * `taskset` (util-linux); elsewhere, or with `--no-pin`, nothing is pinned.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, platform } from 'node:os';

/** The core the servers run on; the load client takes every other one. */
export const SERVER_CPU = 0;

export interface Pinning {
  /** The CPU list each server is pinned to, e.g. `0`. */
  readonly server: string;
  /** The CPU list the load client is pinned to, e.g. `1` or `1-3`. */
  readonly client: string;
}

/** Pins this process (the load client) and returns the plan, or undefined where pinning is not possible. */
export function pinLoadClient(): Pinning | undefined {
  const cpus = availableParallelism();
  if (platform() !== 'linux' || cpus < 2) return undefined;
  const client = cpus === 2 ? '1' : `1-${cpus - 1}`;
  try {
    setAffinity(process.pid, client);
  } catch {
    return undefined;
  }
  return { server: String(SERVER_CPU), client };
}

/** Pins every thread of `pid`; threads it starts later inherit the mask. */
export function setAffinity(pid: number, cpuList: string): void {
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpuList, String(pid)], {
    stdio: 'ignore',
  });
}
