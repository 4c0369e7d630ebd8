import { assertNever } from '../../../../shared/contract/result';
import { relationId, type RelationRef } from '../explorer/explorerTree';

export interface TableTab {
  /** Same id as the relation's tree item, so the tree can mark the open table. */
  readonly id: string;
  readonly relation: RelationRef;
}

export interface TabsState {
  readonly tabs: readonly TableTab[];
  readonly activeId: string | null;
}

export type TabsEvent =
  | { readonly kind: 'open'; readonly relation: RelationRef }
  | { readonly kind: 'activate'; readonly id: string }
  | { readonly kind: 'close'; readonly id: string };

export const NO_TABS: TabsState = { tabs: [], activeId: null };

export function tabsReducer(state: TabsState, event: TabsEvent): TabsState {
  switch (event.kind) {
    case 'open': {
      const id = relationId(event.relation.schema, event.relation.name);
      if (state.tabs.some((t) => t.id === id)) return { ...state, activeId: id };
      return { tabs: [...state.tabs, { id, relation: event.relation }], activeId: id };
    }
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
