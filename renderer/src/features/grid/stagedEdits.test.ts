import { describe, expect, it } from 'vitest';
import {
  editRequest,
  rowKeyOf,
  stageCell,
  stageDelete,
  stageInsert,
  unstage,
  valueFromText,
  writeErrorInWords,
  type StagedEdit,
} from './stagedEdits';

describe('staging edits', () => {
  it('collects cell changes of one row into one PATCH by its key', () => {
    let edits: StagedEdit[] = [];
    edits = stageCell(edits, { id: 5 }, 'name', 'Acme Ltd', 'Acme Corp');
    edits = stageCell(edits, { id: 5 }, 'phone', null, '+1');
    expect(edits).toHaveLength(1);
    expect(editRequest(edits[0]!)).toEqual({
      editId: 'update:[["id",5]]',
      method: 'PATCH',
      rawQuery: 'id=eq.5',
      readableQuery: 'id=eq.5',
      body: '{"name":"Acme Ltd","phone":null}',
    });
  });

  it('changing a cell back to what was loaded undoes it', () => {
    let edits = stageCell([], { id: 5 }, 'name', 'x', 'Acme');
    edits = stageCell(edits, { id: 5 }, 'name', 'Acme', 'Acme');
    expect(edits).toEqual([]);
  });

  it('a delete replaces the row’s update; undo removes one staged change', () => {
    let edits = stageCell([], { id: 5 }, 'name', 'x', 'Acme');
    edits = stageInsert(edits, { name: 'New' }, 1);
    edits = stageDelete(edits, { id: 5 });
    expect(edits.map((e) => editRequest(e).method)).toEqual(['POST', 'DELETE']);
    expect(editRequest(edits[1]!).rawQuery).toBe('id=eq.5');
    expect(unstage(edits, 'insert:1').map((e) => e.kind)).toEqual(['delete']);
  });

  it('keys address exactly one row, with values that need escaping encoded', () => {
    const [edit] = stageDelete([], { tenant: 'a&b', id: 2 });
    expect(editRequest(edit!).rawQuery).toBe('tenant=eq.a%26b&id=eq.2');
    expect(rowKeyOf({ id: 1, name: 'x' }, ['id'])).toEqual({ id: 1 });
    expect(rowKeyOf({ name: 'x' }, ['id'])).toBeNull();
    expect(rowKeyOf({ id: 1 }, [])).toBeNull();
  });
});

describe('valueFromText', () => {
  it('parses JSON for json columns and keeps text for the rest', () => {
    expect(valueFromText('{"a":1}', 'jsonb')).toEqual({ ok: true, value: { a: 1 } });
    expect(valueFromText('plain', 'jsonb').ok).toBe(false);
    expect(valueFromText('42', 'integer')).toEqual({ ok: true, value: '42' });
    expect(valueFromText('', 'text')).toEqual({ ok: true, value: '' });
  });
});

describe('writeErrorInWords', () => {
  it.each([
    [
      {
        code: '23505',
        message: 'duplicate key value violates unique constraint "clients_email_key"',
        details: 'Key (email)=(a@b) already exists.',
      },
      /already has this value.*Key \(email\)/,
    ],
    [{ code: '23503', message: 'fk', details: null }, /refers to a row that does not exist/],
    [
      { code: '42501', message: 'new row violates row-level security policy for table "clients"' },
      /row-level security policy does not allow this row/,
    ],
    [{ code: '42501', message: 'permission denied for table clients' }, /Permission denied/],
    [{ code: 'PGRST204', message: "Could not find the 'x' column" }, /Could not find/],
  ])('%j', (error, words) => expect(writeErrorInWords(error)).toMatch(words));
});
