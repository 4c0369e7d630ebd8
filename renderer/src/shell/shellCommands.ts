import type { Location } from '../../../shared/contract/location';
import type { Command } from '../ui/commands/command';
import { THEME_CHOICES, themeChoiceLabel, type ThemeChoice } from '../ui/theme/theme';
import type { RelationInfo } from '../features/tables/relation';
import type { TabsState } from '../features/tabs/tabsState';
import type { ToolRequest } from '../features/tabs/toolRequest';

/** What the shell's commands act on, gathered by the Shell each time the palette opens. */
export interface ShellCommandContext {
  readonly tabs: TabsState;
  /** Where tools open: the active tab's location, or home. */
  readonly at: Location | undefined;
  /** The table RLS policies and grants would open on. */
  readonly currentTable: { readonly schema: string; readonly table: string } | null;
  /** The relations of `at`'s database, once the catalog has loaded. */
  readonly relations: readonly RelationInfo[];
  readonly theme: ThemeChoice;
  readonly openTable: (at: Location, relation: RelationInfo) => void;
  readonly openTool: (request: ToolRequest) => void;
  readonly activate: (tabId: string) => void;
  readonly close: (tabId: string) => void;
  readonly setTheme: (choice: ThemeChoice) => void;
  readonly showShortcuts: () => void;
}

/** The palette's commands that belong to the shell: tabs, tools, tables, theme, help. */
export function shellCommands(ctx: ShellCommandContext): Command[] {
  const { tabs, at } = ctx;
  const commands: Command[] = [];
  const index = tabs.tabs.findIndex((t) => t.id === tabs.activeId);
  if (at) {
    commands.push({
      id: 'tools.sql',
      title: 'New SQL tab',
      group: 'Tools',
      keywords: ['query', 'editor'],
      run: () => ctx.openTool({ tool: 'sql', at }),
    });
    commands.push({
      id: 'tools.dataApiConsole',
      title: 'Data API console',
      group: 'Tools',
      keywords: ['rest', 'postgrest', 'request', 'http', 'curl'],
      run: () => ctx.openTool({ tool: 'dataApiConsole', at }),
    });
    if (ctx.currentTable) {
      const { schema, table } = ctx.currentTable;
      commands.push({
        id: 'tools.policies',
        title: `RLS policies of ${schema}.${table}`,
        group: 'Tools',
        keywords: ['row-level security', 'policy'],
        run: () => ctx.openTool({ tool: 'policies', schema, table, at }),
      });
      commands.push({
        id: 'tools.dataDiff',
        title: `Compare data of ${schema}.${table}…`,
        group: 'Tools',
        keywords: ['diff', 'branch', 'rows'],
        run: () => ctx.openTool({ tool: 'dataDiff', schema, table, at }),
      });
    }
    const schema = ctx.currentTable?.schema ?? 'public';
    commands.push(
      {
        id: 'tools.newTable',
        title: `New table in ${schema}`,
        group: 'Tools',
        keywords: ['create table', 'designer'],
        run: () => ctx.openTool({ tool: 'tableDesigner', schema, table: null, at }),
      },
      {
        id: 'tools.grants',
        title: `Grants on schema ${schema}`,
        group: 'Tools',
        keywords: ['privileges'],
        run: () => ctx.openTool({ tool: 'grants', schema, at }),
      },
      {
        id: 'tools.roles',
        title: 'Roles',
        group: 'Tools',
        keywords: ['identities', 'users'],
        run: () => ctx.openTool({ tool: 'roles', at }),
      },
      {
        id: 'tools.setup',
        title: 'Data API set-up',
        group: 'Tools',
        keywords: ['authenticator', 'anon'],
        run: () => ctx.openTool({ tool: 'setup', at }),
      },
    );
    for (const relation of ctx.relations) {
      const name = `${relation.schema}.${relation.name}`;
      commands.push({
        id: `table.${name}`,
        title: `Open ${name}`,
        group: 'Tables',
        keywords: [relation.name, relation.kind.replace('_', ' ')],
        run: () => ctx.openTable(at, relation),
      });
    }
  }
  if (index >= 0 && tabs.tabs.length > 1) {
    const next = tabs.tabs[(index + 1) % tabs.tabs.length]!;
    const previous = tabs.tabs[(index - 1 + tabs.tabs.length) % tabs.tabs.length]!;
    commands.push(
      { id: 'tabs.next', title: 'Next tab', group: 'Tabs', run: () => ctx.activate(next.id) },
      { id: 'tabs.previous', title: 'Previous tab', group: 'Tabs', run: () => ctx.activate(previous.id) },
    );
  }
  if (index >= 0) {
    const active = tabs.tabs[index]!;
    commands.push({ id: 'tabs.close', title: 'Close tab', group: 'Tabs', shortcut: 'Delete', run: () => ctx.close(active.id) });
  }
  for (const choice of THEME_CHOICES) {
    commands.push({
      id: `theme.${choice}`,
      title: `Theme: ${themeChoiceLabel(choice)}${choice === ctx.theme ? ' (current)' : ''}`,
      group: 'Theme',
      keywords: ['appearance', 'colour', 'color', choice === 'dark' ? 'dark mode' : choice === 'light' ? 'light mode' : 'follow the OS'],
      run: () => ctx.setTheme(choice),
    });
  }
  commands.push({
    id: 'help.shortcuts',
    title: 'Keyboard shortcuts',
    group: 'Help',
    shortcut: '?',
    keywords: ['keys', 'help'],
    run: ctx.showShortcuts,
  });
  return commands;
}
