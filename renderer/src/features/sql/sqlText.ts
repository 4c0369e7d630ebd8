import { splitStatements } from '../../../../shared/contract/sqlStatements';

/** The statement containing `offset`: text between unquoted semicolons, trimmed. */
export function statementAt(text: string, offset: number): string {
  const ranges = splitStatements(text);
  const hit = ranges.find((r) => offset >= r.start && offset <= r.end) ?? ranges[ranges.length - 1];
  return hit ? text.slice(hit.start, hit.end).trim() : '';
}

/** The statement around the cursor and where it starts in the text (to map error positions back). */
export function statementRangeAt(text: string, offset: number): { text: string; start: number } {
  const ranges = splitStatements(text);
  const hit = ranges.find((r) => offset >= r.start && offset <= r.end) ?? ranges[ranges.length - 1];
  if (!hit) return { text: '', start: 0 };
  const raw = text.slice(hit.start, hit.end);
  const lead = raw.length - raw.trimStart().length;
  return { text: raw.trim(), start: hit.start + lead };
}

/**
 * Statements that destroy data or objects: DROP, TRUNCATE, and DELETE / UPDATE without WHERE.
 * On a protected branch the editor asks before running them.
 */
export function destructiveStatements(text: string): string[] {
  return splitStatements(text)
    .map((r) => stripComments(text.slice(r.start, r.end)).trim())
    .filter((s) => {
      const u = s.toUpperCase().replace(/\s+/g, ' ');
      if (/^(DROP|TRUNCATE)\b/.test(u)) return true;
      if (/^ALTER TABLE .* DROP\b/.test(u)) return true;
      if (/^(DELETE FROM|UPDATE)\b/.test(u) && !/\bWHERE\b/.test(u)) return true;
      return false;
    });
}

function stripComments(s: string): string {
  return s.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

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
  if (!stored) return [];
  try {
    const v: unknown = JSON.parse(stored);
    if (!Array.isArray(v)) return [];
    return v
      .filter(
        (h): h is HistoryEntry =>
          typeof h === 'object' &&
          h !== null &&
          typeof h.sql === 'string' &&
          typeof h.at === 'string' &&
          typeof h.as === 'string' &&
          typeof h.ok === 'boolean',
      )
      .slice(0, HISTORY_LIMIT);
  } catch {
    return [];
  }
}
