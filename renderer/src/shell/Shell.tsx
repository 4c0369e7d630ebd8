import { useEffect, useReducer, useRef, useState, type CSSProperties } from 'react';
import { useHome } from '../api/app';
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

  return (
    <div className="shell" style={{ '--sidebar-width': `${sidebarWidth}px` } as CSSProperties}>
      <nav className="sidebar" aria-label="Explorer">
        <header className="sidebar__brand">
          <PierMark />
          <h1 className="sidebar__name">Pier</h1>
          <HelpMenu />
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
    </div>
  );
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
