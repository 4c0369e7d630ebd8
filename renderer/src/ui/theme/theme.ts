import { assertNever } from '../../../../shared/contract/result';

/** The user's theme choice; "system" follows the operating system's light/dark setting. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type ResolvedTheme = 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** localStorage key; the desktop app's profile persists it across restarts, as it does the sidebar width. */
export const THEME_KEY = 'pier.theme';

/** A stored value back into a choice; anything else (missing, edited by hand, older) means "system". */
export function parseThemeChoice(stored: string | null): ThemeChoice {
  return stored === 'light' || stored === 'dark' || stored === 'system' ? stored : 'system';
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): ResolvedTheme {
  switch (choice) {
    case 'system':
      return systemPrefersDark ? 'dark' : 'light';
    case 'light':
    case 'dark':
      return choice;
    default:
      return assertNever(choice, 'theme choice');
  }
}

export function themeChoiceLabel(choice: ThemeChoice): string {
  switch (choice) {
    case 'system':
      return 'System';
    case 'light':
      return 'Light';
    case 'dark':
      return 'Dark';
    default:
      return assertNever(choice, 'theme choice');
  }
}
