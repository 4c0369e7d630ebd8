/**
 * What the engine will do, with every name resolved against the schema cache. Only plans
 * reach the SQL stage, so every identifier in SQL comes from a Relation or Column here.
 */
import type { AggregateName, JsonStep, Quantifier } from '../../../shared/dataapi/ast';
import type { OperatorName } from '../../../shared/dataapi/operators';
import type { CountPreference, MediaType } from '../request/ApiRequest';
import type { Column, Relation, Relationship } from '../schema-cache/SchemaCache';
import type { SqlType } from './sqlTypes';

export interface ColumnExpr {
  readonly column: Column;
  readonly json: readonly JsonStep[];
}

export type PlannedItem =
  | (ColumnExpr & {
      readonly kind: 'column';
      /** The key in the response object. */
      readonly name: string;
      readonly cast?: SqlType;
      readonly aggregate?: AggregateName;
      readonly aggregateCast?: SqlType;
    })
  | { readonly kind: 'count'; readonly name: string; readonly cast?: SqlType }
  | { readonly kind: 'embed'; readonly embed: PlannedEmbed };

export interface PlannedEmbed {
  /** The key in the response object (alias or relation name). */
  readonly name: string;
  readonly spread: boolean;
  readonly join: 'inner' | 'left';
  readonly relationship: Relationship;
  readonly node: ReadNode;
  /** SQL alias of the lateral subquery. */
  readonly lateral: string;
}

export type PlannedFilter =
  | (ColumnExpr & {
      readonly kind: 'condition';
      readonly negated: boolean;
      readonly operator: OperatorName;
      readonly quantifier?: Quantifier;
      readonly language?: string;
      readonly value: string | readonly string[];
    })
  | { readonly kind: 'group'; readonly op: 'and' | 'or'; readonly negated: boolean; readonly children: readonly PlannedFilter[] }
  /** `rel=is.null` / `rel=not.is.null`: parents without / with embedded rows. */
  | { readonly kind: 'embedPresence'; readonly embed: PlannedEmbed; readonly present: boolean };

export type PlannedOrder = ColumnExpr & {
  /** Set when ordering by a column of an embedded to-one resource. */
  readonly via?: PlannedEmbed;
  readonly direction?: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
};

export interface ReadNode {
  readonly relation: Relation;
  /** SQL alias of the relation in its FROM clause. */
  readonly alias: string;
  readonly items: readonly PlannedItem[];
  readonly where: readonly PlannedFilter[];
  readonly order: readonly PlannedOrder[];
  readonly limit?: number;
  readonly offset?: number;
  /** Aggregates present: the other selected columns are the grouping. */
  readonly grouped: boolean;
}

export interface ReadPlan {
  readonly kind: 'read';
  readonly root: ReadNode;
  readonly headOnly: boolean;
  readonly media: MediaType;
  readonly count?: CountPreference;
  /** `timezone` for the transaction, when the client asked for a known one. */
  readonly timezone?: string;
  /** The Preference-Applied header's values, in PostgREST's order. */
  readonly preferencesApplied: readonly string[];
  /** The top-level window after Range, limit/offset and max rows are combined. */
  readonly offset: number;
  readonly limit?: number;
  /** Below this many rows an estimated count is exact. */
  readonly estimateThreshold: number;
}

/** Closed union: writes and calls join it in a later issue. */
export type ActionPlan = ReadPlan;
