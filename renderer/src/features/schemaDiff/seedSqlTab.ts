/**
 * Puts text in SQL tab `n` before it opens: SqlView reads its text from this key when it mounts
 * (see `pier.sqlTab.` in features/sql/SqlView.tsx), so the new tab shows the migration.
 */
export function seedSqlTab(n: number, text: string): void {
  try {
    window.localStorage.setItem(`pier.sqlTab.${n}`, text);
  } catch {
    // Storage refused (private mode, quota): the tab opens with its default text.
  }
}
