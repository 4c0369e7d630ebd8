import { assertNever } from '../../../../shared/contract/result';
import type { ColumnInfo } from './gridLayout';
import type { DescribeTableOutput } from '../../../../shared/contract/dataApi';
import type { ReadQuery, SelectItem } from '../../../../shared/dataapi/ast';
import { serializeField, serializeParams } from '../../../../shared/dataapi/serializeQuery';

/** A column the grid shows: catalog-like facts for the header, and where its value sits in a row object. */
export interface DataColumn extends ColumnInfo {
  /** Keys from the row object down to the value: ['name'], or ['client', 'name'] for a to-one embed. */
  readonly path: readonly string[];
  /** The table column this shows unchanged (no alias, cast or JSON path): only these can be edited. */
  readonly source?: string;
  /** The table a single-column foreign key on this column points at. */
  readonly references?: string;
}

type Relationship = DescribeTableOutput['relationships'][number];

/** The relationship an embed goes through: its hint (constraint) first, then the target table name. */
export function findRelationship(describe: DescribeTableOutput, relation: string, hint?: string): Relationship | undefined {
  const candidates = describe.relationships.filter((r) => r.target.name === relation || r.constraint === relation);
  if (hint !== undefined)
    return candidates.find((r) => r.constraint === hint) ?? candidates.find((r) => r.columns.some(([a]) => a === hint));
  return candidates[0];
}

/**
 * What the grid shows for a query: `*` expands to the table's columns; fields keep their alias;
 * a to-one embed with listed fields becomes one column per field, anything else one JSON column.
 */
export function gridColumns(
  query: ReadQuery,
  describe: DescribeTableOutput,
  /** Describes of embedded tables by `schema.name`, where loaded: they type to-one columns. */
  related: ReadonlyMap<string, DescribeTableOutput> = new Map(),
): DataColumn[] {
  const pk = new Set(describe.primaryKey);
  const references = new Map(
    describe.relationships.flatMap((r) =>
      r.toOne && r.kind === 'many-to-one' && r.columns.length === 1 && r.columns[0] ? [[r.columns[0][0], r.target.name] as const] : [],
    ),
  );
  const refOf = (name: string) => {
    const target = references.get(name);
    return target !== undefined ? { references: target } : {};
  };
  const byName = new Map(describe.columns.map((c) => [c.name, c]));
  const out: DataColumn[] = [];
  const items: readonly SelectItem[] = query.select ?? [{ kind: 'star' }];
  for (const item of items) {
    switch (item.kind) {
      case 'star':
        for (const c of describe.columns)
          out.push({
            name: c.name,
            type: c.type,
            nullable: c.nullable,
            isPrimaryKey: pk.has(c.name),
            path: [c.name],
            source: c.name,
            ...refOf(c.name),
          });
        break;
      case 'field': {
        const key = item.alias ?? lastName(item);
        const column = item.field.json.length === 0 ? byName.get(item.field.name) : undefined;
        const plain = column && !item.cast && !item.aggregate;
        out.push({
          name: item.alias ?? serializeField(item.field),
          type: plain
            ? column.type
            : item.aggregate === 'count'
              ? 'bigint'
              : item.field.json.length > 0
                ? 'jsonb'
                : (item.cast ?? column?.type ?? 'text'),
          nullable: plain ? column.nullable : true,
          isPrimaryKey: plain === true && pk.has(column.name) && item.alias === undefined,
          path: [key],
          ...(plain && item.alias === undefined && { source: column.name, ...refOf(column.name) }),
        });
        break;
      }
      case 'count':
        out.push({ name: item.alias ?? 'count', type: 'bigint', nullable: false, isPrimaryKey: false, path: [item.alias ?? 'count'] });
        break;
      case 'embed': {
        const key = item.alias ?? item.relation;
        const rel = findRelationship(describe, item.relation, item.hint);
        const toOne = rel?.toOne ?? false;
        const target = rel ? related.get(`${rel.target.schema}.${rel.target.name}`) : undefined;
        const targetTypes = new Map(target?.columns.map((c) => [c.name, c.type]));
        // A to-one `*` becomes the target's columns once they are known.
        const expanded: Extract<SelectItem, { kind: 'field' }>[] = item.select.flatMap((s) =>
          s.kind === 'field'
            ? [s]
            : s.kind === 'star' && target
              ? target.columns.map((c) => ({ kind: 'field' as const, field: { name: c.name, json: [] } }))
              : [],
        );
        const allFields = expanded.length > 0 && item.select.every((s) => s.kind === 'field' || (s.kind === 'star' && target));
        if (item.spread || (toOne && allFields)) {
          for (const f of expanded) {
            const name = f.alias ?? lastName(f);
            const plain = f.field.json.length === 0 && !f.cast && !f.aggregate;
            out.push({
              name: item.spread ? name : `${key}.${name}`,
              type: f.cast ?? (plain ? (targetTypes.get(f.field.name) ?? 'text') : 'text'),
              nullable: true,
              isPrimaryKey: false,
              path: item.spread ? [name] : [key, name],
            });
          }
        } else {
          // A to-many embed opens as a nested grid, typed by the target's columns where loaded.
          const types = new Map<string, string>();
          for (const s of item.select) {
            if (s.kind === 'star') target?.columns.forEach((c) => types.set(c.name, c.type));
            else if (s.kind === 'field') {
              const t = s.cast ?? (s.field.json.length === 0 && !s.aggregate ? targetTypes.get(s.field.name) : undefined);
              if (t !== undefined) types.set(lastName(s), t);
            }
          }
          out.push({
            name: key,
            type: toOne ? 'jsonb' : 'jsonb[]',
            nullable: true,
            isPrimaryKey: false,
            path: [key],
            ...(!toOne && { nested: { noun: key, types } }),
          });
        }
        break;
      }
      default:
        return assertNever(item, 'select item');
    }
  }
  return out;
}

/** The key PostgREST gives a field in the response: the alias, else the last JSON key, else the column. */
function lastName(item: Extract<SelectItem, { kind: 'field' }>): string {
  const last = item.field.json[item.field.json.length - 1];
  return item.alias ?? (last ? last.key : item.field.name);
}

/** A row object as the grid's cell array, in column order. */
export function rowCells(row: Readonly<Record<string, unknown>>, columns: readonly DataColumn[]): unknown[] {
  return columns.map((c) => {
    let value: unknown = row;
    for (const key of c.path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  });
}

/** The query's own top-level limit and offset (the "page" the user asked for). */
export function topPaging(query: ReadQuery): { limit?: number; offset: number } {
  const p = query.paging.find((x) => x.path.length === 0);
  return { ...(p?.limit !== undefined && { limit: p.limit }), offset: p?.offset ?? 0 };
}

export function withTopPaging(query: ReadQuery, limit: number | undefined, offset: number | undefined): ReadQuery {
  const rest = query.paging.filter((p) => p.path.length > 0);
  const top = { path: [], ...(limit !== undefined && { limit }), ...(offset !== undefined && offset > 0 && { offset }) };
  return { ...query, paging: top.limit === undefined && top.offset === undefined ? rest : [top, ...rest] };
}

/**
 * The query for rows [start, start+size) of the user's view: the view's own offset/limit bound
 * the window, so scrolling never shows rows the URL would not return.
 */
export function windowQueryOf(query: ReadQuery, start: number, size: number): ReadQuery | null {
  const { limit, offset } = topPaging(query);
  const remaining = limit === undefined ? size : Math.min(size, limit - start);
  if (remaining <= 0) return null;
  return withTopPaging(query, remaining, offset + start);
}

/** How many rows the view has, given the engine's count of the unpaged query. */
export function viewTotal(query: ReadQuery, count: number): number {
  const { limit, offset } = topPaging(query);
  const after = Math.max(0, count - offset);
  return limit === undefined ? after : Math.min(after, limit);
}

/** Characters that would change a query string's meaning if left as typed. */
const UNSAFE = /[%&#+\s=]/g;

/** The query string as people read it (`select=id,name&id=gte.2`), escaping only what must be. */
export function readableQuery(query: ReadQuery): string {
  return serializeParams(query)
    .map(([k, v]) => `${k.replace(UNSAFE, encodeURIComponent)}=${v.replace(/[%&#+\s]/g, encodeURIComponent)}`)
    .join('&');
}

/** The query part of something pasted: a whole URL, `table?query`, `?query` or just the query. */
export function queryPartOf(text: string): string {
  const trimmed = text.trim();
  const q = trimmed.indexOf('?');
  if (q >= 0) return trimmed.slice(q + 1).replace(/#.*$/, '');
  // No `?` and no `=`: a bare path or URL, which asks for the whole table.
  return trimmed.includes('=') ? trimmed : '';
}

/**
 * Without a sort, Postgres may return rows in any order (a synchronized scan starts mid-table),
 * so consecutive OFFSET windows could skip or repeat rows: the grid's windows sort by the
 * primary key unless the user chose an order.
 */
export function stableOrder(query: ReadQuery, primaryKey: readonly string[]): ReadQuery {
  if (primaryKey.length === 0 || query.order.some((o) => o.path.length === 0)) return query;
  return { ...query, order: [{ path: [], terms: primaryKey.map((name) => ({ field: { name, json: [] } })) }, ...query.order] };
}

/** The column keyset paging can continue after: the query is sorted by exactly one single-column primary key. */
export function keysetColumn(query: ReadQuery, primaryKey: readonly string[]): { name: string; descending: boolean } | null {
  const terms = query.order.find((o) => o.path.length === 0)?.terms;
  const term = terms?.length === 1 ? terms[0] : undefined;
  const pk = primaryKey.length === 1 ? primaryKey[0] : undefined;
  if (!term || !pk || term.relation !== undefined || term.field.json.length > 0 || term.field.name !== pk) return null;
  return { name: pk, descending: term.direction === 'desc' };
}

/**
 * Rows [start, start+size) as "the next rows after key `after`": an index range scan instead of
 * OFFSET skipping `start` rows, so deep windows cost what the first one does.
 */
export function keysetWindowQueryOf(
  query: ReadQuery,
  key: { name: string; descending: boolean },
  after: unknown,
  start: number,
  size: number,
  /** Rows to pass over after the key first (a short hop from a loaded window, not a deep OFFSET). */
  skip = 0,
): ReadQuery | null {
  const { limit } = topPaging(query);
  const remaining = limit === undefined ? size : Math.min(size, limit - start);
  if (remaining <= 0) return null;
  const seek = {
    path: [],
    node: {
      kind: 'condition',
      field: { name: key.name, json: [] },
      negated: false,
      operator: key.descending ? 'lt' : 'gt',
      value: String(after),
    },
  } as const;
  return withTopPaging({ ...query, filters: [...query.filters, seek] }, remaining, skip > 0 ? skip : undefined);
}

/** The table a pasted URL names (`…/public/clients?…` or `clients?…`), or null when it names none. */
export function tableOfUrl(text: string): string | null {
  const trimmed = text.trim();
  const q = trimmed.indexOf('?');
  const path = (q >= 0 ? trimmed.slice(0, q) : trimmed.includes('=') ? '' : trimmed).replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (last === '' || /^[a-z][a-z0-9+.-]*:$/i.test(last)) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
