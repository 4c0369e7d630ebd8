import type { CascadeEdit, CascadeTable } from '../../api/tableData';
import type { StagedEdit } from './stagedEdits';

/** The staged edits that can reach other rows: updates and deletes (a new row references, it is not referenced). */
export function cascadeEditsOf(edits: readonly StagedEdit[]): CascadeEdit[] {
  return edits.flatMap((e): CascadeEdit[] => {
    if (e.kind === 'update') return [{ kind: 'update', key: { ...e.key }, changes: { ...e.changes } } as CascadeEdit];
    if (e.kind === 'delete') return [{ kind: 'delete', key: { ...e.key } } as CascadeEdit];
    return [];
  });
}

/** `public.projects: 2 rows deleted`, one line per table; tables that lose rows first. */
export function cascadeLines(tables: readonly CascadeTable[]): string[] {
  const losing = tables.filter((t) => t.deleted > 0).sort((a, b) => b.deleted - a.deleted);
  const changing = tables.filter((t) => t.deleted === 0);
  return [...losing, ...changing].map((t) => {
    const parts = [
      t.deleted && rows(t.deleted, 'deleted'),
      t.inserted && rows(t.inserted, 'inserted'),
      t.updated && rows(t.updated, 'updated'),
    ].filter(Boolean);
    return `${t.schema}.${t.name}: ${parts.join(', ')}`;
  });
}

function rows(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'} ${what}`;
}
