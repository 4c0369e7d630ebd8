import { locationKey, type Location } from '../../../../shared/contract/location';
import { assertNever } from '../../../../shared/contract/result';
import { relationId, type RelationInfo } from '../tables/relation';
import { locationSuffix, type WorkspaceHosts } from '../../ui/locationText';
import type { ToolRequest } from './toolRequest';

/**
 * What a tab shows, and where: every tab carries one location, and its id is derived from it
 * (with what it shows), so opening the same thing again activates its tab. A closed union so a
 * new editor adds a kind here and the compiler lists every place that must handle it.
 */
export type Tab =
  | { readonly kind: 'table'; readonly id: string; readonly at: Location; readonly relation: RelationInfo }
  | { readonly kind: 'policies'; readonly id: string; readonly at: Location; readonly schema: string; readonly table: string }
  | { readonly kind: 'sql'; readonly id: string; readonly at: Location; readonly n: number }
  | { readonly kind: 'roles'; readonly id: string; readonly at: Location }
  | { readonly kind: 'grants'; readonly id: string; readonly at: Location; readonly schema: string }
  | { readonly kind: 'setup'; readonly id: string; readonly at: Location }
  /** The table designer: `table` null designs a new table in `schema`. */
  | { readonly kind: 'tableDesigner'; readonly id: string; readonly at: Location; readonly schema: string; readonly table: string | null }
  /** A schema's tables and foreign keys, drawn. */
  | { readonly kind: 'erDiagram'; readonly id: string; readonly at: Location; readonly schema: string }
  /** A table's data compared with another branch or database. */
  | { readonly kind: 'dataDiff'; readonly id: string; readonly at: Location; readonly schema: string; readonly table: string }
  /** The Data API console of a branch's database. */
  | { readonly kind: 'dataApiConsole'; readonly id: string; readonly at: Location };

const idOf = (kind: Tab['kind'], at: Location, ...parts: readonly (string | number)[]) =>
  `${kind}:${JSON.stringify([...locationKey(at), ...parts])}`;

/** The tabs, each with its stable id. A table tab has its tree row's id. */
export const openTab = {
  table: (at: Location, relation: RelationInfo): Tab => ({
    kind: 'table',
    id: relationId(at, relation.schema, relation.name),
    at,
    relation,
  }),
  policies: (at: Location, schema: string, table: string): Tab => ({
    kind: 'policies',
    id: idOf('policies', at, schema, table),
    at,
    schema,
    table,
  }),
  sql: (at: Location, n: number): Tab => ({ kind: 'sql', id: idOf('sql', at, n), at, n }),
  roles: (at: Location): Tab => ({ kind: 'roles', id: idOf('roles', at), at }),
  grants: (at: Location, schema: string): Tab => ({ kind: 'grants', id: idOf('grants', at, schema), at, schema }),
  setup: (at: Location): Tab => ({ kind: 'setup', id: idOf('setup', at), at }),
  tableDesigner: (at: Location, schema: string, table: string | null): Tab => ({
    kind: 'tableDesigner',
    id: idOf('tableDesigner', at, schema, table ?? ''),
    at,
    schema,
    table,
  }),
  erDiagram: (at: Location, schema: string): Tab => ({ kind: 'erDiagram', id: idOf('erDiagram', at, schema), at, schema }),
  dataDiff: (at: Location, schema: string, table: string): Tab => ({
    kind: 'dataDiff',
    id: idOf('dataDiff', at, schema, table),
    at,
    schema,
    table,
  }),
  dataApiConsole: (at: Location): Tab => ({ kind: 'dataApiConsole', id: idOf('dataApiConsole', at), at }),
};

/** The tab a tool request opens (a new SQL tab each time; the others are one per location). */
export function toolTab(state: TabsState, request: ToolRequest): Tab {
  switch (request.tool) {
    case 'sql':
      return openTab.sql(request.at, Math.max(0, ...state.tabs.map((t) => (t.kind === 'sql' ? t.n : 0))) + 1);
    case 'roles':
      return openTab.roles(request.at);
    case 'setup':
      return openTab.setup(request.at);
    case 'grants':
      return openTab.grants(request.at, request.schema);
    case 'policies':
      return openTab.policies(request.at, request.schema, request.table);
    case 'tableDesigner':
      return openTab.tableDesigner(request.at, request.schema, request.table);
    case 'erDiagram':
      return openTab.erDiagram(request.at, request.schema);
    case 'dataDiff':
      return openTab.dataDiff(request.at, request.schema, request.table);
    case 'dataApiConsole':
      return openTab.dataApiConsole(request.at);
    default:
      return assertNever(request, 'tool request');
  }
}

export interface TabsState {
  readonly tabs: readonly Tab[];
  readonly activeId: string | null;
}

export type TabsEvent =
  | { readonly kind: 'open'; readonly tab: Tab }
  | { readonly kind: 'activate'; readonly id: string }
  | { readonly kind: 'close'; readonly id: string }
  /** The saved tabs, once they can be read: they come first, before any opened meanwhile. */
  | { readonly kind: 'restore'; readonly saved: TabsState };

export const NO_TABS: TabsState = { tabs: [], activeId: null };

export function tabsReducer(state: TabsState, event: TabsEvent): TabsState {
  switch (event.kind) {
    case 'open':
      if (state.tabs.some((t) => t.id === event.tab.id)) return { ...state, activeId: event.tab.id };
      return { tabs: [...state.tabs, event.tab], activeId: event.tab.id };
    case 'activate':
      return state.tabs.some((t) => t.id === event.id) ? { ...state, activeId: event.id } : state;
    case 'close': {
      const index = state.tabs.findIndex((t) => t.id === event.id);
      if (index < 0) return state;
      const tabs = state.tabs.filter((t) => t.id !== event.id);
      if (state.activeId !== event.id) return { ...state, tabs };
      // Closing the active tab shows its right neighbour, as editors do; the left one at the end.
      const next = tabs[index] ?? tabs[index - 1] ?? null;
      return { tabs, activeId: next?.id ?? null };
    }
    case 'restore': {
      const saved = event.saved.tabs;
      const tabs = [...saved, ...state.tabs.filter((t) => !saved.some((s) => s.id === t.id))];
      return { tabs, activeId: state.activeId ?? event.saved.activeId };
    }
    default:
      return assertNever(event, 'tabs event');
  }
}

/** The tab's name for its tooltip, close button and the window title: what it shows, then where (see locationSuffix). */
export function tabTitle(tab: Tab, home: Location | undefined, hosts: WorkspaceHosts = new Map()): string {
  return `${tabName(tab)}${locationSuffix(tab.at, home, hosts)}`;
}

function tabName(tab: Tab): string {
  switch (tab.kind) {
    case 'table':
      return `${tab.relation.schema}.${tab.relation.name}`;
    case 'policies':
      return `Policies · ${tab.schema}.${tab.table}`;
    case 'sql':
      return `SQL ${tab.n}`;
    case 'roles':
      return 'Roles';
    case 'grants':
      return `Grants · ${tab.schema}`;
    case 'setup':
      return 'Data API set-up';
    case 'tableDesigner':
      return tab.table === null ? `New table · ${tab.schema}` : `Design · ${tab.schema}.${tab.table}`;
    case 'erDiagram':
      return `ER diagram · ${tab.schema}`;
    case 'dataDiff':
      return `Compare data · ${tab.schema}.${tab.table}`;
    case 'dataApiConsole':
      return 'Data API console';
    default:
      return assertNever(tab, 'tab kind');
  }
}
