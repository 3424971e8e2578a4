import { defaultCatalog } from '../../src/index.js';

/** The problem body `errorHandler` sends for a catalog code, with the catalog's texts unless overridden. */
export function expectedProblem(
  code: number | `${number}.${number}`,
  instance: string,
  members: Record<string, unknown> = {},
): Record<string, unknown> {
  const entry = defaultCatalog.get(code)!;
  return {
    type: 'about:blank',
    title: defaultCatalog.get(entry.status)!.title,
    status: entry.status,
    detail: entry.description,
    instance,
    code: entry.name,
    ...(entry.subCode === undefined ? {} : { subCode: entry.subCode }),
    ...members,
  };
}
