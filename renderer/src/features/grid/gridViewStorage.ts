import type { ViewAs } from '../../../../shared/contract/dataApi';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { COUNT_MODES, type BranchLocation, type CountMode } from '../../api/dataApi';

/** What a table's view keeps across tab switches and window reloads. */
export interface GridView {
  readonly query: ReadQuery;
  readonly countMode: CountMode;
  readonly viewAs: ViewAs;
}

/** Local keys keep the shape views were saved with; a cloud workspace's id is appended. */
export function gridViewKey(database: string, schema: string, table: string, at: BranchLocation = {}): string {
  const parts = [at.branch ?? '', database, schema, table, ...(at.workspaceId ? [at.workspaceId] : [])];
  return `pier.grid.v1:${JSON.stringify(parts)}`;
}

/** The query is stored as its URL form, so what comes back goes through the same codec. */
export function serializeGridView(view: GridView): string {
  return JSON.stringify({ query: serializeQuery(view.query), countMode: view.countMode, viewAs: view.viewAs });
}

/** Reads what serializeGridView wrote; anything unexpected gives null (a fresh view), never a throw. */
export function restoreGridView(stored: string | null): GridView | null {
  if (!stored) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(stored);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const { query, countMode, viewAs } = raw as Record<string, unknown>;
  if (typeof query !== 'string' || !COUNT_MODES.includes(countMode as CountMode)) return null;
  const parsed = parseQuery(query);
  if (!parsed.ok) return null;
  const who = toViewAs(viewAs);
  if (!who) return null;
  return { query: parsed.value, countMode: countMode as CountMode, viewAs: who };
}

function toViewAs(v: unknown): ViewAs | null {
  if (typeof v !== 'object' || v === null) return null;
  const { kind, role } = v as Record<string, unknown>;
  if (kind === 'admin') return { kind: 'admin' };
  if (kind === 'identity' && typeof role === 'string' && role.length > 0 && role.length <= 63) return { kind: 'identity', role };
  return null;
}

/** Session storage, tolerating browsers where it is disabled. */
export function loadGridView(key: string): GridView | null {
  try {
    return restoreGridView(window.sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

export function saveGridView(key: string, view: GridView): void {
  try {
    window.sessionStorage.setItem(key, serializeGridView(view));
  } catch {
    // storage full or disabled: the view just won't survive a reload
  }
}
