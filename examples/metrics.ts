import { subscribe } from 'node:diagnostics_channel';
import { Counter, type Registry } from 'prom-client';
import {
  CHANNEL_NAMES,
  type ErrorMessage,
  type RateLimitMessage,
  type StoreMessage,
} from '../src/index.js';

/** Prometheus counters of what the library decides, fed by its diagnostics channels. */
export function countDecisions(registry: Registry): void {
  const errors = new Counter({
    name: 'api_errors_total',
    help: 'Error responses, by status, catalog code and whether they were refusals.',
    labelNames: ['status', 'code', 'refusal'],
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'rate_limit_decisions_total',
    help: 'Rate-limit decisions, by outcome and policy.',
    labelNames: ['outcome', 'policy'],
    registers: [registry],
  });
  const outages = new Counter({
    name: 'rate_limit_store_outages_total',
    help: 'Times a rate-limit store became unavailable.',
    labelNames: ['store'],
    registers: [registry],
  });
  subscribe(CHANNEL_NAMES.error, (message) => {
    const { status, code, refusal } = message as ErrorMessage;
    errors.inc({ status, code, refusal: String(refusal) });
  });
  subscribe(CHANNEL_NAMES.rateLimit, (message) => {
    const { outcome, policy } = message as RateLimitMessage;
    decisions.inc({ outcome, policy });
  });
  subscribe(CHANNEL_NAMES.store, (message) => {
    const { state, store } = message as StoreMessage;
    if (state === 'unavailable') outages.inc({ store });
  });
}
