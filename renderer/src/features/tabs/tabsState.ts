import { assertNever } from '../../../../shared/contract/result';
import { isCloud, type AdminLocation } from '../../api/admin';
import { LOCAL_WORKSPACE_ID, relationIdOf, type RelationRef } from '../explorer/explorerTree';

/**
 * What a tab shows. A closed union so later features (SQL editor, role editor, query builder)
 * add a kind here and the compiler lists every place that must handle it.
 */
export type Tab =
  | {
      readonly kind: 'table';
      /** Same id as the relation's tree item, so the tree can mark the open table. */
      readonly id: string;
      readonly relation: RelationRef;
    }
  | ({ readonly kind: 'policies'; readonly id: string; readonly schema: string; readonly table: string } & TabLocation)
  | ({ readonly kind: 'sql'; readonly id: string; readonly n: number } & TabLocation)
  | ({ readonly kind: 'roles'; readonly id: string } & TabLocation)
  | ({ readonly kind: 'grants'; readonly id: string; readonly schema: string } & TabLocation)
  | ({ readonly kind: 'setup'; readonly id: string } & TabLocation);

/** Where an admin tab works (see AdminLocation); all absent = the embedded default. */
export interface TabLocation {
  readonly branch?: string;
  /** A cloud workspace (with `branch` and `database`); absent = the local workspace. */
  readonly workspaceId?: string;
  readonly database?: string;
}

/**
 * The tab id suffix and fields for a location other than the embedded default. Local ids keep
 * their old shape (saved tabs still match); a cloud location names workspace, branch and database.
 */
function onBranch(at: AdminLocation): { suffix: string; field: TabLocation } {
  if (isCloud(at) && at.branch) {
    const field = { branch: at.branch, workspaceId: at.workspaceId, ...(at.database ? { database: at.database } : {}) };
    return { suffix: `@${JSON.stringify([at.workspaceId, at.branch, at.database ?? ''])}`, field };
  }
  return at.branch ? { suffix: `@${at.branch}`, field: { branch: at.branch } } : { suffix: '', field: {} };
}

/** The location an admin tab works on, for its views' calls. */
export function tabLocation(tab: TabLocation): AdminLocation {
  return {
    ...(tab.branch && { branch: tab.branch }),
    ...(tab.workspaceId && { workspaceId: tab.workspaceId }),
    ...(tab.database && { database: tab.database }),
  };
}

/** Admin tabs, each with a stable id (per location) so opening one again activates it. */
export const adminTab = {
  policies: (schema: string, table: string, at: AdminLocation = {}): Tab => {
    const b = onBranch(at);
    return { kind: 'policies', id: `policies:${JSON.stringify([schema, table])}${b.suffix}`, schema, table, ...b.field };
  },
  sql: (n: number, at: AdminLocation = {}): Tab => {
    const b = onBranch(at);
    return { kind: 'sql', id: `sql:${n}${b.suffix}`, n, ...b.field };
  },
  roles: (at: AdminLocation = {}): Tab => {
    const b = onBranch(at);
    return { kind: 'roles', id: `roles${b.suffix}`, ...b.field };
  },
  grants: (schema: string, at: AdminLocation = {}): Tab => {
    const b = onBranch(at);
    return { kind: 'grants', id: `grants:${JSON.stringify(schema)}${b.suffix}`, schema, ...b.field };
  },
  setup: (at: AdminLocation = {}): Tab => {
    const b = onBranch(at);
    return { kind: 'setup', id: `setup${b.suffix}`, ...b.field };
  },
};

/** The location of a table (its tab, its tree row): where admin tools opened from it work. */
export function relationLocation(r: RelationRef): AdminLocation {
  return tabLocation({
    ...(r.branch && { branch: r.branch }),
    ...(r.workspaceId && { workspaceId: r.workspaceId }),
    ...(r.workspaceId && r.database && { database: r.database }),
  });
}

/** An admin tool asked for (tool buttons, the tree's row menu), on a location. */
export type ToolRequest =
  | { readonly tool: 'sql' | 'roles' | 'setup'; readonly at: AdminLocation }
  | { readonly tool: 'grants'; readonly schema: string; readonly at: AdminLocation }
  | { readonly tool: 'policies'; readonly schema: string; readonly table: string; readonly at: AdminLocation };

/** The tab a tool request opens (a new SQL tab each time; the others are one per location). */
export function toolTab(state: TabsState, request: ToolRequest): Tab {
  switch (request.tool) {
    case 'sql':
      return adminTab.sql(Math.max(0, ...state.tabs.map((t) => (t.kind === 'sql' ? t.n : 0))) + 1, request.at);
    case 'roles':
      return adminTab.roles(request.at);
    case 'setup':
      return adminTab.setup(request.at);
    case 'grants':
      return adminTab.grants(request.schema, request.at);
    case 'policies':
      return adminTab.policies(request.schema, request.table, request.at);
    default:
      return assertNever(request, 'tool request');
  }
}

export interface TabsState {
  readonly tabs: readonly Tab[];
  readonly activeId: string | null;
}

export type TabsEvent =
  | { readonly kind: 'openTable'; readonly relation: RelationRef }
  | { readonly kind: 'open'; readonly tab: Tab }
  | { readonly kind: 'activate'; readonly id: string }
  | { readonly kind: 'close'; readonly id: string };

export const NO_TABS: TabsState = { tabs: [], activeId: null };

export function tabsReducer(state: TabsState, event: TabsEvent): TabsState {
  switch (event.kind) {
    case 'openTable': {
      const id = relationIdOf(event.relation);
      if (state.tabs.some((t) => t.id === id)) return { ...state, activeId: id };
      return { tabs: [...state.tabs, { kind: 'table', id, relation: event.relation }], activeId: id };
    }
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
    default:
      return assertNever(event, 'tabs event');
  }
}

/** Workspace id → host, for naming the workspace of a cloud tab (unknown ids show the id). */
export type WorkspaceHosts = ReadonlyMap<string, string>;

/**
 * The tab's name for its tooltip, close button and the window title. A tab of a cloud workspace
 * also names the workspace (its short host), so two workspaces' "clients · production" differ.
 */
export function tabTitle(tab: Tab, hosts: WorkspaceHosts = new Map()): string {
  return `${tabName(tab)}${workspaceSuffix(tab.kind === 'table' ? tab.relation.workspaceId : tab.workspaceId, hosts)}`;
}

function tabName(tab: Tab): string {
  switch (tab.kind) {
    case 'table':
      // A branch other than the embedded default is named, so two tabs of one table differ.
      return `${tab.relation.schema}.${tab.relation.name}${branchSuffix(tab.relation.branch)}`;
    case 'policies':
      return `Policies · ${tab.schema}.${tab.table}${branchSuffix(tab.branch)}`;
    case 'sql':
      return `SQL ${tab.n}${branchSuffix(tab.branch)}`;
    case 'roles':
      return `Roles${branchSuffix(tab.branch)}`;
    case 'grants':
      return `Grants · ${tab.schema}${branchSuffix(tab.branch)}`;
    case 'setup':
      return `Data API set-up${branchSuffix(tab.branch)}`;
    default:
      return assertNever(tab, 'tab kind');
  }
}

/** " · adb-1234" for a cloud workspace's tab; nothing for the local workspace. */
export function workspaceSuffix(workspaceId: string | undefined, hosts: WorkspaceHosts): string {
  if (!workspaceId || workspaceId === LOCAL_WORKSPACE_ID) return '';
  const host = hosts.get(workspaceId);
  return ` · ${host ? shortHost(host) : workspaceId}`;
}

/**
 * A workspace host short enough for a tab: its first DNS label ("adb-1234.5.azuredatabricks.net"
 * → "adb-1234"); an IP address or localhost keeps its port, which is what tells two apart.
 */
export function shortHost(host: string): string {
  const bare = host.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const name = bare.replace(/:\d+$/, '');
  if (/^[\d.]+$/.test(name) || name === 'localhost' || name.startsWith('[')) return bare;
  return name.split('.')[0] ?? name;
}

function branchSuffix(branch: string | undefined): string {
  return branch ? ` · ${branch.split('/').at(-1)}` : '';
}
