/**
 * ActionPlan → SQL, pure. The response body is built inside Postgres (json_agg, row_to_json,
 * lateral subqueries for embeds, as PostgREST does) so a request is one statement. Identifiers
 * come from the plan (hence from the schema cache) through quoteIdent; every value is a $n
 * parameter; operators and casts come from closed tables.
 */
import { assertNever } from '../../../shared/contract/result';
import { OPERATORS, type OperatorSpec } from '../../../shared/dataapi/operators';
import type {
  ActionPlan,
  CallPlan,
  ColumnExpr,
  MutatePlan,
  OpenApiPlan,
  PlanMedia,
  PlannedEmbed,
  PlannedFilter,
  PlannedItem,
  PlannedOrder,
  ReadNode,
  ReadPlan,
} from '../plan/ActionPlan';
import type { EmbedRelationship } from '../schema-cache/SchemaCache';
import type { SqlQuery } from './SqlQuery';
import { quoteIdent as id, quoteQualified } from './quoteIdent';

/** Collects parameter values as SQL text is written. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function buildQuery(plan: ActionPlan): SqlQuery {
  const query = buildStatement(plan);
  const media = plan.media;
  if (media.kind !== 'plan') return query;
  // The plan of the very statement the request would run (options from a closed list).
  const options = [`FORMAT ${media.format === 'json' ? 'JSON' : 'TEXT'}`, ...media.options.map((o) => o.toUpperCase())].join(', ');
  return { main: { text: `EXPLAIN (${options}) ${query.main.text}`, values: query.main.values } };
}

function buildStatement(plan: ActionPlan): SqlQuery {
  switch (plan.kind) {
    case 'read':
      return buildRead(plan);
    case 'mutate':
      return buildMutation(plan);
    case 'call':
      return buildCall(plan);
    case 'openapi':
      return buildPrivileges(plan);
    default:
      return assertNever(plan, 'plan');
  }
}

/**
 * What the request's role may do in the schema, read as that role (so the description shows
 * only what its grants allow): relations with their privileges, executable functions.
 */
function buildPrivileges(plan: OpenApiPlan): SqlQuery {
  const p = new Params();
  const schema = p.add(plan.schema);
  // PostgREST's rule: a relation the role owns (or is a member of the owner), or holds any table or column privilege on.
  const text =
    `SELECT NULL::bigint AS total_result_set, 0 AS page_total, json_build_object(` +
    `'relations', coalesce((SELECT json_agg(json_build_object('name', c.relname)) ` +
    `FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ` +
    `WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'v', 'm', 'f', 'p') AND NOT c.relispartition AND has_schema_privilege(n.oid, 'USAGE') ` +
    `AND (pg_has_role(c.relowner, 'USAGE') OR has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') ` +
    `OR has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))), '[]'), ` +
    `'routines', coalesce((SELECT json_agg(DISTINCT pr.proname) FROM pg_catalog.pg_proc pr JOIN pg_catalog.pg_namespace n ON n.oid = pr.pronamespace ` +
    `WHERE n.nspname = ${schema} AND has_schema_privilege(n.oid, 'USAGE') AND has_function_privilege(pr.oid, 'EXECUTE')), '[]'), ` +
    `'description', (SELECT obj_description(n.oid, 'pg_namespace') FROM pg_catalog.pg_namespace n WHERE n.nspname = ${schema}))::text AS body`;
  return { main: { text, values: p.values } };
}

function buildRead(plan: ReadPlan): SqlQuery {
  const p = new Params();
  const source = nodeSelect(plan.root, p, { correlation: null, window: { offset: plan.offset, limit: plan.limit }, counting: false });
  const total =
    plan.count === 'exact' || plan.count === 'estimated'
      ? `(SELECT pg_catalog.count(*) FROM (${nodeSelect(plan.root, p, { correlation: null, window: null, counting: true })}) AS "_pgrst_c")`
      : 'NULL::bigint';
  const text =
    `WITH "pgrst_source" AS (${source}) ` +
    `SELECT ${total} AS total_result_set, pg_catalog.count(*) AS page_total, ${bodyExpr(plan.headOnly, plan.media)} AS body ` +
    `FROM (SELECT * FROM "pgrst_source") AS "_postgrest_t"`;
  const main = { text, values: p.values };
  if (plan.count !== 'planned' && plan.count !== 'estimated') return { main };
  const ep = new Params();
  const explain = {
    text: `EXPLAIN (FORMAT JSON) SELECT 1 FROM (${nodeSelect(plan.root, ep, { correlation: null, window: null, counting: true })}) AS "_pgrst_c"`,
    values: ep.values,
  };
  return { main, explain };
}

function bodyExpr(headOnly: boolean, media: PlanMedia): string {
  if (headOnly) return 'NULL::text';
  switch (media.kind) {
    case 'custom':
      return handlerBody(media, '"_postgrest_t"');
    case 'plan':
    case 'json':
      return media.kind === 'json' && media.stripNulls
        ? `coalesce(json_strip_nulls(json_agg("_postgrest_t")), '[]')::text`
        : `coalesce(json_agg("_postgrest_t"), '[]')::text`;
    case 'object':
      return media.stripNulls
        ? `coalesce(json_strip_nulls(json_agg("_postgrest_t") -> 0)::text, 'null')`
        : `coalesce((json_agg("_postgrest_t") -> 0)::text, 'null')`;
    case 'csv':
      // Header from the first row's keys, rows from the record's text form: PostgREST's CSV.
      return (
        `coalesce((SELECT string_agg("_k", ',') FROM (SELECT json_object_keys(row_to_json("_h")) AS "_k" FROM (SELECT * FROM "pgrst_source" LIMIT 1) AS "_h") AS "_ks"), '') || E'\\n' || ` +
        `coalesce(string_agg(substring("_postgrest_t"::text, 2, length("_postgrest_t"::text) - 2), E'\\n'), '')`
      );
    default:
      return assertNever(media, 'media');
  }
}

/**
 * A media type handler's body over the rows (`value`: `"_postgrest_t"`) or a function's scalar
 * results (`"_postgrest_t"."v"`): text, or base64 of bytes when the media type's domain is over bytea.
 */
function handlerBody(media: Extract<PlanMedia, { kind: 'custom' }>, value: string): string {
  const h = media.handler;
  let body: string;
  switch (h.kind) {
    case 'aggregate':
      // The function comes from the catalog; rows of one relation are cast to its row type.
      body = `${quoteQualified(h.fn.schema, h.fn.name)}(${value}${h.rowType && value === '"_postgrest_t"' ? `::${quoteQualified(h.rowType.schema, h.rowType.name)}` : ''})`;
      break;
    case 'value':
      // A function whose result already is the media type: its (one) value is the body.
      body = `(array_agg(${value}))[1]`;
      break;
    case 'geojson':
      body = `json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(${value})::json), '[]'))`;
      break;
    default:
      return assertNever(h, 'media handler');
  }
  return media.binary ? `encode((${body})::bytea, 'base64')` : `(${body})::text`;
}

interface SelectContext {
  /** Join condition to the parent row, for embedded nodes. */
  readonly correlation: { readonly relationship: EmbedRelationship; readonly parentAlias: string } | null;
  readonly window: { readonly offset: number; readonly limit: number | undefined } | null;
  /** Select only what a count needs: no order, no paging. */
  readonly counting: boolean;
  /** Add a always-true column so a spread's presence can be tested even when its columns are null. */
  readonly marker?: boolean;
  /** What the node reads from instead of its relation (a mutation's rows, a function call). */
  readonly from?: string;
}

const PRESENT = '"_pgrst_present"';

function columnExpr(alias: string, e: ColumnExpr, p: Params): string {
  const fn = e.column.computed;
  // A computed field is its function applied to the row.
  let sql = fn ? `${quoteQualified(fn.schema, fn.name)}(${id(alias)})` : `${id(alias)}.${id(e.column.name)}`;
  if (e.json.length === 0) return sql;
  // Arrows on an array, a composite or any other non-JSON value read its JSON form (as PostgREST does).
  if (e.column.typeName !== 'json' && e.column.typeName !== 'jsonb') sql = `to_jsonb(${sql})`;
  for (const step of e.json) {
    // Digits index JSON arrays; anything else is an object key.
    sql += /^-?\d+$/.test(step.key) ? ` ${step.arrow} ${p.add(Number(step.key))}::integer` : ` ${step.arrow} ${p.add(step.key)}::text`;
  }
  return `(${sql})`;
}

/** One output column, and how a grouped query groups by it. */
interface OutputColumn {
  readonly sql: string;
  /** position: GROUP BY its ordinal; expr: GROUP BY this expression; none: an aggregate. */
  readonly group: 'position' | 'none' | { readonly expr: string };
}

function itemSql(node: ReadNode, item: PlannedItem, p: Params): OutputColumn[] {
  switch (item.kind) {
    case 'column': {
      let sql = columnExpr(node.alias, item, p);
      if (item.transform) sql = `${quoteQualified(item.transform.schema, item.transform.name)}(${sql})`;
      if (item.cast) sql = `(${sql})::${item.cast}`;
      if (item.aggregate) {
        sql = `pg_catalog.${item.aggregate}(${sql})`;
        if (item.aggregateCast) sql = `(${sql})::${item.aggregateCast}`;
      }
      return [{ sql: `${sql} AS ${id(item.name)}`, group: item.aggregate ? 'none' : 'position' }];
    }
    case 'count':
      return [{ sql: `${item.cast ? `(pg_catalog.count(*))::${item.cast}` : 'pg_catalog.count(*)'} AS ${id(item.name)}`, group: 'none' }];
    case 'embed': {
      const e = item.embed;
      if (e.spread) {
        return outputNames(e.node).map((n) => {
          const value = `${id(e.lateral)}.${id(n)}`;
          // A to-many spread's columns are json arrays: grouped by their text, as embeds are.
          return e.relationship.toOne || !node.grouped
            ? { sql: `${value} AS ${id(n)}`, group: 'position' as const }
            : { sql: `(${value}::text)::json AS ${id(n)}`, group: { expr: `${value}::text` } };
        });
      }
      // An embed that selects nothing (`rel()`) only filters: it is left out of the rows, as in PostgREST.
      if (isEmptyNode(e.node)) return [];
      const body = `${id(e.lateral)}."body"`;
      if (e.relationship.toOne) {
        // json has no equality: a grouped query groups by its text and reads it back.
        return node.grouped
          ? [{ sql: `(${body}::text)::json AS ${id(e.name)}`, group: { expr: `${body}::text` } }]
          : [{ sql: `${body} AS ${id(e.name)}`, group: 'position' }];
      }
      return [{ sql: `coalesce(${body}, '[]'::json) AS ${id(e.name)}`, group: 'position' }];
    }
    default:
      return assertNever(item, 'item');
  }
}

/** The keys a node's rows carry, with spread embeds lifted into their parent. */
function outputNames(node: ReadNode): string[] {
  return node.items.flatMap((i) =>
    i.kind === 'embed' ? (i.embed.spread ? outputNames(i.embed.node) : isEmptyNode(i.embed.node) ? [] : [i.embed.name]) : [i.name],
  );
}

/** Selects nothing, itself or in its embeds: `rel()`, `rel(other())`. */
function isEmptyNode(node: ReadNode): boolean {
  return node.items.every((i) => i.kind === 'embed' && !i.embed.spread && isEmptyNode(i.embed.node));
}

function lateralJoin(node: ReadNode, e: PlannedEmbed, p: Params): string {
  const child = nodeSelect(e.node, p, {
    correlation: { relationship: e.relationship, parentAlias: node.alias },
    window: { offset: e.node.offset ?? 0, limit: e.node.limit },
    counting: false,
    marker: e.spread,
  });
  if (e.spread && !e.relationship.toOne) {
    // Each column of a to-many spread becomes the array of its values (in the embed's order);
    // the marker is NULL when there is no row, so !inner and is.null filters still work.
    const columns = outputNames(e.node).map((n) => `coalesce(json_agg("_s".${id(n)}), '[]'::json) AS ${id(n)}`);
    return `LEFT JOIN LATERAL (SELECT ${[...columns, `CASE WHEN pg_catalog.count(*) > 0 THEN TRUE END AS ${PRESENT}`].join(', ')} FROM (${child}) AS "_s") AS ${id(e.lateral)} ON TRUE`;
  }
  if (e.spread) return `LEFT JOIN LATERAL (${child}) AS ${id(e.lateral)} ON TRUE`;
  const agg = e.relationship.toOne ? `row_to_json("_r")` : `json_agg("_r")`;
  return `LEFT JOIN LATERAL (SELECT ${agg} AS "body" FROM (${child}) AS "_r") AS ${id(e.lateral)} ON TRUE`;
}

/**
 * How an embedded node reaches its parent row: a join condition, through a junction table, or
 * (a computed relationship) by reading from the function called with the parent's row.
 */
function correlationSql(alias: string, c: NonNullable<SelectContext['correlation']>): { join: string; where: string[]; from?: string } {
  const r = c.relationship;
  const parent = id(c.parentAlias);
  if (r.kind === 'computed') return { join: '', where: [], from: `${quoteQualified(r.function.schema, r.function.name)}(${parent})` };
  if (r.kind === 'many-to-many') {
    const j = id(`${alias}_j`);
    return {
      join: ` JOIN ${quoteQualified(r.junction.schema, r.junction.name)} AS ${j} ON ${r.targetColumns.map(([jc, tc]) => `${j}.${id(jc)} = ${id(alias)}.${id(tc)}`).join(' AND ')}`,
      where: r.sourceColumns.map(([sc, jc]) => `${j}.${id(jc)} = ${parent}.${id(sc)}`),
    };
  }
  return { join: '', where: r.columns.map(([sc, tc]) => `${id(alias)}.${id(tc)} = ${parent}.${id(sc)}`) };
}

function nodeSelect(node: ReadNode, p: Params, ctx: SelectContext): string {
  const rel = node.relation;
  const columns = ctx.counting && !node.grouped ? [{ sql: '1', group: 'none' as const }] : node.items.flatMap((i) => itemSql(node, i, p));
  const items = columns.map((c) => c.sql);
  // Last, so GROUP BY positions of the real items stay put.
  if (ctx.marker) items.push(`TRUE AS ${PRESENT}`);
  const corr = ctx.correlation ? correlationSql(node.alias, ctx.correlation) : { join: '', where: [] };
  // A count needs only the embeds its filters test (!inner, rel=is.null); the others only shape rows.
  const needed = ctx.counting && !node.grouped ? filteredEmbeds(node.where) : undefined;
  const laterals = node.items
    .flatMap((i) => (i.kind === 'embed' && (!needed || needed.has(i.embed)) ? [' ' + lateralJoin(node, i.embed, p)] : []))
    .join('');
  const where = [...corr.where, ...node.where.map((f) => filterSql(node, f, p))];
  const from = ctx.from ?? ('from' in corr && corr.from !== undefined ? corr.from : quoteQualified(rel.schema, rel.name));
  let sql = `SELECT ${items.join(', ')} FROM ${from} AS ${id(node.alias)}${corr.join}${laterals}`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  if (node.grouped) {
    const groups = columns.flatMap((c, n) => (c.group === 'position' ? [String(n + 1)] : c.group === 'none' ? [] : [c.group.expr]));
    if (groups.length > 0) sql += ` GROUP BY ${groups.join(', ')}`;
  }
  if (!ctx.counting) {
    if (node.order.length > 0) sql += ` ORDER BY ${node.order.map((o) => orderSql(node, o, p)).join(', ')}`;
    if (ctx.window?.limit !== undefined) sql += ` LIMIT ${p.add(ctx.window.limit)}`;
    if (ctx.window && ctx.window.offset > 0) sql += ` OFFSET ${p.add(ctx.window.offset)}`;
  }
  return sql;
}

function filteredEmbeds(filters: readonly PlannedFilter[], into = new Set<PlannedEmbed>()): Set<PlannedEmbed> {
  for (const f of filters) {
    if (f.kind === 'embedPresence') into.add(f.embed);
    else if (f.kind === 'group') filteredEmbeds(f.children, into);
  }
  return into;
}

function orderSql(node: ReadNode, o: PlannedOrder, p: Params): string {
  let expr: string;
  if (o.via) {
    // A to-one related column: a scalar subquery along the same relationship.
    const alias = `${o.via.node.alias}_o`;
    const corr = correlationSql(alias, { relationship: o.via.relationship, parentAlias: node.alias });
    const target = o.via.node.relation;
    const from = corr.from ?? quoteQualified(target.schema, target.name);
    const where = corr.where.length > 0 ? ` WHERE ${corr.where.join(' AND ')}` : '';
    expr = `(SELECT ${columnExpr(alias, o, p)} FROM ${from} AS ${id(alias)}${corr.join}${where} LIMIT 1)`;
  } else {
    expr = columnExpr(node.alias, o, p);
  }
  return `${expr}${o.direction === 'desc' ? ' DESC' : o.direction === 'asc' ? ' ASC' : ''}${o.nulls ? ` NULLS ${o.nulls === 'first' ? 'FIRST' : 'LAST'}` : ''}`;
}

const likePattern = (v: string) => v.replace(/\*/g, '%');

function filterSql(node: ReadNode, f: PlannedFilter, p: Params): string {
  switch (f.kind) {
    case 'group': {
      const inner = f.children.map((c) => filterSql(node, c, p)).join(f.op === 'and' ? ' AND ' : ' OR ');
      return `${f.negated ? 'NOT ' : ''}(${inner || (f.op === 'and' ? 'TRUE' : 'FALSE')})`;
    }
    case 'embedPresence': {
      const target = `${id(f.embed.lateral)}.${f.embed.spread ? PRESENT : '"body"'}`;
      return `${target} IS ${f.present ? 'NOT ' : ''}NULL`;
    }
    case 'condition': {
      const sql = conditionSql(node, f, p);
      return f.negated ? `NOT (${sql})` : sql;
    }
    default:
      return assertNever(f, 'filter');
  }
}

function conditionSql(node: ReadNode, f: Extract<PlannedFilter, { kind: 'condition' }>, p: Params): string {
  const col = columnExpr(node.alias, f, p);
  const spec: OperatorSpec = OPERATORS[f.operator];
  const text = typeof f.value === 'string' ? f.value : f.value.join(',');
  // A domain's text representation reads the value (its function, from the catalog).
  const parse = f.parse ? quoteQualified(f.parse.schema, f.parse.name) : undefined;
  switch (spec.shape) {
    case 'scalar':
    case 'pattern': {
      const value = spec.shape === 'pattern' ? likePattern(text) : text;
      if (f.quantifier) return `${col} ${spec.sql} ${f.quantifier.toUpperCase()}(${p.add(value)})`;
      return `${col} ${spec.sql} ${parse ? `${parse}(${p.add(value)}::text)` : p.add(value)}`;
    }
    case 'list': {
      const list = p.add(typeof f.value === 'string' ? [f.value] : [...f.value]);
      return parse ? `${col} = ANY(ARRAY(SELECT ${parse}(unnest(${list}::text[]))))` : `${col} = ANY(${list})`;
    }
    case 'is':
      switch (f.value) {
        case 'null':
          return `${col} IS NULL`;
        case 'not_null':
          return `${col} IS NOT NULL`;
        case 'true':
          return `${col} IS TRUE`;
        case 'false':
          return `${col} IS FALSE`;
        default:
          return `${col} IS UNKNOWN`;
      }
    case 'fts': {
      const lang = f.language !== undefined ? `${p.add(f.language)}::regconfig, ` : '';
      const doc = f.column.typeName === 'tsvector' && f.json.length === 0 ? col : `to_tsvector(${lang}${col})`;
      return `${doc} @@ ${spec.sql}(${lang}${p.add(text)})`;
    }
    default:
      return assertNever(spec.shape, 'operator shape');
  }
}

/**
 * INSERT / UPDATE / DELETE in a data-modifying CTE, then the returned rows shaped like a read
 * (select, embeds) in the same statement. The payload is one json parameter that Postgres
 * turns into rows of the table's own type, so every value keeps its column's type rules.
 */
function buildMutation(plan: MutatePlan): SqlQuery {
  const p = new Params();
  const rel = quoteQualified(plan.relation.schema, plan.relation.name);
  const t = id(plan.target.alias);
  const cols = plan.columns.map((c) => id(c.name));
  // Rows are read back only for a representation or a Location: `RETURNING 1` otherwise, so a
  // write with return=minimal needs no SELECT privilege (as in PostgREST).
  const returning =
    plan.returning !== undefined ? `${t}.*` : plan.location.length > 0 ? plan.location.map((c) => `${t}.${id(c.name)}`).join(', ') : '1';
  // Upserts count the rows they insert, without reading the table: each row adds one to a
  // transaction setting as it is inserted and takes it back if it meets a conflict instead.
  const countInserted = plan.mutation === 'upsert' || (plan.mutation === 'create' && plan.onConflict?.resolution === 'merge');
  const bump = (delta: '+' | '-') =>
    `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) ${delta} 1)::text, true) <> '${delta === '+' ? '0' : '-1'}'`;
  let mutation: string;
  switch (plan.mutation) {
    case 'create':
    case 'upsert': {
      const body = p.add(plan.payload);
      const withDefaults = plan.columns.filter((c) => c.default !== null);
      const rows =
        plan.missingDefault || plan.parsers.size > 0
          ? // Column defaults come from the catalog (pg_get_expr), never from the request. As in
            // PostgREST, every row evaluates them (a sequence advances even for rows that give the key).
            `SELECT ${plan.columns
              .map((c) => {
                const value = valueOf(c.name, '"_pgrst_j"', plan.parsers, p);
                return plan.missingDefault
                  ? `CASE WHEN "_pgrst_j"::jsonb ? ${p.add(c.name)} THEN ${value} ELSE ${c.default === null ? 'NULL' : `"_pgrst_d".${id(c.name)}`} END`
                  : value;
              })
              .join(', ')} ` +
            `FROM json_array_elements(${body}::json) AS "_pgrst_j" CROSS JOIN LATERAL json_populate_record(NULL::${rel}, ${withoutParsed('"_pgrst_j"', plan.parsers, p)}) AS "_pgrst_r"` +
            (plan.missingDefault && withDefaults.length > 0
              ? ` CROSS JOIN LATERAL (SELECT ${withDefaults.map((c) => `${c.default} AS ${id(c.name)}`).join(', ')}, "_pgrst_j" IS NULL AS "_pgrst_row") AS "_pgrst_d"`
              : '')
          : `SELECT ${cols.map((c) => `"_pgrst_r".${c}`).join(', ')} FROM json_populate_recordset(NULL::${rel}, ${body}::json) AS "_pgrst_r"`;
      mutation = `INSERT INTO ${rel} AS ${t}${cols.length > 0 ? ` (${cols.join(', ')})` : ''} SELECT * FROM (${rows}) AS "_pgrst_rows"`;
      if (countInserted) mutation += ` WHERE ${bump('+')}`;
      const oc = plan.onConflict;
      if (oc) {
        const target = oc.columns.map((c) => id(c.name)).join(', ');
        mutation +=
          oc.resolution === 'merge' && cols.length > 0
            ? ` ON CONFLICT (${target}) DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}${countInserted ? ` WHERE ${bump('-')}` : ''}`
            : ` ON CONFLICT (${target}) DO NOTHING`;
      }
      mutation += ` RETURNING ${returning}`;
      break;
    }
    case 'update': {
      if (cols.length === 0) {
        // PostgREST: an empty PATCH changes nothing and returns nothing.
        mutation = plan.returning !== undefined ? `SELECT ${t}.* FROM ${rel} AS ${t} WHERE FALSE` : 'SELECT 1 WHERE FALSE';
        break;
      }
      const body = p.add(plan.payload);
      mutation =
        `UPDATE ${rel} AS ${t} SET ${plan.columns.map((c) => `${id(c.name)} = ${valueOf(c.name, `${body}::json`, plan.parsers, p)}`).join(', ')} ` +
        `FROM json_populate_record(NULL::${rel}, ${withoutParsed(`${body}::json`, plan.parsers, p)}) AS "_pgrst_r"${mutationWhere(plan, rel, p)} RETURNING ${returning}`;
      break;
    }
    case 'delete':
      mutation = `DELETE FROM ${rel} AS ${t}${mutationWhere(plan, rel, p)} RETURNING ${returning}`;
      break;
    default:
      return assertNever(plan.mutation, 'mutation');
  }
  const source = plan.returning
    ? nodeSelect(plan.returning, p, { correlation: null, window: null, counting: false, from: '"pgrst_mutation"' })
    : 'SELECT 1 FROM "pgrst_mutation"';
  const location =
    plan.location.length > 0
      ? `(SELECT row_to_json("_l")::text FROM (SELECT ${plan.location.map((c) => id(c.name)).join(', ')} FROM "pgrst_mutation" LIMIT 1) AS "_l")`
      : 'NULL::text';
  const inserted = countInserted ? `nullif(current_setting('pgrst.inserted', true), '')::int` : 'NULL::int';
  const text =
    `WITH "pgrst_mutation" AS (${mutation}), "pgrst_source" AS (${source}) ` +
    `SELECT (SELECT pg_catalog.count(*) FROM "pgrst_mutation") AS total_result_set, pg_catalog.count(*) AS page_total, ` +
    `${bodyExpr(plan.returning === undefined, plan.media)} AS body, ${location} AS location, ${inserted} AS inserted ` +
    `FROM (SELECT * FROM "pgrst_source") AS "_postgrest_t"`;
  return { main: { text, values: p.values } };
}

/** A written column's value: from the row record, or its JSON through a data representation (json → domain). */
function valueOf(column: string, json: string, parsers: MutatePlan['parsers'], p: Params): string {
  const fn = parsers.get(column);
  return fn ? `${quoteQualified(fn.schema, fn.name)}(${json} -> ${p.add(column)}::text)` : `"_pgrst_r".${id(column)}`;
}

/** The JSON object without the keys a representation reads, so the record does not parse them by the base type. */
function withoutParsed(json: string, parsers: MutatePlan['parsers'], p: Params): string {
  return parsers.size === 0 ? json : `(${json}::jsonb - ${p.add([...parsers.keys()])}::text[])::json`;
}

/** The WHERE of an update/delete; with `limit`, the rows are picked by ctid in the given order. */
function mutationWhere(plan: MutatePlan, rel: string, p: Params): string {
  const node = plan.target;
  const conditions = node.where.map((f) => filterSql(node, f, p));
  if (plan.limit === undefined && plan.offset === undefined) return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const t = id(node.alias);
  let pick = `SELECT ${t}.ctid FROM ${rel} AS ${t}`;
  if (conditions.length > 0) pick += ` WHERE ${conditions.join(' AND ')}`;
  if (node.order.length > 0) pick += ` ORDER BY ${node.order.map((o) => orderSql(node, o, p)).join(', ')}`;
  if (plan.limit !== undefined) pick += ` LIMIT ${p.add(plan.limit)}`;
  if (plan.offset !== undefined) pick += ` OFFSET ${p.add(plan.offset)}`;
  return ` WHERE ${t}.ctid = ANY(ARRAY(${pick}))`;
}

/** Types whose cast would cut a value to a declared length take their varying form (as PostgREST casts arguments). */
function castType(type: string): string {
  switch (type) {
    case 'bit':
      return 'bit varying';
    case 'bit[]':
      return 'bit varying[]';
    case 'character':
      return 'character varying';
    case 'character[]':
      return 'character varying[]';
    default:
      return type;
  }
}

/**
 * `/rpc/fn`: the arguments are one json parameter, turned into typed values by json_to_record
 * with the parameter types from the catalog; a row-returning result is read like a relation.
 */
function buildCall(plan: CallPlan): SqlQuery {
  const p = new Params();
  const r = plan.routine;
  const fn = quoteQualified(r.schema, r.name);
  // The call, and what it reads its arguments from (a JSON body's record), if anything.
  let call: string;
  let argsFrom = '';
  const args = plan.args;
  switch (args.kind) {
    case 'none':
      call = `${fn}()`;
      break;
    case 'positional':
      // The type comes from the catalog (format_type), never from the request.
      call = `${fn}(${p.add(args.value)}::${args.type})`;
      break;
    case 'text':
      call = `${fn}(${args.params
        .map(
          (a) =>
            `${a.variadic ? 'VARIADIC ' : ''}${id(a.name)} := ${p.add(a.value)}${Array.isArray(a.value) ? '::text[]' : ''}::${castType(a.type)}`,
        )
        .join(', ')})`;
      break;
    case 'named':
      argsFrom = `json_to_record(${p.add(args.json)}::json) AS "_pgrst_args"(${args.params.map((a) => `${id(a.name)} ${a.type}`).join(', ')})`;
      call = `${fn}(${args.params.map((a) => `${a.variadic ? 'VARIADIC ' : ''}${id(a.name)} := "_pgrst_args".${id(a.name)}`).join(', ')})`;
      break;
    default:
      return assertNever(args, 'call arguments');
  }
  const from = argsFrom === '' ? call : `${argsFrom} CROSS JOIN LATERAL ${call}`;
  // A scalar result is called in the select list, as PostgREST does: that also takes `RETURNS record`.
  const scalar = `SELECT ${call} AS "v"${argsFrom === '' ? '' : ` FROM ${argsFrom}`}`;
  const shape = plan.shape;
  let source: string;
  let count: string;
  let body: string;
  if (shape.kind === 'rows') {
    source = nodeSelect(shape.node, p, { correlation: null, window: { offset: plan.offset, limit: plan.limit }, counting: false, from });
    count =
      plan.count !== undefined
        ? `(SELECT pg_catalog.count(*) FROM (${nodeSelect(shape.node, p, { correlation: null, window: null, counting: true, from })}) AS "_pgrst_c")`
        : 'NULL::bigint';
    body =
      shape.single && plan.media.kind === 'json'
        ? bodyExpr(plan.headOnly, { kind: 'object', stripNulls: plan.media.stripNulls })
        : bodyExpr(plan.headOnly, plan.media);
  } else if (r.returnsSet) {
    let s = scalar;
    if (plan.limit !== undefined) s += ` LIMIT ${p.add(plan.limit)}`;
    if (plan.offset > 0) s += ` OFFSET ${p.add(plan.offset)}`;
    source = s;
    count = plan.count !== undefined ? `(SELECT pg_catalog.count(*) FROM (${scalar}) AS "_pgrst_c")` : 'NULL::bigint';
    body = plan.headOnly
      ? 'NULL::text'
      : plan.media.kind === 'custom'
        ? handlerBody(plan.media, '"_postgrest_t"."v"')
        : `coalesce(json_agg("_postgrest_t"."v"), '[]')::text`;
  } else {
    source = scalar;
    count = plan.count !== undefined ? '1::bigint' : 'NULL::bigint';
    body = plan.headOnly
      ? 'NULL::text'
      : plan.media.kind === 'custom'
        ? handlerBody(plan.media, '"_postgrest_t"."v"')
        : `coalesce((json_agg("_postgrest_t"."v") -> 0)::text, 'null')`;
  }
  const text =
    `WITH "pgrst_source" AS (${source}) ` +
    `SELECT ${count} AS total_result_set, pg_catalog.count(*) AS page_total, ${body} AS body ` +
    `FROM (SELECT * FROM "pgrst_source") AS "_postgrest_t"`;
  return { main: { text, values: p.values } };
}
