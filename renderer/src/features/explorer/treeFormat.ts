/** How the tree's badges say numbers and times: compact, and coarse on purpose. */

/** Planner estimates shown compactly beside a table; null when Postgres has no estimate yet. */
export function formatRowEstimate(estimatedRows: number): string | null {
  if (!Number.isFinite(estimatedRows) || estimatedRows < 0) return null;
  const n = Math.round(estimatedRows);
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${trimZero(n / 1000)}k`;
  if (n < 1_000_000_000) return `${trimZero(n / 1_000_000)}M`;
  return `${trimZero(n / 1_000_000_000)}B`;
}

function trimZero(x: number): string {
  return (x >= 100 ? Math.round(x).toString() : x.toFixed(1)).replace(/\.0$/, '');
}

/** "expires in 3 h" / "expired": a branch's expiry relative to now. */
export function formatExpiry(expireTime: string, now: number): string | null {
  const at = Date.parse(expireTime);
  if (!Number.isFinite(at)) return null;
  const s = Math.round((at - now) / 1000);
  if (s <= 0) return 'expired';
  if (s < 3600) return `expires in ${Math.max(1, Math.round(s / 60))} min`;
  if (s < 2 * 86400) return `expires in ${Math.round(s / 3600)} h`;
  return `expires in ${Math.round(s / 86400)} d`;
}

/** A byte count as people read it: "812 kB", "43 MB", "1.2 GB" (decimal units, as storage is billed; one decimal below 10). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
