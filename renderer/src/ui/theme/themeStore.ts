import { parseThemeChoice, resolveTheme, THEME_KEY, type ResolvedTheme, type ThemeChoice } from './theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * The one place the theme is applied: `data-theme` on <html> (global.css keys its variables on
 * it) and Monaco's theme through `onDidChange`. Built once at start-up, before React renders, so
 * the first paint already has the right colours.
 */
export class ThemeStore {
  private choiceValue: ThemeChoice;
  private readonly listeners = new Set<() => void>();
  private readonly media: MediaQueryList | undefined;

  constructor(private readonly win: Window) {
    this.choiceValue = parseThemeChoice(readChoice(win));
    this.media = win.matchMedia?.(DARK_QUERY);
    // "System" follows the OS while the app is open.
    this.media?.addEventListener('change', () => this.apply());
    this.apply();
  }

  get choice(): ThemeChoice {
    return this.choiceValue;
  }

  get resolved(): ResolvedTheme {
    return resolveTheme(this.choiceValue, this.media?.matches ?? false);
  }

  setChoice(choice: ThemeChoice): void {
    this.choiceValue = choice;
    try {
      this.win.localStorage.setItem(THEME_KEY, choice);
    } catch {
      // Storage unavailable (privacy settings): the choice holds for this window only.
    }
    this.apply();
  }

  /** Subscribe to changes of the choice or of the resolved theme; returns the unsubscribe. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(): void {
    const root = this.win.document.documentElement;
    root.dataset.theme = this.resolved;
    for (const listener of this.listeners) listener();
  }
}

function readChoice(win: Window): string | null {
  try {
    return win.localStorage.getItem(THEME_KEY);
  } catch {
    return null;
  }
}

let instance: ThemeStore | undefined;

/** The window's theme store (made on first use; main.tsx makes it before the first render). */
export function themeStore(): ThemeStore {
  instance ??= new ThemeStore(window);
  return instance;
}
