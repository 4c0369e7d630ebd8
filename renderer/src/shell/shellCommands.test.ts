import { describe, expect, it, vi } from 'vitest';
import type { Location } from '../../../shared/contract/location';
import { openTab, type TabsState } from '../features/tabs/tabsState';
import { shellCommands, type ShellCommandContext } from './shellCommands';

const at: Location = { kind: 'local', branch: 'production', database: 'databricks_postgres' };
const clients = { schema: 'public', name: 'clients', kind: 'table' as const, estimatedRows: 3 };
const projects = { schema: 'public', name: 'projects', kind: 'table' as const, estimatedRows: 3 };

function context(over: Partial<ShellCommandContext> = {}): ShellCommandContext {
  return {
    tabs: { tabs: [], activeId: null },
    at,
    currentTable: null,
    relations: [clients, projects],
    theme: 'system',
    openTable: vi.fn(),
    openTool: vi.fn(),
    activate: vi.fn(),
    close: vi.fn(),
    setTheme: vi.fn(),
    showShortcuts: vi.fn(),
    ...over,
  };
}

const titles = (ctx: ShellCommandContext) => shellCommands(ctx).map((c) => c.title);
const run = (ctx: ShellCommandContext, id: string) =>
  shellCommands(ctx)
    .find((c) => c.id === id)!
    .run();

describe('shellCommands', () => {
  it('offers every table of the database, a new SQL tab, the admin tools, the themes and the shortcut sheet', () => {
    expect(titles(context())).toEqual([
      'New SQL tab',
      'Data API console',
      'New table in public',
      'Grants on schema public',
      'Roles',
      'Data API set-up',
      'Open public.clients',
      'Open public.projects',
      'Theme: System (current)',
      'Theme: Light',
      'Theme: Dark',
      'Keyboard shortcuts',
    ]);
  });

  it('opens the table it names, where the tools are', () => {
    const ctx = context();
    run(ctx, 'table.public.projects');
    expect(ctx.openTable).toHaveBeenCalledWith(at, projects);
  });

  it('offers the RLS policies of the current table', () => {
    const ctx = context({ currentTable: { schema: 'public', table: 'clients' } });
    run(ctx, 'tools.policies');
    expect(ctx.openTool).toHaveBeenCalledWith({ tool: 'policies', schema: 'public', table: 'clients', at });
    run(ctx, 'tools.dataDiff');
    expect(ctx.openTool).toHaveBeenCalledWith({ tool: 'dataDiff', schema: 'public', table: 'clients', at });
  });

  it('moves between tabs and closes the active one', () => {
    const a = openTab.table(at, clients);
    const b = openTab.table(at, projects);
    const tabs: TabsState = { tabs: [a, b], activeId: b.id };
    const ctx = context({ tabs });
    run(ctx, 'tabs.next');
    expect(ctx.activate).toHaveBeenCalledWith(a.id);
    run(ctx, 'tabs.close');
    expect(ctx.close).toHaveBeenCalledWith(b.id);
  });

  it('has no tab or location commands before anything is known', () => {
    expect(titles(context({ at: undefined }))).toEqual(['Theme: System (current)', 'Theme: Light', 'Theme: Dark', 'Keyboard shortcuts']);
  });

  it('sets the theme it names', () => {
    const ctx = context({ theme: 'dark' });
    run(ctx, 'theme.light');
    expect(ctx.setTheme).toHaveBeenCalledWith('light');
  });
});
