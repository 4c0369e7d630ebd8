import { assertNever } from '../../../../shared/contract/result';
import type { FilterCondition, ReadQuery } from '../../../../shared/dataapi/ast';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { readableQuery } from './gridQuery';

/** A row's primary-key values by column, e.g. {id: 5}. */
export type RowKey = Readonly<Record<string, unknown>>;

/** One change waiting in the review; nothing reaches the database until it is applied. */
export type StagedEdit =
  | { readonly kind: 'update'; readonly id: string; readonly key: RowKey; readonly changes: Readonly<Record<string, unknown>> }
  | { readonly kind: 'insert'; readonly id: string; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'delete'; readonly id: string; readonly key: RowKey };

/** The Data API request an edit becomes, shown in the review exactly as it will be sent. */
export interface EditRequest {
  readonly editId: string;
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  /** Query string without `?`, percent-encoded for sending. */
  readonly rawQuery: string;
  /** The same query as people read it. */
  readonly readableQuery: string;
  readonly body?: string;
}

export function keyId(key: RowKey): string {
  return JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)));
}

/** The key of a row object, or null when the view lacks a key column (then it cannot be edited). */
export function rowKeyOf(row: Readonly<Record<string, unknown>>, primaryKey: readonly string[]): RowKey | null {
  if (primaryKey.length === 0) return null;
  const key: Record<string, unknown> = {};
  for (const column of primaryKey) {
    const value = row[column];
    if (value === undefined || value === null) return null;
    key[column] = value;
  }
  return key;
}

/** Stages a cell change; changing a cell back to its loaded value drops it from the edit. */
export function stageCell(edits: readonly StagedEdit[], key: RowKey, column: string, value: unknown, original: unknown): StagedEdit[] {
  const id = `update:${keyId(key)}`;
  const existing = edits.find((e) => e.id === id);
  const changes: Record<string, unknown> = { ...(existing?.kind === 'update' ? existing.changes : {}) };
  if (sameValue(value, original)) delete changes[column];
  else changes[column] = value;
  const others = edits.filter((e) => e.id !== id);
  if (Object.keys(changes).length === 0) return others;
  const edit: StagedEdit = { kind: 'update', id, key, changes };
  return existing ? edits.map((e) => (e.id === id ? edit : e)) : [...others, edit];
}

/** Deleting a row replaces any staged update of it. */
export function stageDelete(edits: readonly StagedEdit[], key: RowKey): StagedEdit[] {
  const k = keyId(key);
  return [...edits.filter((e) => e.id !== `update:${k}` && e.id !== `delete:${k}`), { kind: 'delete', id: `delete:${k}`, key }];
}

export function stageInsert(edits: readonly StagedEdit[], values: Readonly<Record<string, unknown>>, seq: number): StagedEdit[] {
  return [...edits, { kind: 'insert', id: `insert:${seq}`, values }];
}

export function unstage(edits: readonly StagedEdit[], id: string): StagedEdit[] {
  return edits.filter((e) => e.id !== id);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `id=eq.5&tenant=eq.2`: the row, and only the row, by its key. */
function keyQuery(key: RowKey): ReadQuery {
  const filters = Object.entries(key).map(([name, value]) => {
    const node: FilterCondition = { kind: 'condition', field: { name, json: [] }, negated: false, operator: 'eq', value: String(value) };
    return { path: [], node };
  });
  return { filters, order: [], paging: [] };
}

export function editRequest(edit: StagedEdit): EditRequest {
  switch (edit.kind) {
    case 'update': {
      const q = keyQuery(edit.key);
      return {
        editId: edit.id,
        method: 'PATCH',
        rawQuery: serializeQuery(q),
        readableQuery: readableQuery(q),
        body: JSON.stringify(edit.changes),
      };
    }
    case 'insert':
      return { editId: edit.id, method: 'POST', rawQuery: '', readableQuery: '', body: JSON.stringify(edit.values) };
    case 'delete': {
      const q = keyQuery(edit.key);
      return { editId: edit.id, method: 'DELETE', rawQuery: serializeQuery(q), readableQuery: readableQuery(q) };
    }
    default:
      return assertNever(edit, 'staged edit');
  }
}

/** The value a typed text becomes in the JSON body, by column type: JSON columns take JSON. */
export function valueFromText(text: string, type: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (type === 'json' || type === 'jsonb') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, message: `Not valid JSON for a ${type} column (strings need "quotes").` };
    }
  }
  // Everything else goes as text; Postgres casts it exactly as it would a literal.
  return { ok: true, value: text };
}

/** A write failure in words, from the engine's PostgREST error. */
export function writeErrorInWords(e: { code: string; message: string; details?: string | null }): string {
  const details = e.details ? ` ${e.details}` : '';
  switch (e.code) {
    case '23505':
      return `Another row already has this value, and it must be unique.${details}`;
    case '23503':
      return `It refers to a row that does not exist, or other rows still refer to it.${details}`;
    case '23502':
      return `A required column was left empty (NULL).${details}`;
    case '23514':
      return `A check constraint rejected the value.${details}`;
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return `A value is not valid for its column's type: ${e.message}.`;
    case '42501':
      return /row-level security/i.test(e.message)
        ? `The row-level security policy does not allow this row (its WITH CHECK failed): ${e.message}.`
        : `Permission denied: this identity may not make this change (${e.message}).`;
    default:
      return `${e.message}${details}`;
  }
}
