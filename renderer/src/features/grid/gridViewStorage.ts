import type { ViewAs } from '../../../../shared/contract/dataApi';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { fromLegacyLocation, locationKey, type Location } from '../../../../shared/contract/location';
import { COUNT_MODES, type CountMode } from '../../api/dataApi';

/** What a table's view keeps across tab switches and window reloads. */
export interface GridView {
  readonly query: ReadQuery;
  readonly countMode: CountMode;
  readonly viewAs: ViewAs;
}

const KEY_PREFIX = 'pier.grid.v2:';
const LEGACY_PREFIX = 'pier.grid.v1:';

/** Where a table's view is kept: its location, schema and table. */
export function gridViewKey(at: Location, schema: string, table: string): string {
  return `${KEY_PREFIX}${JSON.stringify([...locationKey(at), schema, table])}`;
}

/**
 * The key a view saved before locations were one type has now: version 1 keys were
 * `[branch or '' at home, database, schema, table, workspace id if cloud]`. Null for a key that is
 * not one, or names no location.
 */
export function keyOfLegacyGridView(key: string, home: Location): string | null {
  if (!key.startsWith(LEGACY_PREFIX)) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(key.slice(LEGACY_PREFIX.length));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length < 4 || parts.length > 5 || !parts.every((p) => typeof p === 'string')) return null;
  const [branch, database, schema, table, workspaceId] = parts as string[];
  const at = fromLegacyLocation({ branch, database, workspaceId }, home);
  return at && schema && table ? gridViewKey(at, schema, table) : null;
}

/** Views saved by an older Pier move to their new keys once (the home location must be known). */
export function migrateLegacyGridViews(home: Location): void {
  try {
    const storage = window.sessionStorage;
    const legacy = Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter((k) => k?.startsWith(LEGACY_PREFIX));
    for (const key of legacy) {
      if (!key) continue;
      const next = keyOfLegacyGridView(key, home);
      const value = storage.getItem(key);
      if (next && value !== null && storage.getItem(next) === null) storage.setItem(next, value);
      storage.removeItem(key);
    }
  } catch {
    // storage disabled: nothing was kept to move
  }
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
