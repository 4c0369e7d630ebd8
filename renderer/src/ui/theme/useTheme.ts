import { useCallback, useSyncExternalStore } from 'react';
import type { ThemeChoice } from './theme';
import { themeStore } from './themeStore';

/** The theme choice as React state, and its setter (remembered in localStorage). */
export function useThemeChoice(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const store = themeStore();
  const choice = useSyncExternalStore(
    useCallback((onChange: () => void) => store.onDidChange(onChange), [store]),
    () => store.choice,
  );
  return [choice, useCallback((c: ThemeChoice) => store.setChoice(c), [store])];
}
