// Bounds on what the handler logs, so that a line never grows with what was
// thrown or requested. Lengths are in UTF-16 code units; a longer text is
// cut and ends in `…`.

/** Longest free text: an error's message, the logged URL, why the handler failed. */
export const MAX_TEXT = 2000;

/** Longest short text: an error's name and code, the method, a member's name. */
export const MAX_NAME = 200;

/** Longest stack of one error, once its first line holds the cut message. */
export const MAX_STACK = 4000;

/** Causes followed below the logged error. */
export const MAX_CAUSE_DEPTH = 3;

/** Dropped members named in a line; more are counted in a last entry. */
export const MAX_LISTED = 10;

/**
 * The longest line the handler writes, from the bounds above: the logged
 * error and its 3 causes (pino joins their messages, 4 × 2,000, and their
 * stacks, 4 × 4,000), the URL twice (`url` and `msg`), a handler failure,
 * 10 member names, names, codes and pino's own fields come to under 34,000.
 * JSON escaping can make control characters up to six times longer.
 */
export const MAX_LOG_LINE = 40_000;

/** `text`, cut to `max` with a trailing `…` if longer. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
