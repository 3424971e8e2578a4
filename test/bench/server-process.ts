/** The runner's handle on one server child: fork, typed IPC, and a bounded shutdown. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setAffinity } from './cpu-affinity.js';
import type { Command, Report } from './protocol.js';

const SERVER_SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));
const REPLY_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 5_000;

type ReportOf<T extends Report['type']> = Extract<Report, { type: T }>;

export interface ServerProcessOptions {
  /** Extra Node flags for the child, e.g. `--cpu-prof`. */
  readonly execArgv?: readonly string[];
  /** CPUs to pin the child to (a `taskset` list such as `0`); unpinned if absent. */
  readonly cpuList?: string;
}

export class ServerProcess {
  private readonly child: ChildProcess;
  private readonly inbox: Report[] = [];
  private waiting: ((report: Report) => void) | undefined;
  private gone: Error | undefined;
  private readonly exited: Promise<void>;

  /**
   * Forks `server.ts` for one variant. It runs with `NODE_ENV=production`,
   * as a deployed app would, and with its stdout and stderr on /dev/null, so
   * that what a variant logs to the console costs what it costs in production
   * without flooding the terminal.
   */
  constructor(scenario: string, variant: string, options: ServerProcessOptions = {}) {
    this.child = fork(SERVER_SCRIPT, [scenario, variant], {
      execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    // Pinned before it has loaded anything: the threads it starts later inherit the mask.
    if (options.cpuList !== undefined && this.child.pid !== undefined) {
      setAffinity(this.child.pid, options.cpuList);
    }
    this.child.on('message', (report: Report) => this.deliver(report));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.gone = new Error(`The ${variant} server exited (code ${code}, signal ${signal})`);
        this.deliver(undefined);
        resolve();
      });
    });
  }

  send(command: Command): void {
    this.child.send(command);
  }

  /** Waits for the child's next report, which must be of type `type`. */
  async expect<T extends Report['type']>(type: T): Promise<ReportOf<T>> {
    const report = await this.next();
    if (report.type === 'failed') throw new Error(`The server failed:\n${report.message}`);
    if (report.type !== type)
      throw new Error(`Expected ${type} from the server, got ${report.type}`);
    return report as ReportOf<T>;
  }

  /** Asks the child to close and exit; kills it if it has not exited in time. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.connected) {
      this.send({ type: 'close' });
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), EXIT_TIMEOUT_MS);
    });
    const late = await Promise.race([this.exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  private deliver(report: Report | undefined): void {
    if (report !== undefined) this.inbox.push(report);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(this.inbox.shift() ?? { type: 'failed', message: String(this.gone) });
  }

  private async next(): Promise<Report> {
    const queued = this.inbox.shift();
    if (queued) return queued;
    if (this.gone) return { type: 'failed', message: this.gone.message };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<Report>((resolve, reject) => {
        this.waiting = resolve;
        timer = setTimeout(
          () => reject(new Error(`No reply from the server within ${REPLY_TIMEOUT_MS} ms`)),
          REPLY_TIMEOUT_MS,
        );
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
