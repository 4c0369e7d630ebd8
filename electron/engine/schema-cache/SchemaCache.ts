/**
 * The schema cache: an immutable picture of the catalog the planner resolves every name
 * against. Built once per load by `loadSchemaCache`, replaced whole on reload, never edited.
 */

export interface Column {
  readonly name: string;
  /** `format_type` text, e.g. `integer`, `character varying(20)`, `text[]`. */
  readonly type: string;
  /** pg_type.typname (of the element type for arrays it is `_x`), e.g. `int4`, `tsvector`. */
  readonly typeName: string;
  readonly nullable: boolean;
  readonly default: string | null;
  readonly comment: string | null;
}

export type RelationKind = 'table' | 'view' | 'materialized_view' | 'foreign_table' | 'partitioned_table';

export interface Relation {
  readonly schema: string;
  readonly name: string;
  readonly kind: RelationKind;
  readonly columns: readonly Column[];
  readonly columnsByName: ReadonlyMap<string, Column>;
  readonly primaryKey: readonly string[];
  readonly comment: string | null;
  /** What Postgres would let a write do here (pg_relation_is_updatable): all for tables; views by their rules and triggers. */
  readonly writable: Writable;
}

export interface Writable {
  readonly insert: boolean;
  readonly update: boolean;
  readonly delete: boolean;
}

export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

export interface ForeignKey {
  readonly constraint: string;
  readonly table: QualifiedName;
  readonly columns: readonly string[];
  readonly references: QualifiedName;
  readonly referencedColumns: readonly string[];
}

/**
 * A way to embed `target` under `source`. Column pairs are [source column, target column].
 * `toOne` is what the response shape depends on: an object (or null) instead of an array.
 */
export type Relationship =
  | {
      readonly kind: 'many-to-one' | 'one-to-many' | 'one-to-one';
      readonly source: QualifiedName;
      readonly target: QualifiedName;
      readonly constraint: string;
      readonly columns: readonly (readonly [string, string])[];
      readonly toOne: boolean;
    }
  | {
      readonly kind: 'many-to-many';
      readonly source: QualifiedName;
      readonly target: QualifiedName;
      readonly junction: QualifiedName;
      readonly sourceConstraint: string;
      readonly targetConstraint: string;
      /** [source column, junction column] */
      readonly sourceColumns: readonly (readonly [string, string])[];
      /** [junction column, target column] */
      readonly targetColumns: readonly (readonly [string, string])[];
      readonly toOne: false;
    };

export interface RoutineParam {
  /** Empty for an unnamed parameter. */
  readonly name: string;
  /** `format_type` text, e.g. `integer`, `text[]`. */
  readonly type: string;
  /** pg_proc.proargmodes: in, out, inout, variadic, table column. */
  readonly mode: 'i' | 'o' | 'b' | 'v' | 't';
  readonly hasDefault: boolean;
}

export interface Routine {
  readonly schema: string;
  readonly name: string;
  readonly arguments: string;
  readonly params: readonly RoutineParam[];
  /** The result's columns when it is a row (composite type, OUT or TABLE parameters); else empty. */
  readonly returnColumns: readonly { readonly name: string; readonly type: string }[];
  /** Set when the result is the row type of a relation in the cache (so its relationships embed). */
  readonly returnRelation?: QualifiedName;
  readonly returns: string;
  readonly returnsSet: boolean;
  readonly volatility: 'immutable' | 'stable' | 'volatile';
  readonly comment: string | null;
}

/** Read from the database the Lakebase way (`pgrst.pre_config()` + current_setting). */
export interface DataApiConfig {
  /** Exposed schemas; the first is the default. */
  readonly dbSchemas: readonly string[];
  readonly aggregatesEnabled: boolean;
  /** `pgrst.db_plan_enabled` (PostgREST's db-plan-enabled): whether Data API callers may ask for query plans. */
  readonly planEnabled: boolean;
  /** `pgrst.db_max_rows`, when the database sets it. */
  readonly maxRows?: number;
}

export interface SchemaCache {
  readonly config: DataApiConfig;
  readonly relations: ReadonlyMap<string, Relation>;
  /** Keyed like `relations`, by the relationship's source. */
  readonly relationships: ReadonlyMap<string, readonly Relationship[]>;
  readonly foreignKeys: readonly ForeignKey[];
  readonly routines: readonly Routine[];
  /** pg_timezone_names, for `Prefer: timezone=…`. */
  readonly timezones: ReadonlySet<string>;
  readonly loadedAt: Date;
}

export function relationKey(q: QualifiedName): string {
  // NUL cannot occur in a Postgres name, so the pair stays unambiguous (and this is on every request's path).
  return q.schema + '\u0000' + q.name;
}

export function findRelation(cache: SchemaCache, schema: string, name: string): Relation | undefined {
  return cache.relations.get(relationKey({ schema, name }));
}

export function relationshipsFrom(cache: SchemaCache, source: QualifiedName): readonly Relationship[] {
  return cache.relationships.get(relationKey(source)) ?? [];
}
