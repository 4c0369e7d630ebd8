/**
 * The Data API query model: what a PostgREST read query string says, as data. The renderer's
 * query builder edits it, the URL codec turns it into PostgREST syntax and back, and the
 * engine plans it against the schema cache. Names here are unchecked: checking is the engine's.
 */
import type { OperatorName } from './operators';

/** One `->` / `->>` step of a JSON path; digits-only keys index arrays. */
export interface JsonStep {
  readonly arrow: '->' | '->>';
  readonly key: string;
}

/** A column, optionally followed by a JSON path (`data->a->>b`). */
export interface FieldRef {
  readonly name: string;
  readonly json: readonly JsonStep[];
}

export const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateName = (typeof AGGREGATES)[number];

export type EmbedJoin = 'inner' | 'left';

export type SelectItem =
  | { readonly kind: 'star' }
  | {
      readonly kind: 'field';
      readonly field: FieldRef;
      readonly alias?: string;
      /** `col::type`, applied before any aggregate. */
      readonly cast?: string;
      /** `col.sum()` */
      readonly aggregate?: AggregateName;
      /** `col.sum()::type`, applied to the aggregate's result. */
      readonly aggregateCast?: string;
    }
  /** `count()` over the whole (grouped) result. */
  | { readonly kind: 'count'; readonly alias?: string; readonly cast?: string }
  | {
      readonly kind: 'embed';
      /** Table, view or foreign-key name the embed goes through. */
      readonly relation: string;
      readonly alias?: string;
      /** `rel!hint`: foreign key name or column that disambiguates. */
      readonly hint?: string;
      readonly join?: EmbedJoin;
      /** `...rel(cols)`: the embedded columns are lifted into the parent. */
      readonly spread: boolean;
      readonly select: readonly SelectItem[];
    };

export type Quantifier = 'any' | 'all';
export type IsValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown';
export const IS_VALUES: readonly IsValue[] = ['null', 'not_null', 'true', 'false', 'unknown'];

/**
 * One condition on one field. `value` is a list for `in`, otherwise the text after the
 * operator (for quantified operators, a Postgres array literal such as `{a,b}`).
 */
export interface FilterCondition {
  readonly kind: 'condition';
  readonly field: FieldRef;
  readonly negated: boolean;
  readonly operator: OperatorName;
  readonly quantifier?: Quantifier;
  /** Text-search configuration for fts/plfts/phfts/wfts, e.g. `english`. */
  readonly language?: string;
  readonly value: string | readonly string[];
}

/** `and=(…)` / `or=(…)`, possibly negated and nested. */
export interface FilterGroup {
  readonly kind: 'and' | 'or';
  readonly negated: boolean;
  readonly children: readonly FilterNode[];
}

export type FilterNode = FilterCondition | FilterGroup;

export interface OrderTerm {
  /** Set when ordering by a column of an embedded to-one resource: `order=client(name)`. */
  readonly relation?: string;
  readonly field: FieldRef;
  readonly direction?: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

/** Where a filter, order or page applies: [] is the top level, ['projects'] an embed. */
export type EmbedPath = readonly string[];

export interface ReadQuery {
  /** Absent means `*`. */
  readonly select?: readonly SelectItem[];
  /** Conditions in the order they appear; all of them must hold (AND). */
  readonly filters: readonly { readonly path: EmbedPath; readonly node: FilterNode }[];
  readonly order: readonly { readonly path: EmbedPath; readonly terms: readonly OrderTerm[] }[];
  readonly paging: readonly { readonly path: EmbedPath; readonly limit?: number; readonly offset?: number }[];
  /**
   * Arguments of a function read (GET/HEAD /rpc/fn): parameters whose value is no operator
   * expression, kept as written. Only `parseQuery(…, 'functionRead')` makes them; for a table
   * such a parameter is a syntax error, as PostgREST has it.
   */
  readonly params?: readonly (readonly [string, string])[];
}

export const emptyReadQuery: ReadQuery = { filters: [], order: [], paging: [] };

/** Query-string keys that are not filters (a column by such a name must be quoted). */
export const RESERVED_KEYS = ['select', 'order', 'limit', 'offset', 'or', 'and', 'not', 'columns', 'on_conflict'] as const;
