import { locationKey, type Location } from '../../../../shared/contract/location';
import { parseStoredList } from './storedList';

/**
 * Saved queries, per database: in localStorage like the SQL history (it outlives the window and,
 * in browser mode, lives in Pier's own browser profile), keyed by the location.
 */
export interface SavedQuery {
  readonly id: string;
  readonly name: string;
  readonly sql: string;
  readonly savedAt: string;
}

const KEY_PREFIX = 'pier.sqlSaved.v1:';
const LIMIT = 500;

export function savedQueriesKey(at: Location): string {
  return `${KEY_PREFIX}${JSON.stringify(locationKey(at))}`;
}

/** Saved queries from storage, by name; anything malformed is dropped. */
export function parseSavedQueries(stored: string | null): SavedQuery[] {
  return parseStoredList<SavedQuery>(
    stored,
    (q) => typeof q.id === 'string' && typeof q.name === 'string' && typeof q.sql === 'string' && typeof q.savedAt === 'string',
    LIMIT,
  );
}

const byName = (a: SavedQuery, b: SavedQuery) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });

/** Saves `sql` under `name`; a query of the same name is replaced (saving again updates it). */
export function saveQuery(list: readonly SavedQuery[], name: string, sql: string, now = new Date(), id = newId()): SavedQuery[] {
  const trimmed = name.trim();
  const existing = list.find((q) => q.name === trimmed);
  const saved: SavedQuery = { id: existing?.id ?? id, name: trimmed, sql, savedAt: now.toISOString() };
  return [...list.filter((q) => q.name !== trimmed), saved].sort(byName).slice(0, LIMIT);
}

/** Renames a saved query; null when another one already has that name. */
export function renameQuery(list: readonly SavedQuery[], id: string, name: string): SavedQuery[] | null {
  const trimmed = name.trim();
  if (list.some((q) => q.name === trimmed && q.id !== id)) return null;
  return list.map((q) => (q.id === id ? { ...q, name: trimmed } : q)).sort(byName);
}

export function deleteQuery(list: readonly SavedQuery[], id: string): SavedQuery[] {
  return list.filter((q) => q.id !== id);
}

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}
