import { describe, expect, it } from 'vitest';
import type { SqlCatalog } from '../../../../shared/contract/sql';
import { completionContext, completionsAt, quoteIdentifier } from './sqlCompletion';

const catalog: SqlCatalog = {
  relations: [
    {
      schema: 'public',
      name: 'clients',
      kind: 'r',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'text' },
      ],
    },
    {
      schema: 'public',
      name: 'projects',
      kind: 'r',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'client_id', type: 'integer' },
      ],
    },
    { schema: 'audit', name: 'log', kind: 'v', columns: [{ name: 'ça va', type: 'text' }] },
  ],
  functions: [{ schema: 'pg_catalog', name: 'now' }],
};

/** `|` marks the cursor. */
const at = (marked: string) => {
  const offset = marked.indexOf('|');
  return { text: marked.replace('|', ''), offset };
};
const labels = (marked: string) => {
  const { text, offset } = at(marked);
  return completionsAt(text, offset, catalog).map((e) => e.label);
};

describe('completionContext', () => {
  it.each([
    ['SELECT * FROM cl|', { kind: 'relation', schema: null }],
    ['SELECT * FROM |', { kind: 'relation', schema: null }],
    ['select * from clients c join pro|', { kind: 'relation', schema: null }],
    ['select * from clients, pro|', { kind: 'relation', schema: null }],
    ['insert into |', { kind: 'relation', schema: null }],
    ['update |', { kind: 'relation', schema: null }],
    ['select * from audit.|', { kind: 'relation', schema: 'audit' }],
    ['select c.| from clients c', { kind: 'column', relation: { schema: null, name: 'clients', alias: 'c' } }],
    [
      'select p.cl| from clients c join public.projects as p on p.client_id = c.id',
      { kind: 'column', relation: { schema: 'public', name: 'projects', alias: 'p' } },
    ],
    ['select clients.| from clients', { kind: 'column', relation: { schema: null, name: 'clients', alias: null } }],
    ['select 1; select x.| from clients "x"', { kind: 'column', relation: { schema: null, name: 'clients', alias: 'x' } }],
  ])('%s', (marked, ctx) => {
    const { text, offset } = at(marked);
    expect(completionContext(text, offset)).toEqual(ctx);
  });

  it('is general after WHERE, with the relations of the statement in scope', () => {
    const { text, offset } = at('select * from clients c where |; select * from projects');
    expect(completionContext(text, offset)).toEqual({ kind: 'general', inScope: [{ schema: null, name: 'clients', alias: 'c' }] });
  });

  it('ignores what is in strings and comments', () => {
    const { text, offset } = at("select 'from x' /* from */ -- from\n, |");
    expect(completionContext(text, offset).kind).toBe('general');
  });
});

describe('completionsAt', () => {
  it('offers relations, not columns, after FROM (Enter after `FROM cl` completes clients)', () => {
    expect(labels('SELECT * FROM cl|')).toEqual(['clients', 'projects', 'audit.log']);
  });
  it("offers the alias's columns after `alias.`", () => {
    expect(labels('select p.| from clients c join projects p on true')).toEqual(['id', 'client_id']);
  });
  it('offers the columns of the relations in the statement first, then keywords', () => {
    const out = labels('select | from clients');
    expect(out.slice(0, 3)).toEqual(['id', 'name', 'SELECT']);
    expect(out).not.toContain('client_id');
    expect(out).toContain('now');
  });
  it('quotes names that need it', () => {
    expect(labels('select l.| from audit.log l')).toEqual(['"ça va"']);
    expect(quoteIdentifier('Clients')).toBe('"Clients"');
    expect(quoteIdentifier('user')).toBe('"user"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
