/**
 * A list kept in localStorage as JSON (history, saved queries): what another version or a hand
 * edit left there is read defensively — anything that is not an array, or an item that is not of
 * the expected shape, is dropped rather than trusted.
 */
export function parseStoredList<T>(stored: string | null, isItem: (v: Record<string, unknown>) => boolean, limit: number): T[] {
  if (!stored) return [];
  try {
    const v: unknown = JSON.parse(stored);
    if (!Array.isArray(v)) return [];
    return v
      .filter((item): item is T => typeof item === 'object' && item !== null && isItem(item as Record<string, unknown>))
      .slice(0, limit);
  } catch {
    return [];
  }
}
