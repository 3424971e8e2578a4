import type { Catalog } from '../catalog/catalog.js';
import type { CatalogEntry } from '../catalog/catalog-entry.js';

/** One difference between two catalogs. */
export interface CatalogChange {
  /**
   * `removed`, `renumbered` (the name moved to another code of the same
   * status), `status-changed` (it moved to another status), `renamed` (the
   * code now has another name), `reused` (its name moved away and the code
   * now holds a new one): breaking. `added` and `edited` (title, description
   * or headers): not.
   */
  readonly kind:
    'removed' | 'renumbered' | 'status-changed' | 'renamed' | 'reused' | 'added' | 'edited';
  readonly breaking: boolean;
  /** The code the message starts with: in the new catalog for an addition or an edit, else in the old one. */
  readonly code: string;
  /** What changed, in a sentence. */
  readonly message: string;
}

/**
 * What changed from `before` to `after`. Codes are a contract: clients
 * branch on a status, a sub-code or its name, so a code that disappears,
 * moves, is renamed or is reused for another meaning breaks them; new codes
 * and new wording do not. Breaking changes first, then the others, each in
 * the catalog's order.
 */
export function diffCatalogs(before: Catalog, after: Catalog): CatalogChange[] {
  const changes: CatalogChange[] = [];
  for (const old of before.entries) {
    const code = codeOf(old);
    const sameCode = after.get(old.subCode ?? old.status);
    const sameName = after.byName(old.name);
    if (sameName !== undefined) {
      const now = codeOf(sameName);
      if (now !== code) {
        changes.push(
          sameName.status === old.status
            ? change('renumbered', code, `${code} ${old.name} is now ${now}`)
            : change(
                'status-changed',
                code,
                `${code} ${old.name} changed status: it is now ${now}`,
              ),
        );
      }
      const edited = editedFields(old, sameName);
      if (edited.length > 0) {
        changes.push(change('edited', now, `${now} ${old.name}: ${edited.join(', ')} changed`));
      }
      // The old meaning moved away and a new one took its code: the worst break of all, as a
      // client that branches on the code now takes the one for the other without a word. (A
      // name of the old catalog there has moved itself, and says so in its own line.)
      if (sameCode !== undefined && now !== code && !before.byName(sameCode.name)) {
        changes.push(
          change('reused', code, `${code} is reused: it was ${old.name}, is now ${sameCode.name}`),
        );
      }
    } else if (sameCode !== undefined) {
      changes.push(change('renamed', code, `${code} was ${old.name}, is now ${sameCode.name}`));
    } else {
      changes.push(change('removed', code, `${code} ${old.name} was removed`));
    }
  }
  for (const entry of after.entries) {
    if (before.get(entry.subCode ?? entry.status) === undefined && !before.byName(entry.name)) {
      changes.push(change('added', codeOf(entry), `${codeOf(entry)} ${entry.name} was added`));
    }
  }
  return [...changes.filter((each) => each.breaking), ...changes.filter((each) => !each.breaking)];
}

const BREAKING = new Set<CatalogChange['kind']>([
  'removed',
  'renumbered',
  'status-changed',
  'renamed',
  'reused',
]);

function change(kind: CatalogChange['kind'], code: string, message: string): CatalogChange {
  return { kind, breaking: BREAKING.has(kind), code, message };
}

function codeOf(entry: CatalogEntry): string {
  return entry.subCode ?? String(entry.status);
}

function editedFields(before: CatalogEntry, after: CatalogEntry): string[] {
  const fields: string[] = [];
  if (before.title !== after.title) fields.push('title');
  if (before.description !== after.description) fields.push('description');
  if ((before.headers ?? []).join() !== (after.headers ?? []).join()) fields.push('headers');
  return fields;
}
