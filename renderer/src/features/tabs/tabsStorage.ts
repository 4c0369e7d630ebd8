import type { RelationKind } from '../../../../shared/contract/catalog';
import { relationIdOf, type RelationRef } from '../explorer/explorerTree';
import type { AdminLocation } from '../../api/admin';
import { adminTab, NO_TABS, type Tab, type TabsState } from './tabsState';

/** A table opened on a branch other than the embedded default ("projects/p/branches/b"). */
const BRANCH_NAME = /^projects\/[a-z][a-z0-9-]{0,62}\/branches\/[a-z][a-z0-9-]{0,62}$/;
const RELATION_KINDS: readonly RelationKind[] = ['table', 'view', 'materialized_view', 'foreign_table', 'partitioned_table'];

/** What survives a reload of the window: which tabs were open and which was active. */
export function serializeTabs(state: TabsState): string {
  return JSON.stringify({ v: 1, activeId: state.activeId, tabs: state.tabs });
}

/**
 * Reads what serializeTabs wrote. Storage is outside our control (old versions, hand edits), so
 * anything unexpected is dropped rather than trusted; the worst case is an empty tab strip.
 */
export function restoreTabs(stored: string | null): TabsState {
  if (!stored) return NO_TABS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return NO_TABS;
  }
  if (!isRecord(parsed) || parsed.v !== 1 || !Array.isArray(parsed.tabs)) return NO_TABS;
  const tabs: Tab[] = [];
  for (const raw of parsed.tabs) {
    const tab = toTab(raw);
    if (tab && !tabs.some((t) => t.id === tab.id)) tabs.push(tab);
  }
  const activeId = tabs.find((t) => t.id === parsed.activeId)?.id ?? tabs[0]?.id ?? null;
  return { tabs, activeId };
}

function toTab(raw: unknown): Tab | null {
  if (!isRecord(raw)) return null;
  const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  const adminBranch = adminLocation(raw);
  if (adminBranch === null) return null;
  if (raw.kind === 'policies') return str(raw.schema) && str(raw.table) ? adminTab.policies(raw.schema, raw.table, adminBranch) : null;
  if (raw.kind === 'sql')
    return typeof raw.n === 'number' && Number.isInteger(raw.n) && raw.n > 0 ? adminTab.sql(raw.n, adminBranch) : null;
  if (raw.kind === 'roles') return adminTab.roles(adminBranch);
  if (raw.kind === 'grants') return str(raw.schema) ? adminTab.grants(raw.schema, adminBranch) : null;
  if (raw.kind === 'setup') return adminTab.setup(adminBranch);
  if (raw.kind !== 'table' || !isRecord(raw.relation)) return null;
  const { schema, name, kind, estimatedRows, branch, workspaceId, database } = raw.relation;
  if (typeof schema !== 'string' || typeof name !== 'string' || !schema || !name) return null;
  if (typeof kind !== 'string' || !(RELATION_KINDS as readonly string[]).includes(kind)) return null;
  const onBranch = typeof branch === 'string' && BRANCH_NAME.test(branch) ? { branch } : {};
  // A cloud table needs all three: its workspace, its branch and its database (tabs saved before
  // cloud tables existed have none of them and load as local ones).
  const cloud = workspaceId !== undefined || database !== undefined;
  if (cloud && !(onBranch.branch && str(workspaceId) && workspaceId.length <= 64 && str(database) && database.length <= 63)) return null;
  const onCloud = cloud ? { workspaceId: workspaceId as string, database: database as string } : {};
  const relation: RelationRef = {
    schema,
    name,
    kind: kind as RelationKind,
    estimatedRows: typeof estimatedRows === 'number' ? estimatedRows : -1,
    ...onBranch,
    ...onCloud,
  };
  return { kind: 'table', id: relationIdOf(relation), relation };
}

/**
 * An admin tab's location: a local branch, or a cloud workspace's branch with its database (all
 * three; tabs saved before cloud admin tabs existed have none of them). null = not trusted.
 */
function adminLocation(raw: Record<string, unknown>): AdminLocation | null {
  const branch = typeof raw.branch === 'string' && BRANCH_NAME.test(raw.branch) ? raw.branch : undefined;
  const { workspaceId, database } = raw;
  if (workspaceId === undefined && database === undefined) return branch ? { branch } : {};
  const ok = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
  return branch && ok(workspaceId, 64) && ok(database, 63) ? { branch, workspaceId, database } : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
