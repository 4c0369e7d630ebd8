import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { EmptyState } from '../../ui/ErrorPanel';
import { Icon } from '../../ui/Icon';
import type { Location } from '../../../../shared/contract/location';
import { AdminLocationContext } from '../../api/admin';
import { useHome } from '../../api/app';
import { relationIcon } from '../tables/relation';
import { TableView } from '../grid/TableView';
import { gridViewKey, saveGridView } from '../grid/gridViewStorage';
import { GrantsView } from '../grants/GrantsView';
import { PoliciesView } from '../policies/PoliciesView';
import { RolesView } from '../roles/RolesView';
import { SetupAssistant } from '../roles/SetupAssistant';
import { SqlView } from '../sql/SqlView';
import { TableDesigner } from '../tableDesigner/TableDesigner';
import { DataDiffView } from '../dataDiff/DataDiffView';
import { ErDiagram } from '../erDiagram/ErDiagram';
import { DataApiConsole } from '../dataApiConsole/DataApiConsole';
import { assertNever } from '../../../../shared/contract/result';
import { locationSuffix, type WorkspaceHosts } from '../../ui/locationText';
import { openTab, tabTitle, type Tab, type TabsEvent, type TabsState } from './tabsState';
import { EndpointGate } from './EndpointGate';
import { useWorkspaceHosts } from './useWorkspaceHosts';
import './tabs.css';

/** The main area: one tab per opened item; only the active one is mounted (its queries stay cached). */
export function EditorTabs({ state, dispatch }: { state: TabsState; dispatch: (event: TabsEvent) => void }) {
  const baseId = useId();
  const tabRefs = useRef(new Map<string, HTMLButtonElement>());
  const stripRef = useRef<HTMLDivElement>(null);
  const active = state.tabs.find((t) => t.id === state.activeId) ?? null;
  // A newly active tab may sit beyond the strip's scrolled edge when many are open.
  useEffect(() => {
    if (state.activeId) tabRefs.current.get(state.activeId)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [state.activeId]);
  const hosts = useWorkspaceHosts();
  const home = useHome();
  const tabDomId = (index: number) => `${baseId}-tab-${index}`;
  const panelId = `${baseId}-panel`;

  if (!active) {
    return (
      <EmptyState icon="table" title="No table open">
        <p>Pick a table in the explorer to see its first rows.</p>
        <p>
          <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>→</kbd> expand · <kbd>Enter</kbd> open
        </p>
      </EmptyState>
    );
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = state.tabs.findIndex((t) => t.id === state.activeId);
    let target: number | null = null;
    if (event.key === 'ArrowRight') target = (index + 1) % state.tabs.length;
    else if (event.key === 'ArrowLeft') target = (index - 1 + state.tabs.length) % state.tabs.length;
    else if (event.key === 'Home') target = 0;
    else if (event.key === 'End') target = state.tabs.length - 1;
    else if (event.key === 'Delete') {
      event.preventDefault();
      dispatch({ kind: 'close', id: state.tabs[index]!.id });
      // Keep keyboard users in the tab strip after closing.
      requestAnimationFrame(() => stripRef.current?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus());
      return;
    }
    if (target === null) return;
    event.preventDefault();
    const tab = state.tabs[target]!;
    dispatch({ kind: 'activate', id: tab.id });
    tabRefs.current.get(tab.id)?.focus();
  };

  const activeIndex = state.tabs.indexOf(active);
  return (
    <div className="tabs">
      <div ref={stripRef} className="tabs__strip" role="tablist" aria-label="Open tables" onKeyDown={onKeyDown}>
        {state.tabs.map((tab, index) => {
          const selected = tab.id === state.activeId;
          const title = tabTitle(tab, home, hosts);
          return (
            <div key={tab.id} className={`tab${selected ? ' tab--selected' : ''}`}>
              <button
                ref={(el) => {
                  if (el) tabRefs.current.set(tab.id, el);
                  else tabRefs.current.delete(tab.id);
                }}
                type="button"
                role="tab"
                id={tabDomId(index)}
                aria-selected={selected}
                aria-controls={selected ? panelId : undefined}
                tabIndex={selected ? 0 : -1}
                aria-keyshortcuts="Delete"
                className="tab__button"
                title={title}
                onClick={() => dispatch({ kind: 'activate', id: tab.id })}
                onAuxClick={(e) => {
                  if (e.button === 1) dispatch({ kind: 'close', id: tab.id });
                }}
              >
                <TabLabel tab={tab} home={home} hosts={hosts} />
              </button>
              {/* A tablist owns only tabs: the close button is for the mouse; keyboards press Delete on the tab. */}
              <button
                type="button"
                className="icon-button tab__close"
                aria-hidden="true"
                title={`Close ${title}`}
                tabIndex={-1}
                onClick={() => dispatch({ kind: 'close', id: tab.id })}
              >
                <Icon name="close" />
              </button>
            </div>
          );
        })}
      </div>
      <div className="tabs__panel" role="tabpanel" id={panelId} aria-labelledby={tabDomId(activeIndex)}>
        <EndpointGate key={active.id} at={active.at}>
          <TabContent tab={active} dispatch={dispatch} />
        </EndpointGate>
      </div>
    </div>
  );
}

function TabLabel({ tab, home, hosts }: { tab: Tab; home: Location | undefined; hosts: WorkspaceHosts }) {
  switch (tab.kind) {
    case 'table': {
      const where = locationSuffix(tab.at, home, hosts);
      return (
        <>
          <Icon name={relationIcon(tab.relation.kind)} className="tab__icon" />
          {tab.relation.schema !== 'public' && <span className="tab__schema">{tab.relation.schema}.</span>}
          {tab.relation.name}
          {where && <span className="tab__schema">{where}</span>}
        </>
      );
    }
    case 'policies':
    case 'sql':
    case 'roles':
    case 'grants':
    case 'setup':
    case 'tableDesigner':
    case 'erDiagram':
    case 'dataDiff':
    case 'dataApiConsole':
      return <>{tabTitle(tab, home, hosts)}</>;
    default:
      return assertNever(tab, 'tab kind');
  }
}

function TabContent({ tab, dispatch }: { tab: Tab; dispatch: (event: TabsEvent) => void }) {
  switch (tab.kind) {
    case 'table':
      return (
        <TableView
          at={tab.at}
          relation={tab.relation}
          onCompare={() => dispatch({ kind: 'open', tab: openTab.dataDiff(tab.at, tab.relation.schema, tab.relation.name) })}
          onOpenConsole={() => dispatch({ kind: 'open', tab: openTab.dataApiConsole(tab.at) })}
          onOpenRelated={(relation, query, viewAs) => {
            // The referenced table's tab opens on this view (it reads its view when it mounts).
            saveGridView(gridViewKey(tab.at, relation.schema, relation.name), { query, countMode: 'exact', viewAs });
            dispatch({ kind: 'open', tab: openTab.table(tab.at, relation) });
          }}
        />
      );
    case 'tableDesigner':
      return (
        <AdminLocationContext.Provider value={tab.at}>
          <TableDesigner
            schema={tab.schema}
            table={tab.table}
            onOpenTable={(relation) => dispatch({ kind: 'open', tab: openTab.table(tab.at, relation) })}
            onDesign={(schema, table) => {
              // A created or renamed table: its designer tab replaces this one.
              dispatch({ kind: 'close', id: tab.id });
              dispatch({ kind: 'open', tab: openTab.tableDesigner(tab.at, schema, table) });
            }}
            onDropped={() => dispatch({ kind: 'close', id: tab.id })}
          />
        </AdminLocationContext.Provider>
      );
    case 'erDiagram':
      return (
        <ErDiagram
          at={tab.at}
          schema={tab.schema}
          onOpenTable={(relation) => dispatch({ kind: 'open', tab: openTab.table(tab.at, relation) })}
        />
      );
    case 'dataDiff':
      return <DataDiffView key={tab.id} at={tab.at} schema={tab.schema} table={tab.table} />;
    case 'dataApiConsole':
      return <DataApiConsole at={tab.at} />;
    case 'policies':
    case 'sql':
    case 'roles':
    case 'grants':
    case 'setup':
      // Admin views name the location in their own calls and keys.
      return (
        <AdminLocationContext.Provider value={tab.at}>
          <AdminTabContent tab={tab} />
        </AdminLocationContext.Provider>
      );
    default:
      return assertNever(tab, 'tab kind');
  }
}

function AdminTabContent({
  tab,
}: {
  tab: Exclude<Tab, { kind: 'table' | 'tableDesigner' | 'erDiagram' | 'dataApiConsole' | 'dataDiff' }>;
}) {
  switch (tab.kind) {
    case 'policies':
      return <PoliciesView schema={tab.schema} table={tab.table} />;
    case 'sql':
      return <SqlView tabNumber={tab.n} />;
    case 'roles':
      return <RolesView />;
    case 'grants':
      return <GrantsView schema={tab.schema} />;
    case 'setup':
      return (
        <div className="roles">
          <SetupAssistant />
        </div>
      );
    default:
      return assertNever(tab, 'admin tab kind');
  }
}
