import type { ProblemDetails } from './problem.js';

/** The JSON text of a problem, and the members that had to be left out of it. */
export interface SerializedProblem {
  readonly body: string;
  /** The names of the members JSON could not represent, in order; usually none. */
  readonly dropped: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * The problem as JSON (RFC 9457 §3). A member JSON cannot represent (a
 * BigInt, a circular value, a `toJSON` or a getter that throws, one nested
 * too deep) is left out, alone, and named in `dropped`: the client still gets
 * the answer its error called for. Never throws.
 */
export function serializeProblem(problem: ProblemDetails): SerializedProblem {
  try {
    return { body: JSON.stringify(problem), dropped: NONE };
  } catch {
    // Some member cannot be written: find which, one by one.
  }
  const members: string[] = [];
  const dropped: string[] = [];
  for (const name of Object.keys(problem)) {
    try {
      // Inside an object, so that toJSON(key) gets the member's name, as it would have.
      const member = JSON.stringify({ [name]: problem[name] }).slice(1, -1);
      if (member !== '') members.push(member);
    } catch {
      dropped.push(name);
    }
  }
  return { body: `{${members.join(',')}}`, dropped };
}
