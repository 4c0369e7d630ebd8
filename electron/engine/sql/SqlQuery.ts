/** SQL text with its `$n` parameters: the only form in which SQL leaves the sql/ stage. */
export interface SqlFragment {
  readonly text: string;
  readonly values: readonly unknown[];
}

export interface SqlQuery {
  /** One statement returning one row: total_result_set, page_total, body. */
  readonly main: SqlFragment;
  /** `EXPLAIN (FORMAT JSON)` of the unpaged result, for planned/estimated counts. */
  readonly explain?: SqlFragment;
}
