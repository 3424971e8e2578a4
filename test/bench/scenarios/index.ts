import type { Scenario } from '../scenario.js';

/**
 * Every scenario, loaded on demand so that a run (and each server child)
 * imports only the dependencies of the scenario it measures. To add one,
 * write `scenarios/<name>.ts` exporting `scenario` and list it here.
 */
export const scenarioLoaders: Readonly<Record<string, () => Promise<Scenario>>> = {
  'error-path': async () => (await import('./error-path.js')).scenario,
  'error-path-breakdown': async () => (await import('./error-path-breakdown.js')).scenario,
  'method-not-allowed': async () => (await import('./method-not-allowed.js')).scenario,
  'operation-lock': async () => (await import('./operation-lock.js')).scenario,
  'rate-limit': async () => (await import('./rate-limit.js')).scenario,
  'rate-limit-redis': async () => (await import('./rate-limit-redis.js')).scenario,
  'rate-limit-redis-cluster': async () => (await import('./rate-limit-redis-cluster.js')).scenario,
  regression: async () => (await import('./regression.js')).scenario,
  'regression-lock': async () => (await import('./regression-lock.js')).scenario,
  'redis-batching': async () => (await import('./redis-batching.js')).scenario,
  refusals: async () => (await import('./refusals.js')).scenario,
  'refusals-redis': async () => (await import('./refusals-redis.js')).scenario,
};

/** What `npm run bench` runs without `--scenario`: the scenarios with targets, not the diagnostics. */
export const defaultScenarios: readonly string[] = [
  'error-path',
  'rate-limit',
  'rate-limit-redis',
  'rate-limit-redis-cluster',
  'method-not-allowed',
  'operation-lock',
];

export async function loadScenario(name: string): Promise<Scenario> {
  const load = scenarioLoaders[name];
  if (!load) {
    throw new Error(
      `Unknown scenario ${JSON.stringify(name)}; known: ${Object.keys(scenarioLoaders).join(', ')}`,
    );
  }
  const scenario = await load();
  if (scenario.name !== name)
    throw new Error(`Scenario module for ${name} names itself ${scenario.name}`);
  return scenario;
}
