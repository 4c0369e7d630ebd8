/**
 * ApiRequest + SchemaCache → ActionPlan. Every name in the request is resolved here (schema,
 * relation, column, relationship, cast), so every name error is raised here with PostgREST's
 * code, and later stages only see names that exist.
 */
import type { EmbedPath, FieldRef, FilterNode, OrderTerm, SelectItem } from '../../../shared/dataapi/ast';
import { failWith, succeed as ok, type Outcome } from '../errors/ApiError';
import * as E from '../errors/pgrstErrors';
import { duplicateTableName, undefinedColumn, undefinedType } from '../errors/sqlStateStatus';
import type { ApiRequest, MediaType, Mutation } from '../request/ApiRequest';
import type {
  Column,
  EmbedRelationship,
  QualifiedName,
  Relation,
  Relationship,
  Routine,
  RoutineParam,
  SchemaCache,
} from '../schema-cache/SchemaCache';
import { computedField, findRelation, relationKey, relationshipsFrom, representation } from '../schema-cache/SchemaCache';
import type {
  ActionPlan,
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
import { isDefaultSelect, resolveMedia } from './resolveMedia';
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
  const plans = plansAllowed(cache, options);
  const media = req.accepted.find((m) => m.kind !== 'plan' || plans);
  return media ? ok(media) : failWith(E.mediaTypeUnavailable(req.headers['accept'] ?? ''));
}

function plansAllowed(cache: SchemaCache, options: PlanOptions): boolean {
  return cache.config.planEnabled || options.explain === true;
}

export function planRequest(req: ApiRequest, cache: SchemaCache, options: PlanOptions = {}): Outcome<ActionPlan> {
  const schema = resolveSchema(req, cache);
  if (!schema.ok) return schema;
  const chosen = chooseMedia(req, cache, options);
  if (!chosen.ok) return chosen;
  const media = chosen.value;
  const prefs = req.preferences;
  // A time zone the database does not know is an invalid preference, as in PostgREST.
  const timezone = prefs.timezone !== undefined && cache.timezones.has(prefs.timezone) ? prefs.timezone : undefined;
  const invalid = [...prefs.unknown, ...(prefs.timezone !== undefined && timezone === undefined ? [`timezone=${prefs.timezone}`] : [])];
  // Never ignore what is not understood: a preference the engine does not know (or an invalid
  // value of one it knows) is refused, unless the client asked for PostgREST's lenient handling.
  if (invalid.length > 0 && prefs.handling !== 'lenient') return failWith(E.invalidPreferences(invalid));
  const target = req.target;
  if (target.kind === 'root') {
    if (req.action.kind !== 'read') return failWith(E.unsupportedMethod(req.method));
    const mode = cache.config.openApiMode ?? 'follow-privileges';
    if (mode === 'disabled') return failWith(E.openApiDisabled());
    if (media.kind === 'unmatched') return failWith(E.mediaTypeUnavailable(media.accept));
    return ok({
      kind: 'openapi',
      schema: schema.value,
      cache,
      headOnly: req.action.headOnly,
      media,
      ignorePrivileges: mode === 'ignore-privileges',
    });
  }
  if (req.query.paging.some((p) => p.limit !== undefined && p.limit < 0)) {
    return failWith(E.rangeNotSatisfiable('Limit should be greater than or equal to zero.'));
  }
  // PostgREST answers Content-Profile when the schema was chosen by a profile header, or could have been.
  const negotiated = req.profile !== undefined || (target.schema === undefined && cache.config.dbSchemas.length > 1);
  const common: Common = {
    timezone,
    maxRows: options.maxRows ?? cache.config.maxRows,
    media,
    plans: plansAllowed(cache, options),
    ...(negotiated && { contentProfile: schema.value }),
  };
  if (target.kind === 'routine') return planCall(req, cache, schema.value, target.name, common);
  const relation = findRelation(cache, schema.value, target.name);
  if (!relation) {
    const names = [...cache.relations.values()].filter((r) => r.schema === schema.value).map((r) => r.name);
    const near = closestName(target.name, names);
    return failWith(E.noRelation(schema.value, target.name, near));
  }
  if (req.action.kind === 'mutate') return planMutation(req, cache, schema.value, relation, req.action.mutation, common);
  if (req.action.kind !== 'read') return failWith(E.unsupportedMethod(req.method));
  const readMedia = resolveMedia(req, cache, common, relation, isDefaultSelect(req.query.select));
  if (!readMedia.ok) return readMedia;
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
    ...(common.contentProfile !== undefined && { contentProfile: common.contentProfile }),
    root: root.value,
    headOnly: req.action.headOnly,
    media: readMedia.value,
    ...(prefs.count !== undefined && { count: prefs.count }),
    ...(timezone !== undefined && { timezone }),
    preferencesApplied: appliedPreferences(req, cache, timezone, {}),
    offset: window.offset,
    ...(window.limit !== undefined && { limit: window.limit }),
    estimateThreshold: maxRows ?? 1000,
  });
}

interface Common {
  readonly timezone: string | undefined;
  readonly maxRows: number | undefined;
  readonly media: MediaType;
  /** Query plans may be produced (pgrst.db_plan_enabled, or an in-process caller that may explain). */
  readonly plans: boolean;
  readonly contentProfile?: string;
}

/** db-tx-end: whether transactions commit, and whether `Prefer: tx=` may say otherwise (Lakebase: commit, may). */
function txEnd(cache: SchemaCache): { rollbackAll: boolean; allowOverride: boolean } {
  const te = cache.config.txEnd ?? 'commit-allow-override';
  return { rollbackAll: te.startsWith('rollback'), allowOverride: te.endsWith('allow-override') };
}

/** The transaction-end preferences every write and call honours. */
function txPlan(req: ApiRequest, cache: SchemaCache): TxPlan {
  const p = req.preferences;
  const te = txEnd(cache);
  const rollback = te.allowOverride && p.tx !== undefined ? p.tx === 'rollback' : te.rollbackAll;
  return { rollback, ...(p.handling === 'strict' && p.maxAffected !== undefined && { maxAffected: p.maxAffected }) };
}

/**
 * Preference-Applied, in PostgREST's order: resolution, missing, return, count, tx, handling,
 * timezone, max-affected; each only where PostgREST applies it.
 */
function appliedPreferences(
  req: ApiRequest,
  cache: SchemaCache,
  timezone: string | undefined,
  applies: { resolution?: boolean; missing?: boolean; return?: boolean; maxAffected?: boolean; extra?: readonly string[] },
): string[] {
  const p = req.preferences;
  return [
    ...(applies.resolution && p.resolution ? [`resolution=${p.resolution}`] : []),
    ...(applies.missing && p.missing ? [`missing=${p.missing}`] : []),
    ...(applies.return && p.return ? [`return=${p.return}`] : []),
    ...(p.count ? [`count=${p.count}`] : []),
    ...(p.tx && txEnd(cache).allowOverride ? [`tx=${p.tx}`] : []),
    ...(p.handling ? [`handling=${p.handling}`] : []),
    ...(timezone !== undefined ? [`timezone=${timezone}`] : []),
    ...(applies.maxAffected && p.handling === 'strict' && p.maxAffected !== undefined ? [`max-affected=${p.maxAffected}`] : []),
    ...(applies.extra ?? []),
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
  if (payload?.kind === 'value' || payload?.kind === 'raw') {
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

  const media = resolveMedia(req, cache, common, relation, isDefaultSelect(req.query.select));
  if (!media.ok) return media;
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
  // PostgREST sends Location for an insert answered with return=headers-only (of one row, checked when it ran).
  const locating = mutation === 'create' && ret === 'headers-only';
  const location = locating && relation.primaryKey.length > 0 ? columnsOf(relation, relation.primaryKey) : ok([] as Column[]);
  if (!location.ok) return location;
  const payloadJson = mutation === 'update' ? JSON.stringify(rows[0] ?? {}) : JSON.stringify(rows);
  return ok({
    kind: 'mutate',
    ...(common.contentProfile !== undefined && { contentProfile: common.contentProfile }),
    mutation,
    relation,
    columns: columns.value,
    payload: payloadJson,
    parsers: new Map(
      columns.value.flatMap((c) => {
        const fn = representation(cache, 'json', c.type);
        return fn ? [[c.name, fn] as const] : [];
      }),
    ),
    missingDefault: prefs.missing === 'default',
    target: target.value,
    ...(page?.limit !== undefined && { limit: page.limit }),
    ...(page?.offset !== undefined && { offset: page.offset }),
    ...(onConflict && { onConflict }),
    ...(returning && { returning }),
    return: ret,
    media: media.value,
    location: location.value,
    ...(prefs.count !== undefined && { count: prefs.count }),
    tx: txPlan(req, cache),
    ...(common.timezone !== undefined && { timezone: common.timezone }),
    preferencesApplied: appliedPreferences(req, cache, common.timezone, {
      resolution: mutation === 'create' && (relation.primaryKey.length > 0 || req.onConflict !== undefined),
      missing: mutation === 'create' || mutation === 'update',
      return: true,
      maxAffected: mutation === 'update' || mutation === 'delete',
    }),
  });
}

const isInput = (p: RoutineParam) => p.mode === 'i' || p.mode === 'b' || p.mode === 'v';
const JSON_TYPES = new Set(['json', 'jsonb']);

/** What a call's body is, as PostgREST tells the single-unnamed-parameter cases apart. */
type BodyMedia = 'json' | 'text' | 'xml' | 'octet' | 'form' | 'none';

function bodyMedia(req: ApiRequest): BodyMedia {
  const p = req.payload;
  if (p === undefined) return 'none';
  if (p.kind === 'raw') return p.media;
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' ? 'form' : 'json';
}

/**
 * The argument names a call gives: GET's query-string parameters (those that are not filters),
 * or POST's body keys (or `columns=`). Values for GET and form bodies, by name, repeated names
 * kept as lists (variadic arguments).
 */
function callKeys(req: ApiRequest, getCall: boolean): { keys: string[]; values: Map<string, string[]> } {
  const values = new Map<string, string[]>();
  if (getCall) {
    for (const [k, v] of req.query.params ?? []) values.set(k, [...(values.get(k) ?? []), v]);
    return { keys: [...values.keys()], values };
  }
  const p = req.payload;
  if (p?.kind === 'rows' && bodyMedia(req) === 'form') for (const [k, v] of Object.entries(p.rows[0] ?? {})) values.set(k, [String(v)]);
  if (req.columns !== undefined) return { keys: [...req.columns], values };
  return { keys: p?.kind === 'rows' ? [...p.keys] : [], values };
}

/** PostgREST's order of overloads: fewer parameters first, then by parameter names and types. */
function compareRoutines(a: Routine, b: Routine): number {
  const pa = a.params.filter(isInput);
  const pb = b.params.filter(isInput);
  if (pa.length !== pb.length) return pa.length - pb.length;
  for (let i = 0; i < pa.length; i++) {
    const x = `${pa[i]!.name}\u0000${pa[i]!.type}`;
    const y = `${pb[i]!.name}\u0000${pb[i]!.type}`;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const signature = (r: Routine) =>
  `${r.schema}.${r.name}(${r.params
    .filter(isInput)
    .map((p) => `${p.name} => ${p.type}`)
    .join(', ')})`;

/**
 * PostgREST's findProc: among the functions of that name, those whose required parameters are
 * exactly the given names (optional ones may be given too); failing those, a function whose one
 * unnamed parameter takes the whole body (json/jsonb for JSON, text, xml, bytea for raw bodies).
 */
function findRoutine(
  cache: SchemaCache,
  schema: string,
  name: string,
  keys: readonly string[],
  post: boolean,
  media: BodyMedia,
): Outcome<Routine> {
  const overloads = cache.routines.filter((r) => r.schema === schema && r.name === name).sort(compareRoutines);
  const given = new Set(keys);
  const rawBody = post && (media === 'text' || media === 'xml' || media === 'octet');
  const matchesParams = (r: Routine) => {
    const params = r.params.filter(isInput);
    if (params.length === 0) return given.size === 0 && !rawBody;
    const required = params.filter((p) => !p.hasDefault).map((p) => p.name);
    const optional = new Set(params.filter((p) => p.hasDefault).map((p) => p.name));
    const rest = [...given].filter((k) => !optional.has(k));
    return rest.length === required.length && required.every((k) => given.has(k)) && new Set(required).size === required.length;
  };
  const singleUnnamed = (r: Routine) => {
    const params = r.params.filter(isInput);
    if (!post || params.length !== 1 || params[0]!.name !== '') return false;
    const type = params[0]!.type;
    return (
      (media === 'json' && JSON_TYPES.has(type)) ||
      (media === 'text' && type === 'text') ||
      (media === 'xml' && type === 'xml') ||
      (media === 'octet' && type === 'bytea')
    );
  };
  const byParams = overloads.filter(matchesParams);
  const fallback = overloads.filter((r) => !matchesParams(r) && singleUnnamed(r));
  const found = byParams.length > 0 ? byParams : fallback;
  if (found.length === 1) return ok(found[0]!);
  if (found.length > 1) {
    return failWith(E.ambiguousFunction(found.map(signature)));
  }
  const sorted = [...keys].sort();
  const onlyRaw = rawBody;
  const described = sorted.length === 0 ? ' without parameters' : ` with parameter${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}`;
  const searched =
    post && media === 'text'
      ? ' with a single unnamed text parameter'
      : post && media === 'xml'
        ? ' with a single unnamed xml parameter'
        : post && media === 'octet'
          ? ' with a single unnamed bytea parameter'
          : post && (media === 'json' || media === 'none')
            ? `${described} or with a single unnamed json/jsonb parameter`
            : described;
  let hint: string | null = null;
  if (!onlyRaw) {
    if (overloads.length === 0) {
      const near = closestName(name, new Set(cache.routines.filter((r) => r.schema === schema).map((r) => r.name)));
      hint = near !== undefined && near !== name ? `Perhaps you meant to call the function ${schema}.${near}` : null;
    } else {
      const lists = overloads.map(
        (r) =>
          `(${r.params
            .filter(isInput)
            .map((p) => p.name)
            .sort()
            .join(', ')})`,
      );
      const near = closestName(`(${sorted.join(', ')})`, lists);
      hint = near !== undefined ? `Perhaps you meant to call the function ${schema}.${name}${near}` : null;
    }
  }
  return failWith(
    E.noFunction(
      `Could not find the function ${schema}.${name}${onlyRaw ? '' : sorted.length === 0 ? ' without parameters' : `(${sorted.join(', ')})`} in the schema cache`,
      `Searched for the function ${schema}.${name}${searched}, but no matches were found in the schema cache.`,
      hint,
    ),
  );
}

function planCall(req: ApiRequest, cache: SchemaCache, schema: string, name: string, common: Common): Outcome<CallPlan> {
  const action = req.action;
  if (action.kind !== 'call') return failWith(E.unsupportedMethod(req.method));
  const getCall = action.readOnly;
  const media = bodyMedia(req);
  const singleObject = req.preferences.params === 'single-object';
  const { keys, values } = callKeys(req, getCall);
  let routine: Routine;
  // Prefer: params=single-object (older PostgREST): the whole JSON body to a single json parameter.
  const singleJson = singleObject
    ? cache.routines.filter((r) => {
        const inputs = r.params.filter(isInput);
        return r.schema === schema && r.name === name && inputs.length === 1 && JSON_TYPES.has(inputs[0]!.type);
      })
    : [];
  if (singleJson.length === 1) {
    routine = singleJson[0]!;
  } else {
    const found = findRoutine(cache, schema, name, keys, !getCall, media);
    if (!found.ok) return found;
    routine = found.value;
  }
  // A function's result is negotiated as its table's rows, or as the function itself (PostgREST's rule).
  const resultMedia = resolveMedia(
    req,
    cache,
    common,
    routine.returnRelation ?? { schema: routine.schema, name: routine.name },
    isDefaultSelect(req.query.select),
  );
  if (!resultMedia.ok) return resultMedia;
  const inputs = routine.params.filter(isInput);
  let args: CallPlan['args'];
  if (singleJson.length === 1 || (inputs.length === 1 && inputs[0]!.name === '')) {
    // The one unnamed parameter takes the body itself (GET: the parameters as a JSON object).
    const type = inputs[0]!.type;
    const p = req.payload;
    const value: string | Buffer | null = getCall
      ? JSON.stringify(Object.fromEntries([...values].map(([k, v]) => [k, v.length > 1 ? v : v[0]])))
      : p === undefined
        ? null
        : p.kind === 'raw'
          ? type === 'bytea'
            ? p.bytes
            : p.bytes.toString('utf8')
          : p.kind === 'value'
            ? JSON.stringify(p.value)
            : JSON.stringify(p.array ? p.rows : (p.rows[0] ?? {}));
    args = { kind: 'positional', type, value };
  } else {
    const given = new Set(keys);
    const named = inputs.filter((p) => given.has(p.name)).map((p) => ({ name: p.name, type: p.type, variadic: p.mode === 'v' }));
    if (named.length === 0) {
      args = { kind: 'none' };
    } else if (getCall || media === 'form') {
      // Text values, each cast by Postgres to its parameter's type; a variadic one takes every repeat.
      args = {
        kind: 'text',
        params: named.map((a) => {
          const v = values.get(a.name) ?? [];
          return { ...a, value: a.variadic ? v : (v[0] ?? null) };
        }),
      };
    } else {
      const p = req.payload;
      const body = p?.kind === 'rows' ? (p.rows[0] ?? {}) : {};
      args = { kind: 'named', params: named, json: JSON.stringify(body) };
    }
  }

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
    ...(common.contentProfile !== undefined && { contentProfile: common.contentProfile }),
    routine,
    args,
    shape,
    readOnly: action.readOnly || routine.volatility !== 'volatile',
    headOnly: action.headOnly,
    media: resultMedia.value,
    ...(prefs.count !== undefined && { count: prefs.count }),
    offset: window.offset,
    ...(window.limit !== undefined && { limit: window.limit }),
    tx: txPlan(req, cache),
    ...(common.timezone !== undefined && { timezone: common.timezone }),
    preferencesApplied: appliedPreferences(req, cache, common.timezone, {
      maxAffected: true,
      extra: singleJson.length === 1 ? ['params=single-object'] : [],
    }),
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
  // The Range header applies to reads only (RFC 9110), as PostgREST reads it.
  if (req.range && (req.method === 'GET' || req.method === 'HEAD')) {
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
    const outer = this.depth;
    for (const item of select) {
      this.depth = path.length;
      const planned = this.item(relation, item, path);
      if (!planned.ok) return planned;
      items.push(...planned.value);
    }
    this.depth = path.length;
    try {
      return this.nodeRest(relation, select, path, alias, items);
    } finally {
      this.depth = outer;
    }
  }

  private nodeRest(
    relation: Relation,
    select: readonly SelectItem[],
    path: NodePath,
    alias: string,
    items: PlannedItem[],
  ): Outcome<ReadNode> {
    // Output names (aliases, or a JSON path's last key) become quoted SQL identifiers, and the
    // protocol ends a statement's text at NUL: such a name would cut the statement short.
    for (const i of items) {
      const name = i.kind === 'embed' ? i.embed.name : i.name;
      if (name.includes('\0')) return failWith(E.nulInName(name));
    }
    // PostgREST names each embed's subquery <table>_<alias or name>_<depth>: two of one name at one
    // level meet in Postgres as 42712. Answering that keeps two embeds from sharing one output key.
    const embedNames = new Set<string>();
    for (const i of select) {
      if (i.kind !== 'embed') continue;
      const key = i.alias ?? i.relation;
      if (embedNames.has(key)) {
        return failWith(duplicateTableName(`${relation.name}_${key}_${path.length + 1}`));
      }
      embedNames.add(key);
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

  /** The depth of the node being planned: PostgREST's SQL names an embedded relation `<name>_<depth>`, and so do its errors. */
  private depth = 0;

  private column(relation: Relation, field: FieldRef, depth = this.depth): Outcome<ColumnExpr> {
    const column = relation.columnsByName.get(field.name) ?? computedField(this.cache, relation, field.name);
    if (!column) {
      const label = depth === 0 ? relation.name : `${relation.name}_${depth}`;
      const near = closestName(field.name, relation.columnsByName.keys());
      return failWith(undefinedColumn(label, field.name, near));
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
        return ok(
          relation.columns.map((column) => {
            const transform = this.outputRepresentation(column);
            return { kind: 'column' as const, column, json: [], name: column.name, ...(transform && { transform }) };
          }),
        );
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
        // PostgREST names a JSON path by its last key; array indexes do not name anything (`data->>0` is `data`).
        const lastKey = [...item.field.json].reverse().find((step) => !/^-?\d+$/.test(step.key))?.key;
        const name = item.alias ?? item.aggregate ?? lastKey ?? item.field.name;
        const transform = item.field.json.length === 0 ? this.outputRepresentation(col.value.column) : undefined;
        return ok([
          {
            kind: 'column',
            ...col.value,
            name,
            ...(cast.value && { cast: cast.value }),
            ...(transform && { transform }),
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
        const node = this.node(target, item.select, [...path, { name, relation: item.relation }]);
        if (!node.ok) return node;
        // A to-many spread lifts each column as an array of its values; aggregating inside it is not done (as in PostgREST).
        if (item.spread && !relationship.toOne && hasAggregate(node.value)) {
          return failWith(E.notImplemented('Aggregates are not implemented for one-to-many or many-to-many spreads.'));
        }
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

  /**
   * PostgREST's findRel: the relationships from `source` to relations of its own schema (computed
   * ones first, overriding a foreign key to a table of the function's name), then narrowed by
   * the name and the hint exactly as PostgREST narrows them, self-references included.
   */
  private relationship(
    source: Relation,
    name: string,
    hint: string | undefined,
  ): Outcome<{ relationship: EmbedRelationship; target: Relation }> {
    const schema = source.schema;
    const computed = (this.cache.computedRelationships?.get(relationKey(source)) ?? []).filter(
      (c) => c.function.schema === schema && this.cache.config.dbSchemas.includes(c.target.schema),
    );
    const overridden = new Set(computed.map((c) => c.function.name));
    const candidates: EmbedRelationship[] = [
      ...computed,
      ...relationshipsFrom(this.cache, source).filter((r) => r.target.schema === schema && !overridden.has(r.target.name)),
    ].sort(compareRelationships);
    const isView = (q: QualifiedName) => {
      const kind = findRelation(this.cache, q.schema, q.name)?.kind;
      return kind === 'view' || kind === 'materialized_view';
    };
    const matches = candidates.filter((r) => {
      if (r.kind === 'computed') return r.function.name === name;
      const self = r.source.schema === r.target.schema && r.source.name === r.target.name;
      // [origin column, target column] of a single-column key.
      const single = r.kind !== 'many-to-many' && r.columns.length === 1 ? r.columns[0] : undefined;
      const constraint = r.kind !== 'many-to-many' ? r.constraint : undefined;
      if (self) {
        // One key, two directions: the table's name means the children (one-to-many), the key
        // column's name the parent (many-to-one); a hint names the children's key column.
        if (hint === undefined)
          return (r.target.name === name && r.kind === 'one-to-many') || (single?.[0] === name && r.kind === 'many-to-one');
        return r.target.name === name && r.kind === 'one-to-many' && single?.[1] === hint;
      }
      if (hint === undefined) return r.target.name === name || (!isView(r.target) && (constraint === name || single?.[0] === name));
      return (
        r.target.name === name &&
        (constraint === hint || single?.[0] === hint || single?.[1] === hint || (r.kind === 'many-to-many' && r.junction.name === hint))
      );
    });
    if (matches.length === 0) {
      const childNames = new Set(candidates.map((r) => r.target.name));
      const near =
        candidates.length > 0
          ? closestName(
              name,
              [...childNames].filter((n) => n !== name),
            )
          : closestName(
              source.name,
              [...this.cache.relationships.keys()].flatMap((k) => {
                const [s, n] = k.split('\u0000');
                return s === schema && n !== undefined ? [n] : [];
              }),
            );
      return failWith(
        E.noRelationship(
          source.name,
          name,
          `Searched for a foreign key relationship between '${source.name}' and '${name}${hint !== undefined ? `' using the hint '${hint}` : ''}' in the schema '${schema}', but no matches were found.`,
          near === undefined
            ? null
            : candidates.length > 0
              ? `Perhaps you meant '${near}' instead of '${name}'.`
              : `Perhaps you meant '${near}' instead of '${source.name}'.`,
        ),
      );
    }
    if (matches.length > 1) {
      const fks = matches.filter((r): r is Relationship => r.kind !== 'computed');
      return failWith(
        E.ambiguousEmbed(
          source.name,
          name,
          fks.map(describeRelationship),
          `Try changing '${name}' to one of the following: ${fks.map((r) => `'${r.target.name}!${hintFor(r)}'`).join(', ')}. Find the desired relationship in the 'details' key.`,
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
    // A domain with a text representation reads the filter's value through it.
    const parse = f.field.json.length === 0 && !f.quantifier ? representation(this.cache, 'text', col.value.column.type) : undefined;
    return ok({
      kind: 'condition',
      ...col.value,
      negated: f.negated,
      operator: f.operator,
      ...(f.quantifier && { quantifier: f.quantifier }),
      ...(f.language !== undefined && { language: f.language }),
      value: f.value,
      ...(parse && { parse }),
    });
  }

  /** The data representation a column's value is output through: domain → json (text for CSV). */
  private outputRepresentation(column: Column): QualifiedName | undefined {
    return representation(this.cache, column.type, this.req.accepted.find((m) => m.kind !== 'plan')?.kind === 'csv' ? 'text' : 'json');
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
    const col = this.column(via.node.relation, term.field, this.depth + 1);
    if (!col.ok) return col;
    return ok({ ...col.value, via, ...common });
  }
}

/** Whether a node or a spread inside it aggregates. */
function hasAggregate(node: ReadNode): boolean {
  return node.items.some(
    (i) =>
      i.kind === 'count' ||
      (i.kind === 'column' && i.aggregate !== undefined) ||
      (i.kind === 'embed' && i.embed.spread && hasAggregate(i.embed.node)),
  );
}

function hintFor(r: Relationship): string {
  return r.kind === 'many-to-many' ? r.junction.name : r.constraint;
}

const CARDINALITY_ORDER = { 'one-to-many': 0, 'many-to-one': 1, 'one-to-one': 2, 'many-to-many': 3 } as const;

/** PostgREST's order of relationships (its derived Ord): the one its PGRST201 details list them in. */
function compareRelationships(a: EmbedRelationship, b: EmbedRelationship): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  if (a.kind === 'computed' || b.kind === 'computed') {
    if (a.kind === 'computed' && b.kind === 'computed') return text(a.function.name, b.function.name);
    return a.kind === 'computed' ? 1 : -1;
  }
  const self = (r: Relationship) => (r.source.schema === r.target.schema && r.source.name === r.target.name ? 1 : 0);
  return (
    text(a.target.schema, b.target.schema) ||
    text(a.target.name, b.target.name) ||
    self(a) - self(b) ||
    CARDINALITY_ORDER[a.kind] - CARDINALITY_ORDER[b.kind] ||
    text(a.kind === 'many-to-many' ? a.junction.name : a.constraint, b.kind === 'many-to-many' ? b.junction.name : b.constraint)
  );
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
