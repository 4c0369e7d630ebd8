/** One thing the command palette can do. Features contribute them; the palette lists and runs them. */
export interface Command {
  /** Unique across the app (the palette's list key). */
  readonly id: string;
  readonly title: string;
  readonly group: CommandGroup;
  /** Extra words the filter matches (e.g. "dark mode" for the theme). */
  readonly keywords?: readonly string[];
  /** The key chord that does the same, shown beside it. */
  readonly shortcut?: string;
  readonly run: () => void;
}

export type CommandGroup = 'Tables' | 'Tabs' | 'Tools' | 'Explorer' | 'Branches' | 'View as' | 'Theme' | 'Help';

/** The palette's group order. */
export const COMMAND_GROUPS: readonly CommandGroup[] = ['Tabs', 'Tools', 'Tables', 'Branches', 'View as', 'Explorer', 'Theme', 'Help'];

/** Commands in palette order: by group, then as contributed. Duplicated ids keep the first. */
export function orderCommands(commands: readonly Command[]): Command[] {
  const seen = new Set<string>();
  const unique = commands.filter((c) => !seen.has(c.id) && seen.add(c.id));
  return COMMAND_GROUPS.flatMap((g) => unique.filter((c) => c.group === g));
}
