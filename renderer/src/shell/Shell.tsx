import { useQueryClient } from '@tanstack/react-query';
import { useReducer } from 'react';
import { catalogKeys } from '../api/catalog';
import { ExplorerTree } from '../features/explorer/ExplorerTree';
import { StatusBar } from '../features/statusbar/StatusBar';
import { NO_TABS, tabsReducer } from '../features/tabs/tabsState';
import { TableTabs } from '../features/tabs/TableTabs';
import { Icon } from '../ui/Icon';
import { PierMark } from '../ui/PierMark';
import './shell.css';

/** The frame: explorer on the left, opened tables in the middle, status along the bottom. */
export function Shell() {
  const [tabs, dispatch] = useReducer(tabsReducer, NO_TABS);
  const queryClient = useQueryClient();

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Explorer">
        <header className="sidebar__brand">
          <PierMark />
          <span className="sidebar__name">Pier</span>
        </header>
        <div className="sidebar__section">
          <h2 className="sidebar__heading">Explorer</h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Refresh explorer"
            title="Refresh explorer"
            onClick={() => void queryClient.invalidateQueries({ queryKey: catalogKeys.schemas() })}
          >
            <Icon name="refresh" />
          </button>
        </div>
        <ExplorerTree selectedId={tabs.activeId} onOpen={(relation) => dispatch({ kind: 'open', relation })} />
      </nav>
      <main className="main">
        <TableTabs state={tabs} dispatch={dispatch} />
      </main>
      <StatusBar />
    </div>
  );
}
