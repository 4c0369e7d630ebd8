import { CSV_FILTER_OPERATORS, type CsvFilter } from '../../../../shared/contract/tableData';
import type { FilterNode, ReadQuery } from '../../../../shared/dataapi/ast';
import type { ExportOrder } from '../../api/tableData';
import { topOrder } from './builderEdits';

const COPY_OPERATORS: ReadonlySet<string> = new Set(CSV_FILTER_OPERATORS);

/**
 * What a CSV export through Postgres's COPY takes from the view: its plain columns, its plain
 * sort and its filters on the table's own columns (the server writes them into the COPY's WHERE
 * with each value quoted by Postgres). Paging, aliases, casts, embeds, JSON paths and operators
 * beyond the plain comparisons are not applied: `whole` says the export is the whole table (in
 * those columns), for the menu to say so.
 */
export function copyExportOf(
  query: ReadQuery,
  columnNames: readonly string[],
): { columns: string[]; order: ExportOrder; filters: CsvFilter[]; whole: boolean } {
  const known = new Set(columnNames);
  let whole = query.paging.length > 0 || query.order.some((o) => o.path.length > 0);
  const filters: CsvFilter[] = [];
  for (const f of query.filters) {
    const plain = f.path.length === 0 ? copyFilterOf(f.node, known) : null;
    if (plain) filters.push(plain);
    else whole = true;
  }
  let columns: string[] = [];
  const select = query.select ?? [];
  if (!select.some((s) => s.kind === 'star')) {
    const plain = select.flatMap((s) =>
      s.kind === 'field' && s.field.json.length === 0 && !s.alias && !s.cast && !s.aggregate && known.has(s.field.name)
        ? [s.field.name]
        : [],
    );
    if (plain.length === select.length) columns = plain;
    else whole = true;
  } else if (select.length > 1) whole = true;
  const order: ExportOrder = [];
  for (const t of topOrder(query)) {
    if (t.relation !== undefined || t.field.json.length > 0 || !known.has(t.field.name)) {
      whole = true;
      continue;
    }
    order.push({ column: t.field.name, descending: t.direction === 'desc', ...(t.nulls && { nulls: t.nulls }) });
  }
  return whole ? { columns: [], order: [], filters: [], whole } : { columns, order, filters, whole };
}

/** A filter COPY can apply (a plain comparison on a column of the table, or a group of them); null otherwise. */
function copyFilterOf(node: FilterNode, known: ReadonlySet<string>): CsvFilter | null {
  if (node.kind === 'condition') {
    if (node.field.json.length > 0 || !known.has(node.field.name) || node.quantifier || node.language) return null;
    if (!COPY_OPERATORS.has(node.operator)) return null;
    return {
      kind: 'condition',
      column: node.field.name,
      negated: node.negated,
      operator: node.operator as (typeof CSV_FILTER_OPERATORS)[number],
      value: typeof node.value === 'string' ? node.value : [...node.value],
    };
  }
  const children: CsvFilter[] = [];
  for (const c of node.children) {
    const plain = copyFilterOf(c, known);
    if (!plain) return null;
    children.push(plain);
  }
  return { kind: node.kind, negated: node.negated, children };
}
