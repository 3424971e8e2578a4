import { optionError } from './option-error.js';

/**
 * Refuses an option name the factory does not know: a misspelt or foreign
 * option is otherwise ignored without a word (`max` for `limit` would limit
 * with the default). The message names the nearest valid option, or what
 * replaces a name from another library (`migrations`: name → advice), or
 * else gives the `hint`, if any, for names that are no misspelling.
 */
export function checkOptionNames(
  factory: string,
  options: object,
  known: readonly string[],
  {
    migrations = {},
    path = '',
    label = '',
    hint,
  }: {
    migrations?: Readonly<Record<string, string>>;
    path?: string;
    /** Said after the unknown name, to tell whose it is, e.g. ` (ORDER_NOT_FOUND)` for a catalog entry. */
    label?: string;
    hint?: string;
  } = {},
): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const nearest = nearestName(name, known);
    const advice = Object.hasOwn(migrations, name)
      ? `: ${migrations[name]}.`
      : nearest !== undefined
        ? `. Did you mean \`${path}${nearest}\`?`
        : hint !== undefined
          ? `: ${hint}.`
          : '.';
    const listed = known.map((option) => `\`${path}${option}\``).join(', ');
    throw optionError(
      factory,
      'ERR_EAE_UNKNOWN_OPTION',
      `\`${path}${name}\`${label} is not an option${advice} The options are ${listed}.`,
    );
  }
}

/**
 * The known name within a few edits of `name`, if there is one; else the one
 * known name that `name` begins, as when a unit is left off (`maxHeapUsed`
 * for `maxHeapUsedBytes`).
 */
function nearestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // A third of the name's length, at least 1 and at most 3 edits: `debg` → `debug`, not `foo` → `key`.
  const allowed = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  if (bestDistance <= allowed) return best;
  const extended = known.filter((candidate) => candidate.toLowerCase().startsWith(lower));
  return name.length >= 3 && extended.length === 1 ? extended[0] : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        rows[i - 1]![j]! + 1,
        rows[i]![j - 1]! + 1,
        rows[i - 1]![j - 1]! + substitution,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The option names of `Options`, as `checkOptionNames` takes them, checked
 * both ways by the compiler: a name that is no option, or an option left
 * out, does not compile.
 *
 * `const OPTION_NAMES = optionNames<MaintenanceOptions>()(['enabled', 'retryAfter', 'allow', 'detail']);`
 */
export function optionNames<Options extends object>() {
  return <const Names extends readonly (keyof Options & string)[]>(
    names: Names & EveryOption<Options, Names[number]>,
  ): readonly (keyof Options & string)[] => Object.freeze([...names]);
}

/** `unknown` when `Listed` covers every option; otherwise a type no array matches, naming what is missing. */
type EveryOption<Options, Listed> = [Exclude<keyof Options, Listed>] extends [never]
  ? unknown
  : { readonly missingOptions: Exclude<keyof Options, Listed> };
