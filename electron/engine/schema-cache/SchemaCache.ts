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
  /** The labels of an enum type (or of a domain over one), in their order. */
  readonly enumValues?: readonly string[];
  /** A computed field: the function over the relation's row that gives this "column". */
  readonly computed?: QualifiedName;
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

/**
 * A computed relationship: a function that takes a row of `source` and returns rows (or one
 * row) of `target`, embedded under the function's name as if it were a relationship.
 */
export interface ComputedRelationship {
  readonly kind: 'computed';
  readonly source: QualifiedName;
  readonly target: QualifiedName;
  readonly function: QualifiedName;
  /** Not set-returning, or declared ROWS 1. */
  readonly toOne: boolean;
}

/** What an embed can go through: a foreign key (possibly via a junction) or a function. */
export type EmbedRelationship = Relationship | ComputedRelationship;

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

/**
 * Read at every schema load: from the database the Lakebase way (`pgrst.pre_config()` +
 * current_setting), or in the PostgREST mode from its configuration. What Lakebase does not
 * configure is left unset, and the engine keeps its Lakebase behaviour for it.
 */
export interface DataApiConfig {
  /** Exposed schemas; the first is the default. */
  readonly dbSchemas: readonly string[];
  readonly aggregatesEnabled: boolean;
  /** `pgrst.db_plan_enabled` (PostgREST's db-plan-enabled): whether Data API callers may ask for query plans. */
  readonly planEnabled: boolean;
  /** `pgrst.db_max_rows`, when the database sets it. */
  readonly maxRows?: number;
  /** PostgREST's db-tx-end; unset: commit, and `Prefer: tx=rollback` is honoured. */
  readonly txEnd?: 'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override';
  /** PostgREST's db-pre-request: a function (`schema.name` or `name`) called before each request's statement. */
  readonly preRequest?: string;
  /** Schemas after the request's own in each request's search_path (db-extra-search-path; default `public`). */
  readonly extraSearchPath?: readonly string[];
  /** PostgREST's openapi-mode; unset: follow-privileges. */
  readonly openApiMode?: 'follow-privileges' | 'ignore-privileges' | 'disabled';
  /** PostgREST's client-error-verbosity; unset: verbose. */
  readonly errorVerbosity?: 'verbose' | 'minimal';
  /** `pgrst.db_anon_role`: the role requests without a token run as, when the database sets one. */
  readonly anonRole?: string;
}

export interface SchemaCache {
  readonly config: DataApiConfig;
  readonly relations: ReadonlyMap<string, Relation>;
  /** Keyed like `relations`, by the relationship's source. */
  readonly relationships: ReadonlyMap<string, readonly Relationship[]>;
  readonly foreignKeys: readonly ForeignKey[];
  /** Keyed like `relations`: functions over a row of the relation, usable as columns (by function name). */
  readonly computedFields?: ReadonlyMap<string, ReadonlyMap<string, Column>>;
  /** Keyed like `relations`, by the relationship's source. */
  readonly computedRelationships?: ReadonlyMap<string, readonly ComputedRelationship[]>;
  readonly routines: readonly Routine[];
  /**
   * PostgREST's data representations: implicit casts between a domain and json or text, by
   * `source\u0000target` type (format_type text) → the cast's function. Applied on output
   * (domain → json/text), to filter values (text → domain) and to written JSON (json → domain).
   */
  readonly representations?: ReadonlyMap<string, QualifiedName>;
  /** Media type handlers, by `relationKey(target)` (or `*`) + U+0001 + media type; see mediaHandler(). */
  readonly mediaHandlers?: ReadonlyMap<string, MediaHandlerEntry>;
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

/**
 * How a media type handler (PostgREST's domains named after a media type) makes a body: an
 * aggregate over the rows (of one relation, or of any), a function whose result already is
 * that media type (its value is the body), or PostGIS's GeoJSON of the rows.
 */
export type MediaHandler =
  | { readonly kind: 'aggregate'; readonly fn: QualifiedName; readonly rowType?: QualifiedName }
  | { readonly kind: 'value' }
  | { readonly kind: 'geojson' };

export interface MediaHandlerEntry {
  readonly handler: MediaHandler;
  /** The Content-Type it answers (a handler for any media type answers application/octet-stream). */
  readonly contentType: string;
  /** The domain is over bytea: the body is bytes. */
  readonly binary: boolean;
}

/** A media type handler for `target` (a relation or a function; `*` for any rows) and a media type. */
export function mediaHandler(cache: SchemaCache, target: QualifiedName | '*', mediaType: string): MediaHandlerEntry | undefined {
  return cache.mediaHandlers?.get((target === '*' ? '*' : relationKey(target)) + '\u0001' + mediaType.toLowerCase());
}

/** A computed field of a relation, by the function's name. */
export function computedField(cache: SchemaCache, relation: QualifiedName, name: string): Column | undefined {
  return cache.computedFields?.get(relationKey(relation))?.get(name);
}

/** The function that turns `source` into `target`, when a data representation declares one. */
export function representation(cache: SchemaCache, source: string, target: string): QualifiedName | undefined {
  return cache.representations?.get(source + '\u0000' + target);
}
