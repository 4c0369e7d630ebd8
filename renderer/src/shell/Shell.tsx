import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer, useState, type CSSProperties } from 'react';
import { catalogKeys } from '../api/catalog';
import { cloudKeys } from '../api/cloud';
import { ExplorerTree } from '../features/explorer/ExplorerTree';
import { OperationsPanel } from '../features/operations/OperationsPanel';
import { AdminTools } from '../features/roles/AdminTools';
import { SignInRequests } from '../features/signIn/SignInRequestDialog';
import { StatusBar } from '../features/statusbar/StatusBar';
import { tabTitle, tabsReducer, toolTab } from '../features/tabs/tabsState';
import { useWorkspaceHosts } from '../features/tabs/useWorkspaceHosts';
import { restoreTabs, serializeTabs } from '../features/tabs/tabsStorage';
import { EditorTabs } from '../features/tabs/EditorTabs';
import { Icon } from '../ui/Icon';
import { PierMark } from '../ui/PierMark';
import { SidebarResizer } from './SidebarResizer';
import { parseStoredWidth } from './sidebarWidth';
import './shell.css';

const SIDEBAR_WIDTH_KEY = 'pier.sidebarWidth';
/** Per window (sessionStorage): a reload keeps its tabs, a new window starts clean. */
const TABS_KEY = 'pier.tabs';

/** The frame: explorer on the left, opened tables in the middle, status along the bottom. */
export function Shell() {
  const [tabs, dispatch] = useReducer(tabsReducer, null, () => restoreTabs(readStored(TABS_KEY, 'session')));
  useEffect(() => writeStored(TABS_KEY, serializeTabs(tabs), 'session'), [tabs]);
  const queryClient = useQueryClient();
  const explorerFetching = useIsFetching({ queryKey: catalogKeys.schemas() }) + useIsFetching({ queryKey: cloudKeys.all }) > 0;
  const activeTab = tabs.tabs.find((t) => t.id === tabs.activeId);
  const hosts = useWorkspaceHosts();
  const windowTitle = activeTab ? `${tabTitle(activeTab, hosts)} — Pier` : 'Pier';
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
          <span className="sidebar__name">Pier</span>
        </header>
        <AdminTools tabs={tabs} dispatch={dispatch} />
        <div className="sidebar__section">
          <h2 className="sidebar__heading">Explorer</h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Refresh explorer"
            title="Refresh explorer"
            onClick={() => {
              void queryClient.invalidateQueries({ queryKey: catalogKeys.schemas() });
              void queryClient.invalidateQueries({ queryKey: cloudKeys.all });
            }}
          >
            <Icon name="refresh" className={explorerFetching ? 'spin' : undefined} />
          </button>
        </div>
        <ExplorerTree
          selectedId={tabs.activeId}
          onOpen={(relation) => dispatch({ kind: 'openTable', relation })}
          onTool={(request) => dispatch({ kind: 'open', tab: toolTab(tabs, request) })}
        />
        <OperationsPanel />
      </nav>
      <SidebarResizer width={sidebarWidth} onResize={setSidebarWidth} />
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
