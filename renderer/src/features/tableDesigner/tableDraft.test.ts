import { describe, expect, it } from 'vitest';
import type { TableDesign } from '../../../../shared/contract/tables';
import { constraintText, draftFromDesign, draftProblems, draftToChange, newColumn, newTableDraft, type TableDraft } from './tableDraft';

const int4 = { schema: 'pg_catalog', name: 'int4', modifiers: [], array: false };
const text = { schema: 'pg_catalog', name: 'text', modifiers: [], array: false };
const DESIGN: TableDesign = {
  schema: 'public',
  table: 'items',
  owner: 'postgres',
  comment: null,
  rlsEnabled: false,
  columns: [
    { name: 'id', type: 'integer', typeRef: int4, notNull: true, default: null, identity: 'byDefault', generated: null, comment: null },
    { name: 'code', type: 'text', typeRef: text, notNull: false, default: "'x'::text", identity: 'none', generated: null, comment: null },
    { name: 'qty', type: 'text', typeRef: text, notNull: false, default: null, identity: 'none', generated: null, comment: null },
  ],
  constraints: [
    { kind: 'primaryKey', name: 'items_pkey', columns: ['id'] },
    { kind: 'check', name: 'code_len', expression: '(length(code) < 10)' },
  ],
  indexes: [
    {
      name: 'items_pkey',
      definition: 'CREATE UNIQUE INDEX items_pkey ON public.items USING btree (id)',
      unique: true,
      method: 'btree',
      columns: ['id'],
      constraint: 'items_pkey',
    },
  ],
};

const edit = (draft: TableDraft, column: string, patch: Partial<TableDraft['columns'][number]>): TableDraft => ({
  ...draft,
  columns: draft.columns.map((c) => (c.original?.name === column || c.name === column ? { ...c, ...patch } : c)),
});

describe('draftToChange', () => {
  it('a new table: the ticked primary key and unique columns become constraints', () => {
    const draft: TableDraft = {
      ...newTableDraft(),
      name: ' notes ',
      columns: [...newTableDraft().columns, { ...newColumn('slug'), unique: true, comment: ' the url ' }],
    };
    expect(draftToChange('public', draft)).toEqual({
      kind: 'create',
      schema: 'public',
      table: {
        name: 'notes',
        comment: null,
        rlsEnabled: false,
        columns: [
          { name: 'id', type: { ...int4, name: 'int8' }, notNull: true, default: null, identity: 'byDefault', comment: null },
          { name: 'created_at', type: { ...int4, name: 'timestamptz' }, notNull: true, default: 'now()', identity: 'none', comment: null },
          { name: 'slug', type: text, notNull: false, default: null, identity: 'none', comment: 'the url' },
        ],
        constraints: [
          { kind: 'primaryKey', columns: ['id'] },
          { kind: 'unique', columns: ['slug'] },
        ],
        indexes: [],
      },
    });
  });

  it('an untouched table is no change', () => {
    expect(draftToChange('public', draftFromDesign(DESIGN))).toBeNull();
  });

  it('renames stay renames, and steps come in an order that cannot trip over itself', () => {
    let draft = draftFromDesign(DESIGN);
    draft = edit(draft, 'code', { name: 'sku', default: '' });
    draft = edit(draft, 'qty', { type: int4, using: 'qty::integer', notNull: true });
    draft = { ...draft, name: 'stock', columns: [...draft.columns, newColumn('note')] };
    draft = {
      ...draft,
      constraints: draft.constraints.map((c) => (c.kind === 'existing' && c.original.name === 'code_len' ? { ...c, dropped: true } : c)),
    };
    expect(draftToChange('public', draft)).toEqual({
      kind: 'alter',
      schema: 'public',
      table: 'items',
      steps: [
        { kind: 'renameTable', to: 'stock' },
        { kind: 'dropConstraint', name: 'code_len', cascade: false },
        { kind: 'renameColumn', column: 'code', to: 'sku' },
        { kind: 'setDefault', column: 'sku', default: null },
        { kind: 'setType', column: 'qty', type: int4, using: 'qty::integer' },
        { kind: 'setNotNull', column: 'qty', notNull: true },
        { kind: 'addColumn', column: { name: 'note', type: text, notNull: false, default: null, identity: 'none', comment: null } },
      ],
    });
  });

  it('a dropped column is dropped (with CASCADE only when ticked), whatever else was edited on it', () => {
    const draft = edit(draftFromDesign(DESIGN), 'qty', { name: 'renamed', dropped: true, cascade: true });
    expect(draftToChange('public', draft)).toEqual({
      kind: 'alter',
      schema: 'public',
      table: 'items',
      steps: [{ kind: 'dropColumn', column: 'qty', cascade: true }],
    });
  });
});

describe('draftProblems', () => {
  it.each([
    [{ name: '' }, 'The table needs a name.'],
    [{ columns: [] }, 'A table needs at least one column.'],
    [{ columns: [newColumn('')] }, 'Every column needs a name.'],
    [{ columns: [newColumn('a'), newColumn('a')] }, 'Column a appears twice.'],
  ])('%j → %s', (patch, problem) => {
    expect(draftProblems({ ...newTableDraft(), name: 't', ...patch })).toContain(problem);
  });
});

describe('constraintText', () => {
  it('reads like SQL, without doubling the catalog’s parentheses', () => {
    expect(constraintText({ kind: 'check', name: 'c', expression: '(price > 0)' })).toBe('CHECK (price > 0)');
    expect(constraintText({ kind: 'check', expression: 'price > 0' })).toBe('CHECK (price > 0)');
    expect(
      constraintText({
        kind: 'foreignKey',
        columns: ['client_id'],
        refSchema: 'public',
        refTable: 'clients',
        refColumns: ['id'],
        onDelete: 'CASCADE',
      }),
    ).toBe('(client_id) → public.clients (id) ON DELETE CASCADE');
  });
});
