import { assertFieldValue } from './field-value.js';
import { describeValue } from '../options/describe-value.js';

/**
 * Formats `X-Global-Identifier`: the global identifier of a created resource,
 * as one vendor's response-codes page documents beside `Location` on a 201.
 */
export function formatGlobalIdentifier(globalId: unknown): string {
  if (typeof globalId !== 'string' || globalId.length === 0) {
    throw new TypeError(`\`globalId\` must be a non-empty string, got ${describeValue(globalId)}`);
  }
  return assertFieldValue(globalId, '`globalId`');
}
