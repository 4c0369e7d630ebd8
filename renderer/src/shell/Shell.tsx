import { useQuery } from '@tanstack/react-query';
import { useEffect, useReducer, useRef, useState, type CSSProperties } from 'react';
import { useHome } from '../api/app';
import { schemasQueryIfKnown } from '../api/catalog';
import { usePierApi } from '../api/PierApiContext';
import { ExplorerTree } from '../features/explorer/ExplorerTree';
import { useExplorerRefresh } from '../features/explorer/useExplorerData';
import { migrateLegacyGridViews } from '../features/grid/gridViewStorage';
import { OperationsPanel } from '../features/operations/OperationsPanel';
import { AdminTools } from '../features/roles/AdminTools';
import { migrateLegacySqlHistories } from '../features/sql/sqlHistoryKey';
import { SignInRequests } from '../features/signIn/SignInRequestDialog';
import { StatusBar } from '../features/statusbar/StatusBar';
import { NO_TABS, openTab, tabTitle, tabsReducer, toolTab } from '../features/tabs/tabsState';
import { useWorkspaceHosts } from '../features/tabs/useWorkspaceHosts';
import { restoreTabs, serializeTabs } from '../features/tabs/tabsStorage';
import { EditorTabs } from '../features/tabs/EditorTabs';
import { Icon } from '../ui/Icon';
import { PierMark } from '../ui/PierMark';
import { SidebarResizer } from './SidebarResizer';
import { HelpMenu } from './HelpMenu';
import { parseStoredWidth } from './sidebarWidth';
import { CommandPalette } from './CommandPalette';
import { ShortcutSheet } from './ShortcutSheet';
import { ThemePicker } from './ThemePicker';
import { shellCommands } from './shellCommands';
import { globalShortcut, isTextField } from './shortcuts';
import { useCommandRegistry } from '../ui/commands/CommandRegistry';
import type { Command } from '../ui/commands/command';
import { useThemeChoice } from '../ui/theme/useTheme';
import './shell.css';

const SIDEBAR_WIDTH_KEY = 'pier.sidebarWidth';
/** Per window (sessionStorage): a reload keeps its tabs, a new window starts clean. */
const TABS_KEY = 'pier.tabs';

/** The frame: explorer on the left, opened tables in the middle, status along the bottom. */
export function Shell() {
  const home = useHome();
  const [tabs, dispatch] = useReducer(tabsReducer, NO_TABS);
  // Saved tabs come back once the home location is known: older ones are read relative to it.
  const restored = useRef(false);
  useEffect(() => {
    if (!home || restored.current) return;
    restored.current = true;
    migrateLegacyGridViews(home);
    migrateLegacySqlHistories(home);
    dispatch({ kind: 'restore', saved: restoreTabs(readStored(TABS_KEY, 'session'), home) });
  }, [home]);
  useEffect(() => {
    if (restored.current) writeStored(TABS_KEY, serializeTabs(tabs), 'session');
  }, [tabs]);
  const explorer = useExplorerRefresh();
  const activeTab = tabs.tabs.find((t) => t.id === tabs.activeId);
  const hosts = useWorkspaceHosts();
  const windowTitle = activeTab ? `${tabTitle(activeTab, home, hosts)} — Pier` : 'Pier';
  useEffect(() => {
    document.title = windowTitle;
  }, [windowTitle]);
  const [sidebarWidth, setSidebarWidth] = useState(() => parseStoredWidth(readStored(SIDEBAR_WIDTH_KEY)));
  useEffect(() => writeStored(SIDEBAR_WIDTH_KEY, String(sidebarWidth)), [sidebarWidth]);

  // Keyboard first: the palette lists every action; `?` shows the shortcuts.
  const api = usePierApi();
  const registry = useCommandRegistry();
  const [theme, setTheme] = useThemeChoice();
  const toolsAt = activeTab?.at ?? home;
  const catalog = useQuery(schemasQueryIfKnown(api, toolsAt));
  const [palette, setPalette] = useState<readonly Command[] | null>(null);
  const [sheetOpen, setSheetOpen] = useState(false);
  const openPalette = () =>
    setPalette([
      ...shellCommands({
        tabs,
        at: toolsAt,
        currentTable:
          activeTab?.kind === 'table'
            ? { schema: activeTab.relation.schema, table: activeTab.relation.name }
            : activeTab?.kind === 'policies'
              ? { schema: activeTab.schema, table: activeTab.table }
              : null,
        relations: (catalog.data?.schemas ?? []).flatMap((s) => s.relations.map((r) => ({ ...r, schema: s.name }))),
        theme,
        openTable: (at, relation) => dispatch({ kind: 'open', tab: openTab.table(at, relation) }),
        openTool: (request) => dispatch({ kind: 'open', tab: toolTab(tabs, request) }),
        activate: (id) => dispatch({ kind: 'activate', id }),
        close: (id) => dispatch({ kind: 'close', id }),
        setTheme,
        showShortcuts: () => setSheetOpen(true),
      }),
      ...registry.commands(),
    ]);
  const openPaletteRef = useRef(openPalette);
  openPaletteRef.current = openPalette;
  useEffect(() => {
    // Capture phase: Monaco binds Ctrl+K as a chord prefix and would otherwise take it first.
    const onKeyDown = (event: KeyboardEvent) => {
      const shortcut = globalShortcut({ ...pickKeys(event), inTextField: isTextField(document.activeElement) });
      if (!shortcut) return;
      // Inside an open dialog (the palette itself included) the page's shortcuts rest.
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      event.stopPropagation();
      if (shortcut === 'palette') openPaletteRef.current();
      else setSheetOpen(true);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);

  return (
    <div className="shell" style={{ '--sidebar-width': `${sidebarWidth}px` } as CSSProperties}>
      <nav className="sidebar" aria-label="Explorer">
        <header className="sidebar__brand">
          <PierMark />
          <h1 className="sidebar__name">Pier</h1>
          <ThemePicker />
          <HelpMenu onPalette={openPalette} onShortcuts={() => setSheetOpen(true)} />
        </header>
        <AdminTools tabs={tabs} dispatch={dispatch} />
        <div className="sidebar__section">
          <h2 className="sidebar__heading">Explorer</h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Refresh explorer"
            title="Refresh explorer"
            onClick={explorer.refreshAll}
          >
            <Icon name="refresh" className={explorer.fetching ? 'spin' : undefined} />
          </button>
        </div>
        <ExplorerTree
          selectedId={tabs.activeId}
          onOpen={(at, relation) => dispatch({ kind: 'open', tab: openTab.table(at, relation) })}
          onTool={(request) => dispatch({ kind: 'open', tab: toolTab(tabs, request) })}
        />
        <OperationsPanel />
        {/* Inside the nav landmark (axe: all content in landmarks), drawn over the sidebar's right edge. */}
        <SidebarResizer width={sidebarWidth} onResize={setSidebarWidth} />
      </nav>
      <main className="main">
        <EditorTabs state={tabs} dispatch={dispatch} />
      </main>
      <StatusBar />
      <SignInRequests />
      {palette && <CommandPalette commands={palette} onClose={() => setPalette(null)} />}
      {sheetOpen && <ShortcutSheet onClose={() => setSheetOpen(false)} />}
    </div>
  );
}

function pickKeys(e: KeyboardEvent) {
  return { key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, shiftKey: e.shiftKey, altKey: e.altKey };
}

type StorageArea = 'local' | 'session';

// Web storage may be unavailable (privacy settings); the layout then just starts at its defaults.
function readStored(key: string, area: StorageArea = 'local'): string | null {
  try {
    return (area === 'local' ? window.localStorage : window.sessionStorage).getItem(key);
  } catch {
    return null;
  }
}

function writeStored(key: string, value: string, area: StorageArea = 'local'): void {
  try {
    (area === 'local' ? window.localStorage : window.sessionStorage).setItem(key, value);
  } catch {
    // not persisted; harmless
  }
}
