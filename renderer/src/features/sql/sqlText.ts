/** The statement containing `offset`: text between unquoted semicolons, trimmed. */
export function statementAt(text: string, offset: number): string {
  const ranges = splitStatements(text);
  const hit = ranges.find((r) => offset >= r.start && offset <= r.end) ?? ranges[ranges.length - 1];
  return hit ? text.slice(hit.start, hit.end).trim() : '';
}

/** Statement ranges, ignoring semicolons inside quotes, dollar quotes and comments. */
export function splitStatements(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      i = close < 0 ? text.length : close + 1;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag) {
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? text.length : close + tag.length;
      } else i++;
    } else if (c === ';') {
      out.push({ start, end: i });
      start = i + 1;
      i++;
    } else i++;
  }
  if (text.slice(start).trim()) out.push({ start, end: text.length });
  return out.filter((r) => text.slice(r.start, r.end).trim() !== '');
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
      .filter((h): h is HistoryEntry => typeof h === 'object' && h !== null && typeof h.sql === 'string' && typeof h.at === 'string' && typeof h.as === 'string' && typeof h.ok === 'boolean')
      .slice(0, HISTORY_LIMIT);
  } catch {
    return [];
  }
}
