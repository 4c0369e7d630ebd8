import { parseStoredList } from './storedList';

/** The SQL history per location (see sqlHistoryKey): newest first, one entry per text. */

export interface HistoryEntry {
  readonly sql: string;
  readonly at: string;
  readonly as: string;
  readonly ok: boolean;
}

const HISTORY_LIMIT = 50;

/** Newest first, without repeating the same text twice in a row, at most HISTORY_LIMIT entries. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const rest = history.filter((h) => h.sql !== entry.sql);
  return [entry, ...rest].slice(0, HISTORY_LIMIT);
}

/** History from storage; anything malformed is dropped. */
export function parseHistory(stored: string | null): HistoryEntry[] {
  return parseStoredList<HistoryEntry>(
    stored,
    (h) => typeof h.sql === 'string' && typeof h.at === 'string' && typeof h.as === 'string' && typeof h.ok === 'boolean',
    HISTORY_LIMIT,
  );
}
