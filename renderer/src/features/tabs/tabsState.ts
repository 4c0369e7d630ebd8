import { assertNever } from '../../../../shared/contract/result';
import { relationIdOf, type RelationRef } from '../explorer/explorerTree';

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
  | { readonly kind: 'policies'; readonly id: string; readonly schema: string; readonly table: string; readonly branch?: string }
  | { readonly kind: 'sql'; readonly id: string; readonly n: number; readonly branch?: string }
  | { readonly kind: 'roles'; readonly id: string; readonly branch?: string }
  | { readonly kind: 'grants'; readonly id: string; readonly schema: string; readonly branch?: string }
  | { readonly kind: 'setup'; readonly id: string; readonly branch?: string };

/** The tab id suffix and field for a branch other than the embedded default. */
const onBranch = (branch: string | undefined) => (branch ? { suffix: `@${branch}`, field: { branch } } : { suffix: '', field: {} });

/** Admin tabs, each with a stable id (per branch) so opening one again activates it. */
export const adminTab = {
  policies: (schema: string, table: string, branch?: string): Tab => {
    const b = onBranch(branch);
    return { kind: 'policies', id: `policies:${JSON.stringify([schema, table])}${b.suffix}`, schema, table, ...b.field };
  },
  sql: (n: number, branch?: string): Tab => {
    const b = onBranch(branch);
    return { kind: 'sql', id: `sql:${n}${b.suffix}`, n, ...b.field };
  },
  roles: (branch?: string): Tab => {
    const b = onBranch(branch);
    return { kind: 'roles', id: `roles${b.suffix}`, ...b.field };
  },
  grants: (schema: string, branch?: string): Tab => {
    const b = onBranch(branch);
    return { kind: 'grants', id: `grants:${JSON.stringify(schema)}${b.suffix}`, schema, ...b.field };
  },
  setup: (branch?: string): Tab => {
    const b = onBranch(branch);
    return { kind: 'setup', id: `setup${b.suffix}`, ...b.field };
  },
};

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

/** The tab's name for its tooltip, close button and the window title. */
export function tabTitle(tab: Tab): string {
  switch (tab.kind) {
    case 'table':
      // A branch other than the embedded default is named, so two tabs of one table differ.
      return `${tab.relation.schema}.${tab.relation.name}${tab.relation.branch ? ` · ${tab.relation.branch.split('/').at(-1)}` : ''}`;
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

function branchSuffix(branch: string | undefined): string {
  return branch ? ` · ${branch.split('/').at(-1)}` : '';
}
