import { fromLegacyLocation, locationKey, type Location } from '../../../../shared/contract/location';

/** The SQL history is kept per location (localStorage: it outlives the window). */
const KEY_PREFIX = 'pier.sqlHistory.v2:';
const LEGACY_PREFIX = 'pier.sqlHistory.';

export function sqlHistoryKey(at: Location): string {
  return `${KEY_PREFIX}${JSON.stringify(locationKey(at))}`;
}

/**
 * The key a history saved before locations were one type has now. Version 1 keys ended in the
 * database name at home, the branch name on another local branch, `workspace|branch|database` on
 * a cloud workspace. Null for a key that is not one, or names no location.
 */
export function keyOfLegacySqlHistory(key: string, home: Location): string | null {
  if (!key.startsWith(LEGACY_PREFIX) || key.startsWith(KEY_PREFIX)) return null;
  const rest = key.slice(LEGACY_PREFIX.length);
  if (!rest) return null;
  const parts = rest.split('|');
  const saved =
    parts.length === 3
      ? { workspaceId: parts[0], branch: parts[1], database: parts[2] }
      : parts.length === 1 && rest.startsWith('projects/')
        ? { branch: rest }
        : parts.length === 1
          ? { database: rest }
          : null;
  const at = saved && fromLegacyLocation(saved, home);
  return at ? sqlHistoryKey(at) : null;
}

/** Histories saved by an older Pier move to their new keys once (the home location must be known). */
export function migrateLegacySqlHistories(home: Location): void {
  try {
    const storage = window.localStorage;
    const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i));
    for (const key of keys) {
      if (!key?.startsWith(LEGACY_PREFIX) || key.startsWith(KEY_PREFIX)) continue;
      const next = keyOfLegacySqlHistory(key, home);
      const value = storage.getItem(key);
      if (next && value !== null && storage.getItem(next) === null) storage.setItem(next, value);
      storage.removeItem(key);
    }
  } catch {
    // storage disabled: nothing was kept to move
  }
}
