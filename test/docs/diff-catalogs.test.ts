import { defineCatalog, diffCatalogs, type CatalogEntry } from '../../src/index.js';

const base: CatalogEntry[] = [
  { status: 404, name: 'NOT_FOUND', title: 'Not Found', description: 'Nothing here.' },
  {
    status: 404,
    subCode: '404.1',
    name: 'USER_NOT_FOUND',
    title: 'User not found',
    description: 'No user.',
  },
  { status: 410, name: 'GONE', title: 'Gone', description: 'Gone for good.' },
];

describe('diffCatalogs', () => {
  it('finds nothing between a catalog and itself', () => {
    expect(diffCatalogs(defineCatalog(base), defineCatalog(base))).toEqual([]);
  });

  it('calls a code whose name moved to another code of its status renumbered', () => {
    const after = defineCatalog([base[0]!, { ...base[1]!, subCode: '404.2' }, base[2]!]);
    expect(diffCatalogs(defineCatalog(base), after)).toEqual([
      {
        kind: 'renumbered',
        breaking: true,
        code: '404.1',
        message: '404.1 USER_NOT_FOUND is now 404.2',
      },
    ]);
  });

  it('calls a code whose name moved to another status status-changed', () => {
    const after = defineCatalog([
      base[0]!,
      base[2]!,
      { ...base[1]!, status: 410, subCode: '410.1' },
    ]);
    expect(diffCatalogs(defineCatalog(base), after)).toEqual([
      {
        kind: 'status-changed',
        breaking: true,
        code: '404.1',
        message: '404.1 USER_NOT_FOUND changed status: it is now 410.1',
      },
    ]);
  });

  it('calls a code with another name renamed: clients branch on `code` too', () => {
    const after = defineCatalog([base[0]!, { ...base[1]!, name: 'ACCOUNT_NOT_FOUND' }, base[2]!]);
    expect(diffCatalogs(defineCatalog(base), after)).toEqual([
      {
        kind: 'renamed',
        breaking: true,
        code: '404.1',
        message: '404.1 was USER_NOT_FOUND, is now ACCOUNT_NOT_FOUND',
      },
    ]);
  });

  it('calls a code reused when its name moved away and a new name took it: clients branching on it would misread it', () => {
    const after = defineCatalog([
      base[0]!,
      { ...base[1]!, name: 'ORDER_NOT_FOUND', title: 'Order not found' },
      { ...base[1]!, subCode: '404.2' },
      base[2]!,
    ]);
    expect(diffCatalogs(defineCatalog(base), after)).toEqual([
      {
        kind: 'renumbered',
        breaking: true,
        code: '404.1',
        message: '404.1 USER_NOT_FOUND is now 404.2',
      },
      {
        kind: 'reused',
        breaking: true,
        code: '404.1',
        message: '404.1 is reused: it was USER_NOT_FOUND, is now ORDER_NOT_FOUND',
      },
    ]);
  });

  it('reports the new wording of a code that also moved, at its new code', () => {
    const after = defineCatalog([
      base[0]!,
      { ...base[1]!, subCode: '404.2', description: 'No user has this id.' },
      base[2]!,
    ]);
    expect(diffCatalogs(defineCatalog(base), after)).toEqual([
      {
        kind: 'renumbered',
        breaking: true,
        code: '404.1',
        message: '404.1 USER_NOT_FOUND is now 404.2',
      },
      {
        kind: 'edited',
        breaking: false,
        code: '404.2',
        message: '404.2 USER_NOT_FOUND: description changed',
      },
    ]);
  });

  it('lists breaking changes before the others, each in catalog order', () => {
    const after = defineCatalog([
      { ...base[0]!, description: 'Nothing at this URL.' },
      base[1]!,
      { status: 409, name: 'CONFLICT', title: 'Conflict', description: 'It clashes.' },
    ]);
    expect(diffCatalogs(defineCatalog(base), after).map((change) => change.message)).toEqual([
      '410 GONE was removed',
      '404 NOT_FOUND: description changed',
      '409 CONFLICT was added',
    ]);
  });
});
