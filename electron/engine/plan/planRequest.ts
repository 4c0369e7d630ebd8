/**
 * ApiRequest + SchemaCache → ActionPlan. Every name in the request is resolved here (schema,
 * relation, column, relationship, cast), so every name error is raised here with PostgREST's
 * code, and later stages only see names that exist.
 */
import type { EmbedPath, FieldRef, FilterNode, OrderTerm, SelectItem } from '../../../shared/dataapi/ast';
import { failWith, succeed as ok, type Outcome } from '../errors/ApiError';
import * as E from '../errors/pgrstErrors';
import { undefinedColumn, undefinedType } from '../errors/sqlStateStatus';
import type { ApiRequest, MediaType, Mutation } from '../request/ApiRequest';
import type { Column, Relation, Relationship, Routine, RoutineParam, SchemaCache } from '../schema-cache/SchemaCache';
import { findRelation, relationshipsFrom } from '../schema-cache/SchemaCache';
import type {
  ActionPlan,
  CallArgument,
  CallPlan,
  ColumnExpr,
  MutatePlan,
  PlannedEmbed,
  PlannedFilter,
  PlannedItem,
  PlannedOrder,
  ReadNode,
  TxPlan,
} from './ActionPlan';
import { closestName } from './closestName';
import { SQL_TYPES, sqlTypeFor, type SqlType } from './sqlTypes';

export interface PlanOptions {
  /** Caps the rows of the top-level result (PostgREST's db-max-rows); else pgrst.db_max_rows. */
  readonly maxRows?: number;
  /**
   * The caller may have query plans whatever pgrst.db_plan_enabled says (the console's admin
   * view, in process). Never set from anything an HTTP client sends.
   */
  readonly explain?: boolean;
}

/**
 * The representation to produce: the first the client accepts, skipping query plans unless the
 * database enables them (pgrst.db_plan_enabled, PostgREST's db-plan-enabled) or the caller may
 * explain; none left is 406, as PostgREST answers.
 */
function chooseMedia(req: ApiRequest, cache: SchemaCache, options: PlanOptions): Outcome<MediaType> {
  const plans = cache.config.planEnabled || options.explain === true;
  const media = req.accepted.find((m) => m.kind !== 'plan' || plans);
  return media ? ok(media) : failWith(E.mediaTypeUnavailable(req.headers['accept'] ?? ''));
}

export function planRequest(req: ApiRequest, cache: SchemaCache, options: PlanOptions = {}): Outcome<ActionPlan> {
  const schema = resolveSchema(req, cache);
  if (!schema.ok) return schema;
  const chosen = chooseMedia(req, cache, options);
  if (!chosen.ok) return chosen;
  const media = chosen.value;
  const prefs = req.preferences;
  // Never ignore what is not understood: a preference the engine does not know (or an invalid
  // value of one it knows) is refused, unless the client asked for PostgREST's lenient handling.
  if (prefs.unknown.length > 0 && prefs.handling !== 'lenient') return failWith(E.invalidPreferences(prefs.unknown));
  const target = req.target;
  if (target.kind === 'root') {
    if (req.action.kind !== 'read') return failWith(E.unsupportedMethod(req.method));
    return ok({ kind: 'openapi', schema: schema.value, cache, headOnly: req.action.headOnly, media });
  }
  // Postgres checks the time zone when the request's settings apply it (22023 if it does not know it), as PostgREST lets it.
  const timezone = prefs.timezone;
  if (req.query.paging.some((p) => p.limit !== undefined && p.limit < 0)) {
    return failWith(E.rangeNotSatisfiable('Limit should be greater than or equal to zero.'));
  }
  const common: Common = { timezone, maxRows: options.maxRows ?? cache.config.maxRows, media };
  if (target.kind === 'routine') return planCall(req, cache, schema.value, target.name, common);
  const relation = findRelation(cache, schema.value, target.name);
  if (!relation) {
    const names = [...cache.relations.values()].filter((r) => r.schema === schema.value).map((r) => r.name);
    const near = closestName(target.name, names);
    return failWith(E.noRelation(schema.value, target.name, near));
  }
  if (req.action.kind === 'mutate') return planMutation(req, cache, schema.value, relation, req.action.mutation, common);
  if (req.action.kind !== 'read') return failWith(E.unsupportedMethod(req.method));
  const planner = new NodePlanner(req, cache, schema.value);
  const root = planner.node(relation, req.query.select ?? [{ kind: 'star' }], []);
  if (!root.ok) return root;
  const unknownPath = planner.unusedPath();
  if (unknownPath) {
    const name = unknownPath[unknownPath.length - 1]!;
    return failWith(E.notEmbedded(name));
  }
  const maxRows = common.maxRows;
  const window = topWindow(req, maxRows);
  return ok({
    kind: 'read',
    root: root.value,
    headOnly: req.action.headOnly,
    media,
    ...(prefs.count !== undefined && { count: prefs.count }),
    ...(timezone !== undefined && { timezone }),
    preferencesApplied: [
      ...(prefs.count ? [`count=${prefs.count}`] : []),
      ...(prefs.handling ? [`handling=${prefs.handling}`] : []),
      ...(timezone !== undefined ? [`timezone=${timezone}`] : []),
    ],
    offset: window.offset,
    ...(window.limit !== undefined && { limit: window.limit }),
    estimateThreshold: maxRows ?? 1000,
  });
}

interface Common {
  readonly timezone: string | undefined;
  readonly maxRows: number | undefined;
  readonly media: MediaType;
}

/** The transaction-end preferences every write and call honours. */
function txPlan(req: ApiRequest): TxPlan {
  const p = req.preferences;
  return { rollback: p.tx === 'rollback', ...(p.handling === 'strict' && p.maxAffected !== undefined && { maxAffected: p.maxAffected }) };
}

function appliedPreferences(req: ApiRequest, timezone: string | undefined, extra: readonly string[]): string[] {
  const p = req.preferences;
  return [
    ...extra,
    ...(p.count ? [`count=${p.count}`] : []),
    ...(p.handling ? [`handling=${p.handling}`] : []),
    ...(timezone !== undefined ? [`timezone=${timezone}`] : []),
    ...(p.tx ? [`tx=${p.tx}`] : []),
    ...(p.handling === 'strict' && p.maxAffected !== undefined ? [`max-affected=${p.maxAffected}`] : []),
  ];
}

const missingColumn = (relation: Relation, name: string) => failWith(E.noColumn(relation.name, name));

function columnsOf(relation: Relation, names: readonly string[]): Outcome<Column[]> {
  const out: Column[] = [];
  for (const n of names) {
    const c = relation.columnsByName.get(n);
    if (!c) return missingColumn(relation, n);
    out.push(c);
  }
  return ok(out);
}

/** The write events each mutation needs the relation to allow (an upsert may insert or update). */
const WRITE_EVENTS: Readonly<Record<Mutation, readonly (keyof Relation['writable'])[]>> = {
  create: ['insert'],
  update: ['update'],
  upsert: ['insert', 'update'],
  delete: ['delete'],
};

function planMutation(
  req: ApiRequest,
  cache: SchemaCache,
  schema: string,
  relation: Relation,
  mutation: Mutation,
  common: Common,
): Outcome<MutatePlan> {
  const prefs = req.preferences;
  const payload = req.payload;
  // What Postgres would refuse with 55000 (a 500): a view it cannot write through.
  const events = WRITE_EVENTS[mutation];
  const refused = events.find((e) => !relation.writable[e]);
  if (refused)
    return failWith(E.notWritable(req.method, relation.name, refused === 'insert' ? 'INSERT' : refused === 'update' ? 'UPDATE' : 'DELETE'));
  if (mutation !== 'delete' && payload === undefined) {
    return failWith(E.invalidJson('The request has no body; send the row(s) to write as JSON, CSV or form data.'));
  }
  if (payload?.kind === 'value') {
    return failWith(E.invalidJson('The body must be a JSON object or an array of objects.'));
  }
  const rows = payload?.rows ?? [];
  if ((mutation === 'update' || mutation === 'upsert') && (payload?.array ?? false) && rows.length !== 1) {
    return mutation === 'upsert'
      ? failWith(E.putNotOneRow())
      : failWith(E.invalidJson('PATCH takes one object: the new values of the columns to change.'));
  }
  let keys = req.columns ?? payload?.keys ?? [];
  if (req.columns === undefined && rows.length > 1) {
    const expected = [...keys].sort().join('\u0000');
    if (rows.some((r) => Object.keys(r).sort().join('\u0000') !== expected)) {
      return failWith(E.keysDoNotMatch());
    }
  }
  if (mutation === 'delete') keys = [];
  const columns = columnsOf(relation, keys);
  if (!columns.ok) return columns;

  const planner = new NodePlanner(req, cache, schema);
  // The rows touched are chosen without embeds, so an embed filter cannot widen or narrow them unseen.
  const target = planner.node(relation, [{ kind: 'star' }], []);
  if (!target.ok) return target;
  const ret = prefs.return ?? 'minimal';
  let returning: ReadNode | undefined;
  if (ret === 'representation') {
    const node = planner.node(relation, req.query.select ?? [{ kind: 'star' }], []);
    if (!node.ok) return node;
    returning = { ...node.value, where: node.value.where.filter((f) => f.kind === 'embedPresence'), order: [] };
  }
  const unknownPath = planner.unusedPath();
  if (unknownPath) {
    const name = unknownPath[unknownPath.length - 1]!;
    return failWith(E.notEmbedded(name));
  }

  let onConflict: MutatePlan['onConflict'];
  if (mutation === 'upsert') {
    const pk = relation.primaryKey;
    const filters = req.query.filters;
    const eqOnKey = filters.every(
      (f) =>
        f.path.length === 0 &&
        f.node.kind === 'condition' &&
        !f.node.negated &&
        f.node.operator === 'eq' &&
        f.node.field.json.length === 0 &&
        pk.includes(f.node.field.name),
    );
    const named = new Set(filters.map((f) => (f.node.kind === 'condition' ? f.node.field.name : '')));
    if (
      pk.length === 0 ||
      !eqOnKey ||
      named.size !== pk.length ||
      filters.length !== pk.length ||
      req.query.paging.some((p) => p.path.length === 0)
    ) {
      return failWith(
        E.putNotByPrimaryKey(
          pk.length === 0 ? `'${relation.name}' has no primary key.` : `Address the row as ${pk.map((k) => `${k}=eq.…`).join('&')}.`,
        ),
      );
    }
    const row = rows[0] ?? {};
    for (const f of filters) {
      if (f.node.kind !== 'condition') continue;
      const v = row[f.node.field.name];
      if (v === undefined || v === null || String(v) !== f.node.value) {
        return failWith(E.putKeyMismatch());
      }
    }
    const pkColumns = columnsOf(relation, pk);
    if (!pkColumns.ok) return pkColumns;
    onConflict = { columns: pkColumns.value, resolution: 'merge' };
  } else if (mutation === 'create' && prefs.resolution !== undefined) {
    const names = req.onConflict ?? relation.primaryKey;
    if (names.length === 0) {
      return failWith(E.noConflictKey(relation.name));
    }
    const conflict = columnsOf(relation, names);
    if (!conflict.ok) return conflict;
    onConflict = { columns: conflict.value, resolution: prefs.resolution === 'merge-duplicates' ? 'merge' : 'ignore' };
  }

  const page = req.query.paging.find((p) => p.path.length === 0);
  if (page && mutation !== 'update' && mutation !== 'delete') {
    return failWith(E.pagingNotAllowed());
  }
  const single = mutation === 'create' && payload !== undefined && !payload.array;
  const location = single && relation.primaryKey.length > 0 ? columnsOf(relation, relation.primaryKey) : ok([] as Column[]);
  if (!location.ok) return location;
  const payloadJson = mutation === 'update' ? JSON.stringify(rows[0] ?? {}) : JSON.stringify(rows);
  return ok({
    kind: 'mutate',
    mutation,
    relation,
    columns: columns.value,
    payload: payloadJson,
    missingDefault: prefs.missing === 'default',
    target: target.value,
    ...(page?.limit !== undefined && { limit: page.limit }),
    ...(page?.offset !== undefined && { offset: page.offset }),
    ...(onConflict && { onConflict }),
    ...(returning && { returning }),
    return: ret,
    media: common.media,
    location: location.value,
    ...(prefs.count !== undefined && { count: prefs.count }),
    tx: txPlan(req),
    ...(common.timezone !== undefined && { timezone: common.timezone }),
    preferencesApplied: appliedPreferences(req, common.timezone, [
      ...(prefs.return ? [`return=${prefs.return}`] : []),
      ...(onConflict && prefs.resolution && mutation === 'create' ? [`resolution=${prefs.resolution}`] : []),
      ...(prefs.missing === 'default' && (mutation === 'create' || mutation === 'upsert') ? ['missing=default'] : []),
    ]),
  });
}

const isInput = (p: RoutineParam) => p.mode === 'i' || p.mode === 'b' || p.mode === 'v';
const JSON_TYPES = new Set(['json', 'jsonb']);

/** A routine's arguments object: the JSON body (POST) or the query string's parameters (GET). */
function callArguments(req: ApiRequest): Outcome<{ json: Record<string, unknown>; raw: unknown; hasBody: boolean }> {
  if (req.action.kind === 'call' && req.action.readOnly) {
    // Argument names are the client's: no prototype, so `__proto__` is just a name.
    const json = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of req.query.params ?? []) {
      // A repeated key is an array (PostgREST's variadic arguments over GET).
      const prev = json[k];
      json[k] = prev === undefined ? v : Array.isArray(prev) ? [...(prev as unknown[]), v] : [prev, v];
    }
    return ok({ json, raw: json, hasBody: false });
  }
  const p = req.payload;
  if (p === undefined) return ok({ json: {}, raw: {}, hasBody: false });
  if (p.kind === 'value') return ok({ json: {}, raw: p.value, hasBody: true });
  if (p.array) return ok({ json: {}, raw: p.rows, hasBody: true });
  return ok({ json: { ...p.rows[0] }, raw: p.rows[0], hasBody: true });
}

function planCall(req: ApiRequest, cache: SchemaCache, schema: string, name: string, common: Common): Outcome<CallPlan> {
  const action = req.action;
  if (action.kind !== 'call') return failWith(E.unsupportedMethod(req.method));
  const candidates = cache.routines.filter((r) => r.schema === schema && r.name === name);
  const args = callArguments(req);
  if (!args.ok) return args;
  const given = Object.keys(args.value.json);
  const singleObject = req.preferences.params === 'single-object';
  const wholeBodyFits = (r: Routine) => {
    const inputs = r.params.filter(isInput);
    return inputs.length === 1 && JSON_TYPES.has(inputs[0]!.type) && (singleObject || inputs[0]!.name === '');
  };
  const fits = (r: Routine) => {
    const inputs = r.params.filter(isInput);
    if (inputs.some((p) => p.name === '')) return false;
    return (
      given.every((g) => inputs.some((p) => p.name === g)) && inputs.every((p) => p.hasDefault || p.mode === 'v' || given.includes(p.name))
    );
  };
  let matches = candidates.filter((r) => wholeBodyFits(r) && (singleObject || args.value.hasBody));
  if (matches.length === 0 || !singleObject) {
    const byName = candidates.filter(fits);
    if (byName.length > 0) matches = byName;
  }
  if (matches.length === 0) {
    const near = closestName(name, new Set(cache.routines.filter((r) => r.schema === schema).map((r) => r.name)));
    return failWith(
      E.noFunction(
        `Could not find the function ${schema}.${name}${given.length > 0 ? `(${[...given].sort().join(', ')})` : ' without parameters'} in the schema cache`,
        `Searched for the function ${schema}.${name}${given.length > 0 ? ` with parameters ${[...given].sort().join(', ')}` : ' without parameters'} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
        near && near !== name ? `Perhaps you meant to call the function ${schema}.${near}` : null,
      ),
    );
  }
  if (matches.length > 1) {
    return failWith(E.ambiguousFunction(matches.map((r) => `${schema}.${name}(${r.arguments})`)));
  }
  const routine = matches[0]!;
  if (action.readOnly && routine.volatility === 'volatile') {
    return failWith(E.volatileFunctionRead());
  }
  // params=single-object always passes the whole body; otherwise only when names do not fit.
  const wholeBody = wholeBodyFits(routine) && (singleObject || (args.value.hasBody && !fits(routine)));
  const callArgs: CallArgument[] = wholeBody
    ? []
    : routine.params
        .filter((p) => isInput(p) && given.includes(p.name))
        .map((p) => ({ name: p.name, type: p.type, variadic: p.mode === 'v' }));
  const argsJson = JSON.stringify(wholeBody ? (args.value.raw ?? null) : args.value.json);

  let shape: CallPlan['shape'] = { kind: 'scalar' };
  const planner = new NodePlanner(req, cache, schema);
  if (routine.returnColumns.length > 0) {
    const base = routine.returnRelation ? findRelation(cache, routine.returnRelation.schema, routine.returnRelation.name) : undefined;
    const relation: Relation = base ?? pseudoRelation(routine);
    const node = planner.node(relation, req.query.select ?? [{ kind: 'star' }], []);
    if (!node.ok) return node;
    shape = { kind: 'rows', node: node.value, single: !routine.returnsSet };
  }
  const unknownPath = planner.unusedPath();
  if (unknownPath && shape.kind === 'rows') {
    const n = unknownPath[unknownPath.length - 1]!;
    return failWith(E.notEmbedded(n));
  }
  const window = routine.returnsSet ? topWindow(req, common.maxRows) : { offset: 0 };
  const prefs = req.preferences;
  return ok({
    kind: 'call',
    routine,
    args: callArgs,
    wholeBody,
    argsJson,
    shape,
    readOnly: action.readOnly || routine.volatility !== 'volatile',
    headOnly: action.headOnly,
    media: common.media,
    ...(prefs.count !== undefined && { count: prefs.count }),
    offset: window.offset,
    ...(window.limit !== undefined && { limit: window.limit }),
    tx: txPlan(req),
    ...(common.timezone !== undefined && { timezone: common.timezone }),
    preferencesApplied: appliedPreferences(req, common.timezone, singleObject ? ['params=single-object'] : []),
  });
}

/** A relation-like view of a routine's result row, so select/filters/order plan against it. */
function pseudoRelation(routine: Routine): Relation {
  const columns: Column[] = routine.returnColumns.map((c) => ({
    name: c.name,
    type: c.type,
    typeName: c.type,
    nullable: true,
    default: null,
    comment: null,
  }));
  return {
    schema: routine.schema,
    name: routine.name,
    kind: 'table',
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
    primaryKey: [],
    comment: null,
    writable: { insert: false, update: false, delete: false },
  };
}

function resolveSchema(req: ApiRequest, cache: SchemaCache): Outcome<string> {
  const allowed = cache.config.dbSchemas;
  const notAllowed = (schema: string) => failWith(E.schemaNotExposed(schema, allowed));
  const fromPath = req.target.schema;
  if (req.profile !== undefined && !allowed.includes(req.profile)) return notAllowed(req.profile);
  if (fromPath !== undefined && !allowed.includes(fromPath)) return notAllowed(fromPath);
  if (fromPath !== undefined && req.profile !== undefined && req.profile !== fromPath) {
    return failWith(
      E.schemaNotExposed(req.profile, allowed, `The path names schema '${fromPath}' but Accept-Profile asks for '${req.profile}'.`),
    );
  }
  return ok(fromPath ?? req.profile ?? allowed[0] ?? 'public');
}

/** Range header ∩ limit/offset, then max rows (PostgREST's order of restriction). */
function topWindow(req: ApiRequest, maxRows: number | undefined): { offset: number; limit?: number } {
  const page = req.query.paging.find((p) => p.path.length === 0);
  let lower = page?.offset ?? 0;
  let upper = page?.limit !== undefined ? lower + page.limit - 1 : Infinity;
  if (req.range) {
    lower = Math.max(lower, req.range.from);
    upper = Math.min(upper, req.range.to ?? Infinity);
  }
  if (maxRows !== undefined) upper = Math.min(upper, lower + maxRows - 1);
  return upper === Infinity ? { offset: lower } : { offset: lower, limit: Math.max(0, upper - lower + 1) };
}

/** Where a node sits: each step is an embed, named by its alias (if any) and its relation. */
type NodePath = readonly { readonly name: string; readonly relation: string }[];

/** A filter/order/limit path names each embed by its alias or by its relation, as PostgREST allows. */
function pathMatches(query: EmbedPath, node: NodePath): boolean {
  return query.length === node.length && query.every((s, i) => s === node[i]!.name || s === node[i]!.relation);
}

class NodePlanner {
  private aliasCount = 0;
  private readonly seenPaths: NodePath[] = [];

  constructor(
    private readonly req: ApiRequest,
    private readonly cache: SchemaCache,
    private readonly schema: string,
  ) {}

  /** A path used by a filter, order or limit that names no embed of this request. */
  unusedPath(): EmbedPath | undefined {
    const q = this.req.query;
    return [...q.filters.map((f) => f.path), ...q.order.map((o) => o.path), ...q.paging.map((p) => p.path)].find(
      (p) => !this.seenPaths.some((n) => pathMatches(p, n)),
    );
  }

  node(relation: Relation, select: readonly SelectItem[], path: NodePath): Outcome<ReadNode> {
    this.seenPaths.push(path);
    const alias = `t${this.aliasCount++}`;
    const items: PlannedItem[] = [];
    for (const item of select) {
      const planned = this.item(relation, item, path);
      if (!planned.ok) return planned;
      items.push(...planned.value);
    }
    // Output names (aliases, or a JSON path's last key) become quoted SQL identifiers, and the
    // protocol ends a statement's text at NUL: such a name would cut the statement short.
    for (const i of items) {
      const name = i.kind === 'embed' ? i.embed.name : i.name;
      if (name.includes('\0')) return failWith(E.nulInName(name));
    }
    const grouped = items.some((i) => i.kind === 'count' || (i.kind === 'column' && i.aggregate !== undefined));
    if (grouped && !this.cache.config.aggregatesEnabled) {
      return failWith(E.aggregatesDisabled());
    }
    // To-one embeds group like columns; a to-many embed has no single value to group by.
    if (grouped && items.some((i) => i.kind === 'embed' && !i.embed.relationship.toOne)) {
      return failWith(
        E.notImplemented(
          'Aggregates cannot be combined with to-many embedded resources at the same level',
          'Aggregate inside the embedded resource instead, e.g. select=name,projects(budget.sum()).',
        ),
      );
    }
    const embeds = items.flatMap((i) => (i.kind === 'embed' ? [i.embed] : []));
    const where: PlannedFilter[] = [];
    for (const f of this.req.query.filters) {
      if (!pathMatches(f.path, path)) continue;
      const planned = this.filter(relation, embeds, f.node);
      if (!planned.ok) return planned;
      where.push(planned.value);
    }
    // `!inner` embeds keep only parents that have a match.
    for (const e of embeds) if (e.join === 'inner') where.push({ kind: 'embedPresence', embed: e, present: true });
    const order: PlannedOrder[] = [];
    for (const o of this.req.query.order) {
      if (!pathMatches(o.path, path)) continue;
      for (const term of o.terms) {
        const planned = this.order(relation, embeds, term);
        if (!planned.ok) return planned;
        order.push(planned.value);
      }
    }
    const page = path.length > 0 ? this.req.query.paging.find((p) => pathMatches(p.path, path)) : undefined;
    return ok({
      relation,
      alias,
      items,
      where,
      order,
      ...(page?.limit !== undefined && { limit: page.limit }),
      ...(page?.offset !== undefined && { offset: page.offset }),
      grouped,
    });
  }

  private column(relation: Relation, field: FieldRef): Outcome<ColumnExpr> {
    const column = relation.columnsByName.get(field.name);
    if (!column) {
      const near = closestName(field.name, relation.columnsByName.keys());
      return failWith(undefinedColumn(relation.name, field.name, near));
    }
    return ok({ column, json: field.json });
  }

  private cast(name: string | undefined): Outcome<SqlType | undefined> {
    if (name === undefined) return ok(undefined);
    const t = sqlTypeFor(name);
    if (!t) return failWith(undefinedType(name, Object.keys(SQL_TYPES)));
    return ok(t);
  }

  private item(relation: Relation, item: SelectItem, path: NodePath): Outcome<PlannedItem[]> {
    switch (item.kind) {
      case 'star':
        return ok(relation.columns.map((column) => ({ kind: 'column' as const, column, json: [], name: column.name })));
      case 'count': {
        const cast = this.cast(item.cast);
        if (!cast.ok) return cast;
        return ok([{ kind: 'count', name: item.alias ?? 'count', ...(cast.value && { cast: cast.value }) }]);
      }
      case 'field': {
        // Legacy `rel(count)`: a bare `count` where no such column exists means count().
        if (
          item.field.name === 'count' &&
          item.field.json.length === 0 &&
          !item.aggregate &&
          !item.cast &&
          !relation.columnsByName.has('count')
        ) {
          return ok([{ kind: 'count', name: item.alias ?? 'count' }]);
        }
        const col = this.column(relation, item.field);
        if (!col.ok) return col;
        const cast = this.cast(item.cast);
        if (!cast.ok) return cast;
        const aggregateCast = this.cast(item.aggregateCast);
        if (!aggregateCast.ok) return aggregateCast;
        const lastKey = item.field.json[item.field.json.length - 1]?.key;
        const name = item.alias ?? item.aggregate ?? lastKey ?? item.field.name;
        return ok([
          {
            kind: 'column',
            ...col.value,
            name,
            ...(cast.value && { cast: cast.value }),
            ...(item.aggregate && { aggregate: item.aggregate }),
            ...(aggregateCast.value && { aggregateCast: aggregateCast.value }),
          },
        ]);
      }
      case 'embed': {
        const found = this.relationship(relation, item.relation, item.hint);
        if (!found.ok) return found;
        const { relationship, target } = found.value;
        const name = item.alias ?? item.relation;
        if (item.spread && !relationship.toOne) {
          return failWith(
            E.notImplemented(
              `Spreading '${item.relation}' is not supported: '${relation.name}' and '${item.relation}' do not form a many-to-one or one-to-one relationship`,
            ),
          );
        }
        const node = this.node(target, item.select, [...path, { name, relation: item.relation }]);
        if (!node.ok) return node;
        const embed: PlannedEmbed = {
          name,
          spread: item.spread,
          join: item.join ?? 'left',
          relationship,
          node: node.value,
          lateral: `${node.value.alias}_e`,
        };
        return ok([{ kind: 'embed', embed }]);
      }
    }
  }

  private relationship(
    source: Relation,
    name: string,
    hint: string | undefined,
  ): Outcome<{ relationship: Relationship; target: Relation }> {
    const all = relationshipsFrom(this.cache, source).filter((r) => this.cache.config.dbSchemas.includes(r.target.schema));
    const byName = all.filter(
      (r) =>
        (r.target.name === name && r.target.schema === source.schema) ||
        (r.kind !== 'many-to-many' && r.constraint === name) ||
        // Embedding by a foreign-key column names the table it points to.
        (r.kind === 'many-to-one' && r.columns.length === 1 && r.columns[0]![0] === name),
    );
    const matches = hint === undefined ? byName : narrowByHint(byName, hint);
    if (matches.length === 0) {
      const near = closestName(name, new Set(all.map((r) => r.target.name)));
      return failWith(
        E.noRelationship(
          source.name,
          name,
          `Searched for a foreign key relationship between '${source.name}' and '${name}'${hint !== undefined ? ` using the hint '${hint}'` : ''} in the schema '${source.schema}', but no matches were found.`,
          near && near !== name ? `Perhaps you meant '${near}' instead of '${name}'.` : null,
        ),
      );
    }
    if (matches.length > 1) {
      return failWith(
        E.ambiguousEmbed(
          source.name,
          name,
          matches.map(describeRelationship),
          `Try changing '${name}' to one of the following: ${matches.map((r) => `'${name}!${hintFor(r)}'`).join(', ')}. Find the desired relationship in the 'details' key.`,
        ),
      );
    }
    const relationship = matches[0]!;
    const target = findRelation(this.cache, relationship.target.schema, relationship.target.name);
    if (!target) return failWith(E.noRelationship(source.name, name));
    return ok({ relationship, target });
  }

  private filter(relation: Relation, embeds: readonly PlannedEmbed[], f: FilterNode): Outcome<PlannedFilter> {
    if (f.kind !== 'condition') {
      const children: PlannedFilter[] = [];
      for (const c of f.children) {
        const p = this.filter(relation, embeds, c);
        if (!p.ok) return p;
        children.push(p.value);
      }
      return ok({ kind: 'group', op: f.kind, negated: f.negated, children });
    }
    const embed = embeds.find((e) => e.name === f.field.name);
    if (embed && f.field.json.length === 0) {
      if (f.operator === 'is' && (f.value === 'null' || f.value === 'not_null')) {
        return ok({ kind: 'embedPresence', embed, present: (f.value === 'not_null') !== f.negated });
      }
      return failWith(E.embedFilterOperator(embed.name));
    }
    const col = this.column(relation, f.field);
    if (!col.ok) return col;
    return ok({
      kind: 'condition',
      ...col.value,
      negated: f.negated,
      operator: f.operator,
      ...(f.quantifier && { quantifier: f.quantifier }),
      ...(f.language !== undefined && { language: f.language }),
      value: f.value,
    });
  }

  private order(relation: Relation, embeds: readonly PlannedEmbed[], term: OrderTerm): Outcome<PlannedOrder> {
    const common = { ...(term.direction && { direction: term.direction }), ...(term.nulls && { nulls: term.nulls }) };
    if (term.relation === undefined) {
      const col = this.column(relation, term.field);
      if (!col.ok) return col;
      return ok({ ...col.value, ...common });
    }
    const via = embeds.find((e) => e.name === term.relation);
    if (!via) {
      return failWith(E.notEmbedded(term.relation));
    }
    if (!via.relationship.toOne) {
      return failWith(E.relatedOrderNotToOne(term.relation, relation.name));
    }
    const col = this.column(via.node.relation, term.field);
    if (!col.ok) return col;
    return ok({ ...col.value, via, ...common });
  }
}

/**
 * A hint names a foreign key, a junction table, or a column. A column on the embedding side
 * wins over one on the embedded side, so `employees!manager_id` is the manager, not the reports.
 */
function narrowByHint(candidates: readonly Relationship[], hint: string): Relationship[] {
  const byKey = candidates.filter((r) =>
    r.kind === 'many-to-many'
      ? r.junction.name === hint || r.sourceConstraint === hint || r.targetConstraint === hint
      : r.constraint === hint,
  );
  if (byKey.length > 0) return byKey;
  const bySource = candidates.filter((r) => r.kind !== 'many-to-many' && r.columns.some(([s]) => s === hint));
  if (bySource.length > 0) return bySource;
  return candidates.filter((r) => r.kind !== 'many-to-many' && r.columns.some(([, t]) => t === hint));
}

function hintFor(r: Relationship): string {
  return r.kind === 'many-to-many' ? r.junction.name : r.constraint;
}

function describeRelationship(r: Relationship): { cardinality: string; embedding: string; relationship: string } {
  const embedding = `${r.source.name} with ${r.target.name}`;
  if (r.kind === 'many-to-many') {
    return {
      cardinality: r.kind,
      embedding,
      relationship: `${r.junction.name} using ${r.sourceConstraint}(${r.sourceColumns.map((c) => c[1]).join(', ')}) and ${r.targetConstraint}(${r.targetColumns.map((c) => c[0]).join(', ')})`,
    };
  }
  return {
    cardinality: r.kind,
    embedding,
    relationship: `${r.constraint} using ${r.source.name}(${r.columns.map((c) => c[0]).join(', ')}) and ${r.target.name}(${r.columns.map((c) => c[1]).join(', ')})`,
  };
}
