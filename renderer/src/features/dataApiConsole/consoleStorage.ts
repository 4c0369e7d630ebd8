import { viewAs as viewAsSchema } from '../../../../shared/contract/dataApi';
import { locationKey, type Location } from '../../../../shared/contract/location';
import { parseStoredList } from '../sql/storedList';
import { CONSOLE_METHODS, type ConsoleHeader, type ConsoleRequest } from './consoleRequest';

/**
 * The console's saved requests, run history and open draft, per branch and database: kept where
 * the SQL editor keeps its saved queries and history (localStorage, read defensively through
 * parseStoredList), so they outlive the window and, in browser mode, live in Pier's own profile.
 */
export interface SavedRequest {
  readonly id: string;
  readonly name: string;
  readonly request: ConsoleRequest;
  readonly savedAt: string;
}

export interface HistoryEntry {
  readonly id: string;
  readonly request: ConsoleRequest;
  readonly status: number;
  readonly ms: number;
  readonly ranAt: string;
}

const SAVED_LIMIT = 500;
export const HISTORY_LIMIT = 50;

const keyOf = (kind: 'saved' | 'history' | 'draft', at: Location) => `pier.apiConsole.${kind}.v1:${JSON.stringify(locationKey(at))}`;
export const consoleKeys = {
  saved: (at: Location) => keyOf('saved', at),
  history: (at: Location) => keyOf('history', at),
  draft: (at: Location) => keyOf('draft', at),
};

/** A request as stored, or null when storage holds something else (another version, a hand edit). */
export function requestOf(v: unknown): ConsoleRequest | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  const method = CONSOLE_METHODS.find((m) => m === r.method);
  const viewAs = viewAsSchema.safeParse(r.viewAs);
  if (!method || typeof r.target !== 'string' || typeof r.body !== 'string' || !viewAs.success || !Array.isArray(r.headers)) return null;
  const headers: ConsoleHeader[] = [];
  for (const h of r.headers as unknown[]) {
    if (typeof h !== 'object' || h === null) return null;
    const { name, value, enabled } = h as Record<string, unknown>;
    if (typeof name !== 'string' || typeof value !== 'string' || typeof enabled !== 'boolean') return null;
    headers.push({ name, value, enabled });
  }
  return { method, target: r.target, headers, body: r.body, viewAs: viewAs.data };
}

export function parseSaved(stored: string | null): SavedRequest[] {
  return parseStoredList<SavedRequest>(
    stored,
    (s) => typeof s.id === 'string' && typeof s.name === 'string' && typeof s.savedAt === 'string' && requestOf(s.request) !== null,
    SAVED_LIMIT,
  );
}

export function parseHistory(stored: string | null): HistoryEntry[] {
  return parseStoredList<HistoryEntry>(
    stored,
    (e) =>
      typeof e.id === 'string' &&
      typeof e.status === 'number' &&
      typeof e.ms === 'number' &&
      typeof e.ranAt === 'string' &&
      requestOf(e.request) !== null,
    HISTORY_LIMIT,
  );
}

const byName = (a: SavedRequest, b: SavedRequest) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });

/** Saves `request` under `name`; one of the same name is replaced (saving again updates it). */
export function saveRequest(
  list: readonly SavedRequest[],
  name: string,
  request: ConsoleRequest,
  now = new Date(),
  id = newId(),
): SavedRequest[] {
  const trimmed = name.trim();
  const existing = list.find((s) => s.name === trimmed);
  const saved: SavedRequest = { id: existing?.id ?? id, name: trimmed, request, savedAt: now.toISOString() };
  return [...list.filter((s) => s.name !== trimmed), saved].sort(byName).slice(0, SAVED_LIMIT);
}

export function deleteSaved(list: readonly SavedRequest[], id: string): SavedRequest[] {
  return list.filter((s) => s.id !== id);
}

/** The newest run first; the oldest fall off past HISTORY_LIMIT. */
export function recordRun(list: readonly HistoryEntry[], entry: Omit<HistoryEntry, 'id'>, id = newId()): HistoryEntry[] {
  return [{ id, ...entry }, ...list].slice(0, HISTORY_LIMIT);
}

export function loadJson<T>(key: string, parse: (stored: string | null) => T): T {
  try {
    return parse(localStorage.getItem(key));
  } catch {
    return parse(null);
  }
}

export function storeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused: the console keeps working; only persistence is lost.
  }
}

/** The draft a tab left (or the grid's URL bar handed over), or null. */
export function loadDraft(at: Location): ConsoleRequest | null {
  return loadJson(consoleKeys.draft(at), (s) => {
    if (!s) return null;
    try {
      return requestOf(JSON.parse(s));
    } catch {
      return null;
    }
  });
}

export function saveDraft(at: Location, request: ConsoleRequest): void {
  storeJson(consoleKeys.draft(at), request);
}

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}
