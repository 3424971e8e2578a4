import { describeValue } from '../options/describe-value.js';

/**
 * Formats the `Content-Range` of a 416 (RFC 9110 §14.4): the unsatisfied-range
 * form, `bytes`, a space, `*`, `/` and the complete length (e.g. `bytes` `*`
 * `/1234`), which states the current length of the representation and
 * describes no content.
 */
export function formatUnsatisfiedRange(completeLength: number): string {
  if (typeof completeLength !== 'number') {
    throw new TypeError(
      `\`completeLength\` must be a number of bytes, got ${describeValue(completeLength)}`,
    );
  }
  // complete-length = 1*DIGIT: beyond MAX_SAFE_INTEGER String() could write exponent notation.
  if (!Number.isSafeInteger(completeLength) || completeLength < 0) {
    throw new RangeError(
      `\`completeLength\` must be a whole number of bytes from 0 to ${Number.MAX_SAFE_INTEGER}, got ${describeValue(completeLength)}`,
    );
  }
  return `bytes */${completeLength}`;
}
