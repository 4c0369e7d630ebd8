import { describe, expect, it } from 'vitest';
import { isValidId, suggestId, validateId } from './ids';

describe('isValidId', () => {
  it.each([
    ['a', true],
    ['production', true],
    ['my-branch-2', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['', false],
    ['1abc', false],
    ['-abc', false],
    ['abc-', false],
    ['Abc', false],
    ['ab_c', false],
    ['ab.c', false],
    ['ab c', false],
  ])('%j → %s', (id, valid) => {
    expect(isValidId(id)).toBe(valid);
  });
});

describe('validateId', () => {
  it('names the field and the value, in the server wording', () => {
    expect(validateId('database_id', 'Bad_Id')).toEqual({
      ok: false,
      message: "Field database_id must match pattern ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$, got 'Bad_Id'.",
    });
    expect(validateId('project_id', '')).toEqual({
      ok: false,
      message: `Field 'project_id' is required, expected non-default value (not "")!`,
    });
    expect(validateId('branch_id', 'dev')).toEqual({ ok: true });
  });
});

describe('suggestId', () => {
  it.each([
    ['My Project 2', 'my-project-2'],
    ['  dev  branch ', 'dev-branch'],
    ['2024 sales', 'sales'],
    ['Ünïcode', 'n-code'],
    ['123', undefined],
    ['x'.repeat(70), 'x'.repeat(63)],
    ['a' + '-'.repeat(70), 'a'],
  ])('%j → %j', (label, id) => {
    expect(suggestId(label)).toBe(id);
  });
});
