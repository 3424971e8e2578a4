import type { Express } from 'express';

/** One server set-up to measure: a row of the report. */
export interface Variant {
  /** Unique within its scenario, kebab-case: the row label and the `--variant` filter. */
  readonly name: string;
  /** What the app does on the measured request, in one sentence, for the report. */
  readonly description: string;
  /** The status every measured response must have; any other fails the run. */
  readonly expectedStatus: number;
  /** Other statuses the warm-up may see, e.g. the allowed requests before a limit is spent. */
  readonly warmupStatuses?: readonly number[];
  /** Builds the app. Runs in the server child, once per session, so state never leaks between rounds. */
  readonly createApp: () => Express | Promise<Express>;
}

/** A ratio of median CPU per request that the report computes, with an optional target. */
export interface Comparison {
  /** The variant under test. */
  readonly subject: string;
  /** The variant it is compared with. */
  readonly baseline: string;
  /** The highest acceptable `subject / baseline` ratio, e.g. `1.1` for "within 10%". */
  readonly maxRatio?: number;
  /** The target in words, e.g. "at least as fast as Express's default handler". */
  readonly target?: string;
}

/** A set of variants measured side by side on the same request, in one run. */
export interface Scenario {
  /** Kebab-case, as given to `--scenario`. */
  readonly name: string;
  /** What the scenario measures and why, for the report. */
  readonly description: string;
  /** The request the load client repeats against every variant. */
  readonly request: { readonly method: string; readonly path: string };
  readonly variants: readonly Variant[];
  readonly comparisons: readonly Comparison[];
  /**
   * Starts what the servers need beyond Redis on REDIS_URL (a local Redis
   * Cluster, say), in the runner, once before the scenario's first round;
   * `env` is passed to every server child; `stop` runs after the last round.
   */
  readonly services?: () => Promise<Services>;
}

/** What a scenario's `services` started. */
export interface Services {
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}
