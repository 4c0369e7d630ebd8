/**
 * ApiRequest + SchemaCache → ActionPlan. Every name in the request is resolved here (schema,
 * relation, column, relationship, cast), so every name error is raised here with PostgREST's
 * code, and later stages only see names that exist.
 */
import { ok } from '../../../shared/contract/result';
import type { EmbedPath, FieldRef, FilterNode, OrderTerm, SelectItem } from '../../../shared/dataapi/ast';
import { refuse, type Outcome } from '../ApiError';
import type { ApiRequest } from '../request/ApiRequest';
import type { Relation, Relationship, SchemaCache } from '../schema-cache/SchemaCache';
import { findRelation, relationshipsFrom } from '../schema-cache/SchemaCache';
import type { ActionPlan, ColumnExpr, PlannedEmbed, PlannedFilter, PlannedItem, PlannedOrder, ReadNode } from './ActionPlan';
import { closestName } from './closestName';
import { SQL_TYPES, sqlTypeFor, type SqlType } from './sqlTypes';

export interface PlanOptions {
  /** Caps the rows of the top-level result (PostgREST's db-max-rows); else pgrst.db_max_rows. */
  readonly maxRows?: number;
}

export function planRequest(req: ApiRequest, cache: SchemaCache, options: PlanOptions = {}): Outcome<ActionPlan> {
  const schema = resolveSchema(req, cache);
  if (!schema.ok) return schema;
  const target = req.target;
  if (target.kind === 'root') {
    return refuse('PGRST126', 'Root endpoint metadata is disabled', null, 'Pier does not serve an OpenAPI description yet.');
  }
  if (target.kind === 'routine') {
    return refuse(
      'PGRST202',
      `Could not find the function ${schema.value}.${target.name} in the schema cache`,
      null,
      'Pier does not run functions through the Data API yet.',
    );
  }
  const relation = findRelation(cache, schema.value, target.name);
  if (!relation) {
    const names = [...cache.relations.values()].filter((r) => r.schema === schema.value).map((r) => r.name);
    const near = closestName(target.name, names);
    return refuse(
      'PGRST205',
      `Could not find the table '${schema.value}.${target.name}' in the schema cache`,
      null,
      near ? `Perhaps you meant the table '${schema.value}.${near}'` : null,
    );
  }
  if (req.action.kind !== 'read') return refuse('PGRST117', `Unsupported HTTP method: ${req.method}`);
  const prefs = req.preferences;
  const timezone = prefs.timezone !== undefined && cache.timezones.has(prefs.timezone) ? prefs.timezone : undefined;
  const invalid = [...prefs.unknown, ...(prefs.timezone !== undefined && timezone === undefined ? [`timezone=${prefs.timezone}`] : [])];
  if (prefs.handling === 'strict' && invalid.length > 0) {
    return refuse('PGRST122', 'Invalid preferences given with handling=strict', `Invalid preferences: ${invalid.join(', ')}`);
  }
  if (req.query.paging.some((p) => p.limit !== undefined && p.limit < 0)) {
    return refuse('PGRST103', 'Requested range not satisfiable', 'Limit should be greater than or equal to zero.');
  }
  const planner = new NodePlanner(req, cache, schema.value);
  const root = planner.node(relation, req.query.select ?? [{ kind: 'star' }], []);
  if (!root.ok) return root;
  const unknownPath = planner.unusedPath();
  if (unknownPath) {
    const name = unknownPath[unknownPath.length - 1]!;
    return refuse('PGRST108', `'${name}' is not an embedded resource in this request`, null, `Verify that '${name}' is included in the 'select' query parameter.`);
  }
  const maxRows = options.maxRows ?? cache.config.maxRows;
  const window = topWindow(req, maxRows);
  return ok({
    kind: 'read',
    root: root.value,
    headOnly: req.action.headOnly,
    media: req.media,
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

function resolveSchema(req: ApiRequest, cache: SchemaCache): Outcome<string> {
  const allowed = cache.config.dbSchemas;
  const notAllowed = (schema: string) => refuse('PGRST106', `Invalid schema: ${schema}`, null, `Only the following schemas are exposed: ${allowed.join(', ')}`);
  const fromPath = req.target.schema;
  if (req.profile !== undefined && !allowed.includes(req.profile)) return notAllowed(req.profile);
  if (fromPath !== undefined && !allowed.includes(fromPath)) return notAllowed(fromPath);
  if (fromPath !== undefined && req.profile !== undefined && req.profile !== fromPath) {
    return refuse('PGRST106', `Invalid schema: ${req.profile}`, `The path names schema '${fromPath}' but Accept-Profile asks for '${req.profile}'.`, `Only the following schemas are exposed: ${allowed.join(', ')}`);
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
    return [...q.filters.map((f) => f.path), ...q.order.map((o) => o.path), ...q.paging.map((p) => p.path)].find((p) => !this.seenPaths.some((n) => pathMatches(p, n)));
  }

  node(relation: Relation, select: readonly SelectItem[], path: NodePath): Outcome<ReadNode> {
    this.seenPaths.push(path);
    // Output names become quoted SQL aliases; Postgres cannot hold NUL in one.
    const badName = select.find((i) => (i.kind === 'field' || i.kind === 'count' || i.kind === 'embed') && i.alias?.includes('\0'));
    if (badName) return refuse('PGRST100', 'failed to parse select parameter: an alias cannot contain the NUL character', null, null);
    const alias = `t${this.aliasCount++}`;
    const items: PlannedItem[] = [];
    for (const item of select) {
      const planned = this.item(relation, item, path);
      if (!planned.ok) return planned;
      items.push(...planned.value);
    }
    const grouped = items.some((i) => i.kind === 'count' || (i.kind === 'column' && i.aggregate !== undefined));
    if (grouped && !this.cache.config.aggregatesEnabled) {
      return refuse('PGRST123', 'Use of aggregate functions is not allowed', null, null);
    }
    // To-one embeds group like columns; a to-many embed has no single value to group by.
    if (grouped && items.some((i) => i.kind === 'embed' && !i.embed.relationship.toOne)) {
      return refuse('PGRST127', 'Feature not implemented', 'Aggregates cannot be combined with to-many embedded resources at the same level', 'Aggregate inside the embedded resource instead, e.g. select=name,projects(budget.sum()).');
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
      return refuse(
        '42703',
        `column ${relation.name}.${field.name} does not exist`,
        null,
        near ? `Perhaps you meant to reference the column "${relation.name}.${near}".` : null,
      );
    }
    return ok({ column, json: field.json });
  }

  private cast(name: string | undefined): Outcome<SqlType | undefined> {
    if (name === undefined) return ok(undefined);
    const t = sqlTypeFor(name);
    if (!t) return refuse('42704', `type "${name}" does not exist`, null, `Casts may use: ${Object.keys(SQL_TYPES).join(', ')}.`);
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
        if (item.field.name === 'count' && item.field.json.length === 0 && !item.aggregate && !item.cast && !relation.columnsByName.has('count')) {
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
          return refuse('PGRST127', 'Feature not implemented', `Spreading '${item.relation}' is not supported: '${relation.name}' and '${item.relation}' do not form a many-to-one or one-to-one relationship`, null);
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

  private relationship(source: Relation, name: string, hint: string | undefined): Outcome<{ relationship: Relationship; target: Relation }> {
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
      return refuse(
        'PGRST200',
        `Could not find a relationship between '${source.name}' and '${name}' in the schema cache`,
        `Searched for a foreign key relationship between '${source.name}' and '${name}'${hint !== undefined ? ` using the hint '${hint}'` : ''} in the schema '${source.schema}', but no matches were found.`,
        near && near !== name ? `Perhaps you meant '${near}' instead of '${name}'.` : null,
      );
    }
    if (matches.length > 1) {
      return refuse(
        'PGRST201',
        `Could not embed because more than one relationship was found for '${source.name}' and '${name}'`,
        matches.map(describeRelationship),
        `Try changing '${name}' to one of the following: ${matches.map((r) => `'${name}!${hintFor(r)}'`).join(', ')}. Find the desired relationship in the 'details' key.`,
      );
    }
    const relationship = matches[0]!;
    const target = findRelation(this.cache, relationship.target.schema, relationship.target.name);
    if (!target) return refuse('PGRST200', `Could not find a relationship between '${source.name}' and '${name}' in the schema cache`);
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
      return refuse('PGRST120', `Bad operator on the '${embed.name}' embedded resource`, 'Only is null or not is null filters are allowed on embedded resources');
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
      return refuse('PGRST108', `'${term.relation}' is not an embedded resource in this request`, null, `Verify that '${term.relation}' is included in the 'select' query parameter.`);
    }
    if (!via.relationship.toOne) {
      return refuse('PGRST118', `A related order on '${term.relation}' is not possible`, `'${relation.name}' and '${term.relation}' do not form a many-to-one or one-to-one relationship`, null);
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
    r.kind === 'many-to-many' ? r.junction.name === hint || r.sourceConstraint === hint || r.targetConstraint === hint : r.constraint === hint,
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
    return { cardinality: r.kind, embedding, relationship: `${r.junction.name} using ${r.sourceConstraint}(${r.sourceColumns.map((c) => c[1]).join(', ')}) and ${r.targetConstraint}(${r.targetColumns.map((c) => c[0]).join(', ')})` };
  }
  return {
    cardinality: r.kind,
    embedding,
    relationship: `${r.constraint} using ${r.source.name}(${r.columns.map((c) => c[0]).join(', ')}) and ${r.target.name}(${r.columns.map((c) => c[1]).join(', ')})`,
  };
}
