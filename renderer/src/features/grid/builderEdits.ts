import type { DescribeTableOutput } from '../../../../shared/contract/dataApi';
import { assertNever } from '../../../../shared/contract/result';
import { OPERATORS } from '../../../../shared/dataapi/operators';
import type { EmbedPath, FilterNode, OrderTerm, ReadQuery, SelectItem } from '../../../../shared/dataapi/ast';

/** The builder's edits: each takes a ReadQuery and returns the next one (the URL is derived from it). */

type Relationship = DescribeTableOutput['relationships'][number];
export type EmbedItem = Extract<SelectItem, { kind: 'embed' }>;

/** Plain columns of this table the query selects (`*` or no select means all). */
export function selectedColumns(select: readonly SelectItem[] | undefined, columnNames: readonly string[]): Set<string> {
  if (!select || select.some((s) => s.kind === 'star')) return new Set(columnNames);
  return new Set(select.flatMap((s) => (s.kind === 'field' && s.field.json.length === 0 ? [s.field.name] : [])));
}

/**
 * Turns one column on or off in a select list, keeping catalog order, aliases and embeds.
 * All columns and nothing else selects as `*` (or no select at all).
 */
export function toggleColumn(
  select: readonly SelectItem[] | undefined,
  columnNames: readonly string[],
  name: string,
  on: boolean,
): SelectItem[] | undefined {
  const chosen = selectedColumns(select, columnNames);
  if (on) chosen.add(name);
  else chosen.delete(name);
  const existing = new Map(
    (select ?? []).flatMap((s) => (s.kind === 'field' && s.field.json.length === 0 ? [[s.field.name, s] as const] : [])),
  );
  const others = (select ?? []).filter((s) => s.kind !== 'star' && !(s.kind === 'field' && s.field.json.length === 0));
  const all = columnNames.every((c) => chosen.has(c));
  const fields: SelectItem[] = all
    ? [{ kind: 'star' }]
    : columnNames.filter((c) => chosen.has(c)).map((c) => existing.get(c) ?? { kind: 'field', field: { name: c, json: [] } });
  const next = [...fields, ...others];
  if (next.length === 1 && next[0]?.kind === 'star') return undefined;
  return next;
}

export function toggleColumnInQuery(query: ReadQuery, columnNames: readonly string[], name: string, on: boolean): ReadQuery {
  return withSelect(query, toggleColumn(query.select, columnNames, name, on));
}

function withSelect(query: ReadQuery, select: SelectItem[] | undefined): ReadQuery {
  const { select: _old, ...rest } = query;
  return select ? { ...rest, select } : rest;
}

/** The name a relationship is embedded by: the target table, with the constraint as hint when ambiguous. */
export function embedFor(describe: DescribeTableOutput, rel: Relationship): EmbedItem {
  const ambiguous =
    describe.relationships.filter((r) => r.target.name === rel.target.name && r.target.schema === rel.target.schema).length > 1;
  return {
    kind: 'embed',
    relation: rel.target.name,
    ...(ambiguous && { hint: rel.constraint }),
    spread: false,
    select: [{ kind: 'star' }],
  };
}

export function embedKey(e: EmbedItem): string {
  return e.alias ?? e.relation;
}

export function embedsOf(query: ReadQuery): EmbedItem[] {
  return (query.select ?? []).filter((s): s is EmbedItem => s.kind === 'embed');
}

/** Adds an embed (the select becomes explicit: `*,rel(*)`), or removes it with its filters, order and paging. */
export function addEmbed(query: ReadQuery, embed: EmbedItem): ReadQuery {
  const select = query.select ?? [{ kind: 'star' } as const];
  return withSelect(query, [...select, embed]);
}

export function removeEmbed(query: ReadQuery, key: string): ReadQuery {
  const select = (query.select ?? []).filter((s) => !(s.kind === 'embed' && embedKey(s) === key));
  const under = (path: EmbedPath) => path[0] === key;
  const next: ReadQuery = {
    ...query,
    filters: query.filters.filter((f) => !under(f.path)),
    order: query.order.filter((o) => !under(o.path)),
    paging: query.paging.filter((p) => !under(p.path)),
  };
  return withSelect(next, select.length === 1 && select[0]?.kind === 'star' ? undefined : select);
}

export function updateEmbed(query: ReadQuery, key: string, update: (e: EmbedItem) => EmbedItem): ReadQuery {
  return withSelect(
    query,
    (query.select ?? []).map((s) => (s.kind === 'embed' && embedKey(s) === key ? update(s) : s)),
  );
}

/** Replaces (or with null removes) the top-level filter at `index`. */
export function setFilter(query: ReadQuery, index: number, node: FilterNode | null): ReadQuery {
  const filters = query.filters.flatMap((f, i) => (i !== index ? [f] : node ? [{ path: f.path, node }] : []));
  return { ...query, filters };
}

export function addFilter(query: ReadQuery, path: EmbedPath, node: FilterNode): ReadQuery {
  return { ...query, filters: [...query.filters, { path, node }] };
}

/** Replaces (or with null removes) the child at `index` of a group. */
export function setChild(group: Extract<FilterNode, { kind: 'and' | 'or' }>, index: number, node: FilterNode | null): FilterNode {
  return { ...group, children: group.children.flatMap((c, i) => (i !== index ? [c] : node ? [node] : [])) };
}

export function topOrder(query: ReadQuery): readonly OrderTerm[] {
  return query.order.find((o) => o.path.length === 0)?.terms ?? [];
}

export function setTopOrder(query: ReadQuery, terms: readonly OrderTerm[]): ReadQuery {
  const rest = query.order.filter((o) => o.path.length > 0);
  return { ...query, order: terms.length ? [{ path: [], terms }, ...rest] : rest };
}

/**
 * The sort after a header click: a click makes the column the only key (ascending, then
 * descending, then unsorted); shift-click does the same to that one key among the others.
 */
export function sortByHeader(terms: readonly OrderTerm[], column: string, additive: boolean): OrderTerm[] {
  const plain = (t: OrderTerm) => t.relation === undefined && t.field.json.length === 0 && t.field.name === column;
  // A plain click on one key of several starts over with that column alone.
  const current = additive || terms.length === 1 ? terms.find(plain) : undefined;
  const next: OrderTerm | null =
    current === undefined
      ? { field: { name: column, json: [] }, direction: 'asc' }
      : current.direction === 'desc'
        ? null
        : { ...current, direction: 'desc' };
  if (!additive) return next ? [next] : [];
  if (current === undefined) return [...terms, next!];
  return terms.flatMap((t) => (t !== current ? [t] : next ? [next] : []));
}

/**
 * Whether a filter says something yet: a condition needs its value typed (`is` needs none), a
 * group needs conditions and every one of them complete. Until then the builder keeps it as a
 * draft and nothing runs (an empty `id=eq.` would only be refused).
 */
export function isRunnableFilter(node: FilterNode): boolean {
  switch (node.kind) {
    case 'condition':
      return typeof node.value === 'string' ? node.value !== '' || OPERATORS[node.operator].shape === 'is' : node.value.length > 0;
    case 'and':
    case 'or':
      return node.children.length > 0 && node.children.every(isRunnableFilter);
    default:
      return assertNever(node, 'filter node');
  }
}
