/**
 * The URL codec, writing half: ReadQuery → PostgREST query string. `parseQuery` reads back
 * exactly the query that was written (the round trip is property-tested).
 */
import { assertNever } from '../contract/result';
import type { EmbedPath, FieldRef, FilterCondition, FilterNode, OrderTerm, ReadQuery, SelectItem } from './ast';
import { writeListItem, writeName, writeTreeValue } from './grammar';
import { OPERATORS } from './operators';

export function serializeField(f: FieldRef): string {
  return writeName(f.name) + f.json.map((s) => s.arrow + writeName(s.key)).join('');
}

export function serializeSelect(items: readonly SelectItem[]): string {
  return items.map(serializeSelectItem).join(',');
}

function serializeSelectItem(item: SelectItem): string {
  switch (item.kind) {
    case 'star':
      return '*';
    case 'count':
      return (item.alias !== undefined ? writeName(item.alias) + ':' : '') + 'count()' + (item.cast ? '::' + item.cast : '');
    case 'field':
      return (
        (item.alias !== undefined ? writeName(item.alias) + ':' : '') +
        serializeField(item.field) +
        (item.cast ? '::' + item.cast : '') +
        (item.aggregate ? '.' + item.aggregate + '()' : '') +
        (item.aggregate && item.aggregateCast ? '::' + item.aggregateCast : '')
      );
    case 'embed':
      return (
        (item.spread ? '...' : '') +
        (item.alias !== undefined && !item.spread ? writeName(item.alias) + ':' : '') +
        // An embed named like count() must not read back as the aggregate.
        (item.relation === 'count' ? '"count"' : writeName(item.relation)) +
        (item.hint !== undefined ? '!' + writeName(item.hint) : '') +
        (item.join ? '!' + item.join : '') +
        '(' +
        serializeSelect(item.select) +
        ')'
      );
    default:
      return assertNever(item, 'select item');
  }
}

function conditionHead(c: FilterCondition): string {
  const mod = c.language !== undefined ? `(${c.language})` : c.quantifier ? `(${c.quantifier})` : '';
  return (c.negated ? 'not.' : '') + c.operator + mod + '.';
}

/** The value side of a top-level filter: `not.in.(1,2)`. */
export function serializeCondition(c: FilterCondition, inTree = false): string {
  const head = conditionHead(c);
  const shape = OPERATORS[c.operator].shape;
  if (shape === 'list') {
    const values = typeof c.value === 'string' ? [c.value] : c.value;
    return head + '(' + values.map(writeListItem).join(',') + ')';
  }
  const value = typeof c.value === 'string' ? c.value : c.value.join(',');
  if (shape === 'is' || !inTree) return head + value;
  return head + writeTreeValue(value);
}

function serializeTreeNode(node: FilterNode): string {
  if (node.kind === 'condition') return serializeField(node.field) + '.' + serializeCondition(node, true);
  return (node.negated ? 'not.' : '') + node.kind + '(' + node.children.map(serializeTreeNode).join(',') + ')';
}

export function serializeOrder(terms: readonly OrderTerm[]): string {
  return terms
    .map(
      (t) =>
        (t.relation !== undefined ? writeName(t.relation) + '(' + serializeField(t.field) + ')' : serializeField(t.field)) +
        (t.direction ? '.' + t.direction : '') +
        (t.nulls ? '.nulls' + t.nulls : ''),
    )
    .join(',');
}

function pathPrefix(path: EmbedPath): string {
  return path.map((s) => writeName(s) + '.').join('');
}

/** One filter as a [key, value] pair of the query string (not URL-encoded). */
export function serializeFilter(path: EmbedPath, node: FilterNode): [string, string] {
  if (node.kind === 'condition') return [pathPrefix(path) + serializeField(node.field), serializeCondition(node)];
  return [pathPrefix(path) + (node.negated ? 'not.' : '') + node.kind, '(' + node.children.map(serializeTreeNode).join(',') + ')'];
}

/** The query's parameters in a stable order: select, filters, order, limit/offset. */
export function serializeParams(q: ReadQuery): [string, string][] {
  const out: [string, string][] = [];
  if (q.select) out.push(['select', serializeSelect(q.select)]);
  for (const f of q.filters) out.push(serializeFilter(f.path, f.node));
  for (const o of q.order) out.push([pathPrefix(o.path) + 'order', serializeOrder(o.terms)]);
  for (const p of q.paging) {
    if (p.limit !== undefined) out.push([pathPrefix(p.path) + 'limit', String(p.limit)]);
    if (p.offset !== undefined) out.push([pathPrefix(p.path) + 'offset', String(p.offset)]);
  }
  for (const [k, v] of q.params ?? []) out.push([k, v]);
  return out;
}

/** The query string without `?`, each key and value percent-encoded. */
export function serializeQuery(q: ReadQuery): string {
  return serializeParams(q)
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v))
    .join('&');
}
