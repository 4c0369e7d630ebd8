/**
 * What the engine will do, with every name resolved against the schema cache. Only plans
 * reach the SQL stage, so every identifier in SQL comes from a Relation or Column here.
 */
import type { AggregateName, JsonStep, Quantifier } from '../../../shared/dataapi/ast';
import type { OperatorName } from '../../../shared/dataapi/operators';
import type { CountPreference, MediaType, Mutation } from '../request/ApiRequest';
import type { Column, EmbedRelationship, MediaHandler, QualifiedName, Relation, Routine, SchemaCache } from '../schema-cache/SchemaCache';
import type { SqlType } from './sqlTypes';

/**
 * The representation a plan answers with: a built-in one, or one a media type handler in the
 * database produces (PostgREST's handlers; GeoJSON when PostGIS is there).
 */
export type PlanMedia =
  | Exclude<MediaType, { readonly kind: 'unmatched' }>
  | { readonly kind: 'custom'; readonly type: string; readonly handler: MediaHandler; readonly binary: boolean };

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
      /** A data representation's function the value goes through first (domain → json or text). */
      readonly transform?: QualifiedName;
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
  readonly relationship: EmbedRelationship;
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
      /** A data representation's function that reads the filter's text value (text → domain). */
      readonly parse?: QualifiedName;
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
  /** The schema, echoed as Content-Profile, when the client picked it by profile (or several are exposed). */
  readonly contentProfile?: string;
  readonly root: ReadNode;
  readonly headOnly: boolean;
  readonly media: PlanMedia;
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

/** What the transaction does once the statement ran: PostgREST's dry runs and checks. */
export interface TxPlan {
  /** `Prefer: tx=rollback`: run everything, answer as usual, keep nothing. */
  readonly rollback: boolean;
  /** `Prefer: max-affected=N` with handling=strict: more affected rows → PGRST124, rolled back. */
  readonly maxAffected?: number;
}

export interface MutatePlan {
  readonly kind: 'mutate';
  /** The schema, echoed as Content-Profile, when the client picked it by profile (or several are exposed). */
  readonly contentProfile?: string;
  readonly mutation: Mutation;
  readonly relation: Relation;
  /** The payload's columns, each checked against the relation (insert columns / SET list). */
  readonly columns: readonly Column[];
  /** The payload as JSON text: an array of objects for inserts, one object for updates. */
  readonly payload: string;
  /** Columns whose JSON values go through a data representation's function (json → domain), by name. */
  readonly parsers: ReadonlyMap<string, QualifiedName>;
  /** `Prefer: missing=default`: keys a row leaves out take the column default, not NULL. */
  readonly missingDefault: boolean;
  /** Which rows an update/delete touches; planned against `target` alias. */
  readonly target: ReadNode;
  /** Update/delete `limit`/`offset` (applied through the key order the client gave). */
  readonly limit?: number;
  readonly offset?: number;
  readonly onConflict?: { readonly columns: readonly Column[]; readonly resolution: 'merge' | 'ignore' };
  /** The shape of returned rows (select, embeds) when the client asked for a representation. */
  readonly returning?: ReadNode;
  readonly return: 'minimal' | 'headers-only' | 'representation';
  readonly media: PlanMedia;
  /** Primary-key columns for the Location header of an insert with return=headers-only; empty otherwise. */
  readonly location: readonly Column[];
  readonly count?: CountPreference;
  readonly tx: TxPlan;
  readonly timezone?: string;
  readonly preferencesApplied: readonly string[];
}

/** One argument of a call: the parameter it binds (read from the JSON arguments object by name). */
export interface CallArgument {
  readonly name: string;
  readonly type: string;
  readonly variadic: boolean;
}

export interface CallPlan {
  readonly kind: 'call';
  /** The schema, echoed as Content-Profile, when the client picked it by profile (or several are exposed). */
  readonly contentProfile?: string;
  readonly routine: Routine;
  /**
   * none: `fn()`; named: `fn(a := …)`, the values read from one JSON body object by name with the
   * parameters' types; positional: the one unnamed parameter gets the body itself.
   */
  readonly args:
    | { readonly kind: 'none' }
    | { readonly kind: 'named'; readonly params: readonly CallArgument[]; readonly json: string }
    /** GET and form bodies: text values cast to the parameters' types (a variadic one takes them all). */
    | { readonly kind: 'text'; readonly params: readonly (CallArgument & { readonly value: string | readonly string[] | null })[] }
    | { readonly kind: 'positional'; readonly type: string; readonly value: string | Buffer | null };
  /** Set-returning or composite results are read like a relation (select, filters, order). */
  readonly shape: { readonly kind: 'scalar' } | { readonly kind: 'rows'; readonly node: ReadNode; readonly single: boolean };
  readonly readOnly: boolean;
  readonly headOnly: boolean;
  readonly media: PlanMedia;
  readonly count?: CountPreference;
  readonly offset: number;
  readonly limit?: number;
  readonly tx: TxPlan;
  readonly timezone?: string;
  readonly preferencesApplied: readonly string[];
}

/** `/`: the OpenAPI description of one schema, limited to what the caller's role may use. */
export interface OpenApiPlan {
  readonly kind: 'openapi';
  readonly schema: string;
  /** openapi-mode = ignore-privileges: everything in the schema, whatever the role may use. */
  readonly ignorePrivileges: boolean;
  readonly cache: SchemaCache;
  readonly headOnly: boolean;
  readonly media: PlanMedia;
  readonly timezone?: string;
}

export type ActionPlan = ReadPlan | MutatePlan | CallPlan | OpenApiPlan;
