export const SIDEBAR_MIN = 180;
export const SIDEBAR_MAX = 520;
export const SIDEBAR_DEFAULT = 300;
const KEY_STEP = 16;

export function clampSidebarWidth(px: number): number {
  if (!Number.isFinite(px)) return SIDEBAR_DEFAULT;
  return Math.round(Math.min(SIDEBAR_MAX, Math.max(SIDEBAR_MIN, px)));
}

/** The separator's keyboard behaviour (WAI-ARIA window splitter); null for keys it ignores. */
export function sidebarWidthForKey(key: string, width: number): number | null {
  switch (key) {
    case 'ArrowLeft':
      return clampSidebarWidth(width - KEY_STEP);
    case 'ArrowRight':
      return clampSidebarWidth(width + KEY_STEP);
    case 'Home':
      return SIDEBAR_MIN;
    case 'End':
      return SIDEBAR_MAX;
    case 'Enter':
      return SIDEBAR_DEFAULT;
    default:
      return null;
  }
}

/** A stored width from an earlier session, if it is a sane number. */
export function parseStoredWidth(stored: string | null): number {
  const n = stored === null ? Number.NaN : Number(stored);
  return clampSidebarWidth(Number.isFinite(n) ? n : SIDEBAR_DEFAULT);
}
