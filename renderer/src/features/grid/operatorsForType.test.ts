import { describe, expect, it } from 'vitest';
import { OPERATOR_NAMES } from '../../../../shared/dataapi/operators';
import { operatorsForType } from './operatorsForType';

describe('operatorsForType', () => {
  it.each([
    ['integer', ['gte', 'in', 'is'], ['like', 'cs']],
    ['text', ['ilike', 'match', 'fts'], ['cs', 'adj']],
    ['jsonb', ['cs', 'cd'], ['like', 'gt']],
    ['text[]', ['cs', 'ov'], ['like']],
    ['int4range', ['sl', 'adj', 'ov'], ['like']],
    ['tsvector', ['wfts'], ['gt']],
    ['timestamp with time zone', ['lt', 'isdistinct'], ['ilike']],
  ])('%s offers %j, not %j', (type, offered, not) => {
    const ops = operatorsForType(type);
    for (const op of offered) expect(ops).toContain(op);
    for (const op of not) expect(ops).not.toContain(op);
  });

  it('every operator the engine supports is offered for some type', () => {
    const types = ['integer', 'text', 'jsonb', 'text[]', 'int4range', 'tsvector', 'boolean'];
    const offered = new Set(types.flatMap((t) => operatorsForType(t)));
    expect(OPERATOR_NAMES.filter((op) => !offered.has(op))).toEqual([]);
  });
});
