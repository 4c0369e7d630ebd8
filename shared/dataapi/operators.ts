/**
 * The closed table of PostgREST filter operators: name, SQL operator, and the shape of value
 * it takes. The engine builds SQL only from this table, never from the operator text.
 */
export const OPERATORS = {
  eq: { sql: '=', shape: 'scalar', quantifiable: true },
  neq: { sql: '<>', shape: 'scalar', quantifiable: false },
  gt: { sql: '>', shape: 'scalar', quantifiable: true },
  gte: { sql: '>=', shape: 'scalar', quantifiable: true },
  lt: { sql: '<', shape: 'scalar', quantifiable: true },
  lte: { sql: '<=', shape: 'scalar', quantifiable: true },
  like: { sql: 'LIKE', shape: 'pattern', quantifiable: true },
  ilike: { sql: 'ILIKE', shape: 'pattern', quantifiable: true },
  match: { sql: '~', shape: 'scalar', quantifiable: true },
  imatch: { sql: '~*', shape: 'scalar', quantifiable: true },
  in: { sql: '= ANY', shape: 'list', quantifiable: false },
  is: { sql: 'IS', shape: 'is', quantifiable: false },
  isdistinct: { sql: 'IS DISTINCT FROM', shape: 'scalar', quantifiable: false },
  fts: { sql: 'to_tsquery', shape: 'fts', quantifiable: false },
  plfts: { sql: 'plainto_tsquery', shape: 'fts', quantifiable: false },
  phfts: { sql: 'phraseto_tsquery', shape: 'fts', quantifiable: false },
  wfts: { sql: 'websearch_to_tsquery', shape: 'fts', quantifiable: false },
  cs: { sql: '@>', shape: 'scalar', quantifiable: false },
  cd: { sql: '<@', shape: 'scalar', quantifiable: false },
  ov: { sql: '&&', shape: 'scalar', quantifiable: false },
  sl: { sql: '<<', shape: 'scalar', quantifiable: false },
  sr: { sql: '>>', shape: 'scalar', quantifiable: false },
  nxr: { sql: '&<', shape: 'scalar', quantifiable: false },
  nxl: { sql: '&>', shape: 'scalar', quantifiable: false },
  adj: { sql: '-|-', shape: 'scalar', quantifiable: false },
} as const satisfies Record<string, OperatorSpec>;

export interface OperatorSpec {
  /** SQL operator or function name, used verbatim by the engine's SQL stage. */
  readonly sql: string;
  /**
   * scalar: one value; pattern: one value where `*` means `%`; list: `(a,b)`;
   * is: a keyword from IS_VALUES; fts: a query with an optional `(language)`.
   */
  readonly shape: 'scalar' | 'pattern' | 'list' | 'is' | 'fts';
  /** Takes `(any)` / `(all)` with a `{a,b}` array value. */
  readonly quantifiable: boolean;
}

export type OperatorName = keyof typeof OPERATORS;

export const OPERATOR_NAMES = Object.keys(OPERATORS) as OperatorName[];

export function isOperatorName(name: string): name is OperatorName {
  return Object.prototype.hasOwnProperty.call(OPERATORS, name);
}

export function operatorSpec(name: OperatorName): OperatorSpec {
  return OPERATORS[name];
}
