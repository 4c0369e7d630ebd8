import type { ReadQuery } from '../../../../shared/dataapi/ast';
import type { ExportOrder } from '../../api/tableData';
import { topOrder } from './builderEdits';

/**
 * What a CSV export through Postgres's COPY takes from the view: its plain columns and plain sort.
 * COPY reads the table itself, so filters, paging, aliases, casts and embeds are not applied;
 * `whole` says the export is the whole table (in those columns), for the menu to say so.
 */
export function copyExportOf(query: ReadQuery, columnNames: readonly string[]): { columns: string[]; order: ExportOrder; whole: boolean } {
  const known = new Set(columnNames);
  let whole = query.filters.length > 0 || query.paging.length > 0 || query.order.some((o) => o.path.length > 0);
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
  return whole ? { columns: [], order: [], whole } : { columns, order, whole };
}
