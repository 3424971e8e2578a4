/** The IPC messages between the runner (parent) and a server child. */

/** Parent → child. */
export type Command =
  /** Start counting: the child snapshots its CPU time and replies `started`. */
  | { readonly type: 'start' }
  /** Stop counting: the child replies `stopped` with the CPU time spent since `start`. */
  | { readonly type: 'stop' }
  /** Close the server and exit. */
  | { readonly type: 'close' };

/** Child → parent. */
export type Report =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'started' }
  | {
      readonly type: 'stopped';
      /** `process.cpuUsage()` delta, in µs. */
      readonly userUs: number;
      readonly systemUs: number;
      /** Wall-clock time between `start` and `stop`, in ms. */
      readonly wallMs: number;
    }
  | { readonly type: 'failed'; readonly message: string };
