import { defaultCatalog } from '../../src/index.js';

/** Where the example's problem types point: its page of response codes (see `publicUrl`). */
export const EXAMPLE_TYPE_BASE_URI = 'http://localhost:3000/docs/errors';

/**
 * The problem body the example's `errorHandler` sends for a catalog code,
 * with the catalog's texts unless overridden: its type is the code's anchor
 * on the example's page, and its title the entry's.
 */
export function expectedProblem(
  code: number | `${number}.${number}`,
  instance: string,
  members: Record<string, unknown> = {},
): Record<string, unknown> {
  const entry = defaultCatalog.get(code)!;
  return {
    type: `${EXAMPLE_TYPE_BASE_URI}#${code}`,
    title: entry.title,
    status: entry.status,
    detail: entry.description,
    instance,
    code: entry.name,
    ...(entry.subCode === undefined ? {} : { subCode: entry.subCode }),
    ...members,
  };
}
