/** The results of a run, their statistics, and the markdown report. */
import type { Comparison } from './scenario.js';

/** One variant's measurements in one round, in one fresh server process, summed over its slices. */
export interface Session {
  readonly round: number;
  /** The variant's place in the round's order, from 0. */
  readonly position: number;
  readonly requests: number;
  /** Server CPU time over the measured requests, in µs: user, system, and their sum. */
  readonly userUs: number;
  readonly systemUs: number;
  readonly cpuUs: number;
  readonly cpuUsPerRequest: number;
  /** Measured requests divided by the client's elapsed time over the slices. */
  readonly requestsPerSecond: number;
}

/** What a variant answered to one probe request before its first warm-up. */
export interface ResponseShape {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly bodyBytes: number;
}

export interface VariantResult {
  readonly name: string;
  readonly description: string;
  readonly response: ResponseShape | undefined;
  readonly sessions: readonly Session[];
}

export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly request: { readonly method: string; readonly path: string };
  readonly variants: readonly VariantResult[];
  readonly comparisons: readonly Comparison[];
}

export interface Settings {
  readonly rounds: number;
  readonly requests: number;
  readonly slices: number;
  readonly warmup: number;
  readonly concurrency: number;
}

export interface Machine {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly node: string;
  readonly express: string;
  readonly platform: string;
  readonly loadAverage: readonly number[];
  /** Where the servers and the load client ran, if pinned. */
  readonly pinning: { readonly server: string; readonly client: string } | undefined;
}

export interface RunResult {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  readonly settings: Settings;
  readonly scenarios: readonly ScenarioResult[];
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

export interface VariantSummary {
  readonly name: string;
  readonly cpuUsPerRequest: Spread;
  readonly userUsPerRequest: Spread;
  readonly systemUsPerRequest: Spread;
  readonly requestsPerSecond: Spread;
}

export interface ComparisonSummary extends Comparison {
  /** Median CPU per request of the subject over that of the baseline. */
  readonly ratio: number;
  /** The same ratio within each round, where the two ran interleaved: its spread. */
  readonly perRound: Spread;
  /**
   * Whether the target is met, judged on the median of the same-round ratios:
   * within a round the two variants ran interleaved, so a slow spell of the
   * machine weighs on both, while the ratio of the overall medians can pair a
   * slow round of one with a quick round of the other. Undefined when there
   * is no target.
   */
  readonly met: boolean | undefined;
}

export function summarizeVariant(variant: VariantResult): VariantSummary {
  return {
    name: variant.name,
    cpuUsPerRequest: spread(variant.sessions.map((s) => s.cpuUsPerRequest)),
    userUsPerRequest: spread(variant.sessions.map((s) => s.userUs / s.requests)),
    systemUsPerRequest: spread(variant.sessions.map((s) => s.systemUs / s.requests)),
    requestsPerSecond: spread(variant.sessions.map((s) => s.requestsPerSecond)),
  };
}

export function summarizeComparison(
  scenario: ScenarioResult,
  comparison: Comparison,
): ComparisonSummary | undefined {
  const subject = scenario.variants.find((v) => v.name === comparison.subject);
  const baseline = scenario.variants.find((v) => v.name === comparison.baseline);
  if (!subject || !baseline) return undefined; // filtered out with --variant
  const ratio =
    summarizeVariant(subject).cpuUsPerRequest.median /
    summarizeVariant(baseline).cpuUsPerRequest.median;
  const rounds: number[] = [];
  for (const session of subject.sessions) {
    const paired = baseline.sessions.find((s) => s.round === session.round);
    if (paired) rounds.push(session.cpuUsPerRequest / paired.cpuUsPerRequest);
  }
  const perRound = spread(rounds);
  return {
    ...comparison,
    ratio,
    perRound,
    met: comparison.maxRatio === undefined ? undefined : perRound.median <= comparison.maxRatio,
  };
}

/** Below these, the JIT is still warming and noise dominates: a run says nothing about targets. */
const MIN_ROUNDS = 5;
const MIN_REQUESTS = 1000;

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
const whole = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';

function responseCell(response: ResponseShape | undefined): string {
  if (!response) return '';
  const type = response.contentType?.split(';')[0] ?? 'no type';
  return `${response.status}, ${type}, ${response.bodyBytes} B`;
}

function targetCell(comparison: ComparisonSummary): string {
  if (comparison.maxRatio === undefined) return 'reference only';
  return `≤ ${fixed(comparison.maxRatio, 2)} (${comparison.target ?? 'target'})`;
}

function metCell(met: boolean | undefined): string {
  if (met === undefined) return '';
  return met ? '**met**' : '**not met**';
}

export function renderScenario(scenario: ScenarioResult, settings: Settings): string {
  const lines = [
    `## ${scenario.name}`,
    '',
    scenario.description,
    '',
    `\`${scenario.request.method} ${scenario.request.path}\` at concurrency ${settings.concurrency}; ${settings.rounds} rounds, each with a fresh server process per variant, ${whole(settings.warmup)} warm-up requests each, then ${whole(settings.requests)} measured requests per variant in ${settings.slices} interleaved slices (order rotated each round).`,
    '',
    '| Variant | Server CPU µs/req (median) | min–max | user / system (medians) | req/s (median) | min–max | Response |',
    '| --- | --: | --: | --: | --: | --: | --- |',
  ];
  for (const variant of scenario.variants) {
    const summary = summarizeVariant(variant);
    const { cpuUsPerRequest: cpu, requestsPerSecond: rps } = summary;
    lines.push(
      `| ${variant.name} | ${fixed(cpu.median, 1)} | ${fixed(cpu.min, 1)}–${fixed(cpu.max, 1)} | ${fixed(summary.userUsPerRequest.median, 1)} / ${fixed(summary.systemUsPerRequest.median, 1)} | ${whole(rps.median)} | ${whole(rps.min)}–${whole(rps.max)} | ${responseCell(variant.response)} |`,
    );
  }
  const comparisons = scenario.comparisons
    .map((comparison) => summarizeComparison(scenario, comparison))
    .filter((summary): summary is ComparisonSummary => summary !== undefined);
  if (comparisons.length > 0) {
    lines.push(
      '',
      '| Server CPU per request, subject / baseline | Same-round ratio: median (judged) | min–max | Ratio of the medians | Target | Result |',
      '| --- | --: | --: | --: | --- | --- |',
    );
    for (const c of comparisons) {
      lines.push(
        `| ${c.subject} / ${c.baseline} | ${fixed(c.perRound.median, 2)} | ${fixed(c.perRound.min, 2)}–${fixed(c.perRound.max, 2)} | ${fixed(c.ratio, 2)} | ${targetCell(c)} | ${metCell(c.met)} |`,
      );
    }
    if (settings.rounds < MIN_ROUNDS || settings.requests < MIN_REQUESTS) {
      lines.push(
        '',
        `With fewer than ${MIN_ROUNDS} rounds or ${whole(MIN_REQUESTS)} measured requests, these results are indicative only: a target is judged on a full run.`,
      );
    }
  }
  lines.push('', 'Variants:', '');
  for (const variant of scenario.variants)
    lines.push(`- \`${variant.name}\`: ${variant.description}`);
  return lines.join('\n');
}

export function renderMarkdown(result: RunResult): string {
  const { machine } = result;
  const header = [
    `# Benchmark results`,
    '',
    `${result.startedAt}, ${fixed(result.durationSeconds, 0)} s. Node ${machine.node}, Express ${machine.express}, ${machine.platform}, ${machine.cpus} × ${machine.cpuModel}, load average at start ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}. ${machine.pinning ? `Servers pinned to CPU ${machine.pinning.server}, the load client to CPU ${machine.pinning.client}.` : 'Unpinned.'}`,
  ];
  return [
    ...header,
    ...result.scenarios.map((s) => `\n${renderScenario(s, result.settings)}`),
  ].join('\n');
}
