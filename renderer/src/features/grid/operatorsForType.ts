import type { OperatorName } from '../../../../shared/dataapi/operators';
import { typeCategory } from './cellFormat';

const COMPARE: readonly OperatorName[] = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'is', 'isdistinct'];
const TEXT: readonly OperatorName[] = [...COMPARE, 'like', 'ilike', 'match', 'imatch', 'fts', 'plfts', 'phfts', 'wfts'];
const RANGE: readonly OperatorName[] = ['eq', 'neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj', 'is', 'isdistinct'];
const ARRAY: readonly OperatorName[] = ['eq', 'neq', 'cs', 'cd', 'ov', 'is', 'isdistinct'];
const JSON_OPS: readonly OperatorName[] = ['eq', 'neq', 'cs', 'cd', 'is', 'isdistinct'];
const BOOLEAN: readonly OperatorName[] = ['eq', 'neq', 'is', 'isdistinct', 'in'];
const TSVECTOR: readonly OperatorName[] = ['fts', 'plfts', 'phfts', 'wfts', 'is'];

/**
 * The operators worth offering for a column of this Postgres type (format_type spelling).
 * Every operator the engine supports is offered for some type; unknown types get them all.
 */
export function operatorsForType(type: string): readonly OperatorName[] {
  if (/range$|multirange$/.test(type)) return RANGE;
  if (type === 'tsvector') return TSVECTOR;
  switch (typeCategory(type)) {
    case 'number':
    case 'time':
      return COMPARE;
    case 'boolean':
      return BOOLEAN;
    case 'json':
      return JSON_OPS;
    case 'array':
      return ARRAY;
    case 'text':
      return TEXT;
  }
}

/** Words for the operator menu: what a person would call each. */
export const OPERATOR_LABELS: Readonly<Record<OperatorName, string>> = {
  eq: '= equals',
  neq: '≠ not equal',
  gt: '> greater than',
  gte: '≥ at least',
  lt: '< less than',
  lte: '≤ at most',
  like: 'like (* wildcard)',
  ilike: 'ilike (any case)',
  match: '~ regex',
  imatch: '~* regex, any case',
  in: 'in list',
  is: 'is',
  isdistinct: 'is distinct from',
  fts: 'full text (tsquery)',
  plfts: 'full text (plain)',
  phfts: 'full text (phrase)',
  wfts: 'full text (websearch)',
  cs: '@> contains',
  cd: '<@ contained in',
  ov: '&& overlaps',
  sl: '<< left of',
  sr: '>> right of',
  nxr: '&< not right of',
  nxl: '&> not left of',
  adj: '-|- adjacent',
};
