import { relationKind, type RelationKind } from '../../../../shared/contract/catalog';
import { fromLegacyLocation, location, type Location } from '../../../../shared/contract/location';
import type { RelationInfo } from '../tables/relation';
import { NO_TABS, openTab, type Tab, type TabsState } from './tabsState';

/**
 * The tab strip across reloads of the window. Version 2 saves each tab's location; version 1
 * (before locations were one type) saved optional branch / workspace / database fields, read once
 * through `fromLegacyLocation` with the home location.
 */
const VERSION = 2;

/** What survives a reload of the window: which tabs were open, where, and which was active. */
export function serializeTabs(state: TabsState): string {
  return JSON.stringify({ v: VERSION, activeId: state.activeId, tabs: state.tabs });
}

/**
 * Reads what serializeTabs wrote, now or in version 1. Storage is outside our control (old
 * versions, hand edits), so anything unexpected is dropped rather than trusted; the worst case is
 * an empty tab strip. Ids are derived again, never taken from storage.
 */
export function restoreTabs(stored: string | null, home: Location): TabsState {
  if (!stored) return NO_TABS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return NO_TABS;
  }
  if (!isRecord(parsed) || (parsed.v !== 1 && parsed.v !== VERSION) || !Array.isArray(parsed.tabs)) return NO_TABS;
  const legacy = parsed.v === 1;
  const tabs: Tab[] = [];
  let activeId: string | null = null;
  for (const raw of parsed.tabs) {
    if (!isRecord(raw)) continue;
    const at = legacy ? fromLegacyLocation(raw.kind === 'table' ? raw.relation : raw, home) : locationOf(raw.at);
    const tab = at && toTab(raw, at);
    if (!tab || tabs.some((t) => t.id === tab.id)) continue;
    tabs.push(tab);
    // The stored active id names the tab as it was saved, whatever its id is now.
    if (typeof raw.id === 'string' && raw.id === parsed.activeId) activeId = tab.id;
  }
  return { tabs, activeId: activeId ?? tabs[0]?.id ?? null };
}

function locationOf(raw: unknown): Location | undefined {
  const parsed = location.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

function toTab(raw: Record<string, unknown>, at: Location): Tab | null {
  switch (raw.kind) {
    case 'table': {
      const relation = relationOf(raw.relation);
      return relation && openTab.table(at, relation);
    }
    case 'policies':
      return name(raw.schema) && name(raw.table) ? openTab.policies(at, raw.schema, raw.table) : null;
    case 'sql':
      return typeof raw.n === 'number' && Number.isInteger(raw.n) && raw.n > 0 ? openTab.sql(at, raw.n) : null;
    case 'roles':
      return openTab.roles(at);
    case 'grants':
      return name(raw.schema) ? openTab.grants(at, raw.schema) : null;
    case 'setup':
      return openTab.setup(at);
    case 'tableDesigner':
      return name(raw.schema) && (raw.table === null || name(raw.table)) ? openTab.tableDesigner(at, raw.schema, raw.table) : null;
    case 'erDiagram':
      return name(raw.schema) ? openTab.erDiagram(at, raw.schema) : null;
    case 'dataDiff':
      return name(raw.schema) && name(raw.table) ? openTab.dataDiff(at, raw.schema, raw.table) : null;
    case 'dataApiConsole':
      return openTab.dataApiConsole(at);
    default:
      return null;
  }
}

function relationOf(raw: unknown): RelationInfo | null {
  if (!isRecord(raw)) return null;
  const { schema, name: table, kind, estimatedRows } = raw;
  if (!name(schema) || !name(table) || !relationKind.safeParse(kind).success) return null;
  return { schema, name: table, kind: kind as RelationKind, estimatedRows: typeof estimatedRows === 'number' ? estimatedRows : -1 };
}

/** A Postgres name as the catalog gives it. */
function name(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 63;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
