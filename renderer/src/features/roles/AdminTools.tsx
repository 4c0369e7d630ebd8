import { useQuery } from '@tanstack/react-query';
import './roles.css';
import { locationSchemasQuery, type AdminLocation } from '../../api/admin';
import { usePierApi } from '../../api/PierApiContext';
import {
  relationLocation,
  tabLocation,
  toolTab,
  workspaceSuffix,
  type Tab,
  type TabsEvent,
  type TabsState,
  type ToolRequest,
} from '../tabs/tabsState';
import { useWorkspaceHosts } from '../tabs/useWorkspaceHosts';

/** Where the tools open: the active tab's workspace, branch and database (none = the embedded default). */
export function toolsLocation(active: Tab | undefined): AdminLocation {
  if (!active) return {};
  return active.kind === 'table' ? relationLocation(active.relation) : tabLocation(active);
}

/** The sidebar's launchers for the admin tabs; they follow the active tab's location, policies and grants its table. */
export function AdminTools({ tabs, dispatch }: { tabs: TabsState; dispatch: (e: TabsEvent) => void }) {
  const api = usePierApi();
  const hosts = useWorkspaceHosts();
  const active = tabs.tabs.find((t) => t.id === tabs.activeId);
  const at = toolsLocation(active);
  const schemas = useQuery(locationSchemasQuery(api, at));
  const current =
    active?.kind === 'table'
      ? { schema: active.relation.schema, table: active.relation.name }
      : active?.kind === 'policies'
        ? { schema: active.schema, table: active.table }
        : (() => {
            const s = schemas.data?.schemas.find((x) => x.relations.some((r) => r.kind === 'table'));
            const r = s?.relations.find((x) => x.kind === 'table');
            return s && r ? { schema: s.name, table: r.name } : null;
          })();
  const open = (request: ToolRequest) => dispatch({ kind: 'open', tab: toolTab(tabs, request) });
  const where = `${at.branch?.split('/').at(-1) ?? 'production'}${at.database ? ` · ${at.database}` : ''}${workspaceSuffix(at.workspaceId, hosts)}`;
  return (
    <div className="admin-tools" role="group" aria-label="Admin tools">
      <button type="button" className="admin-tools__button" onClick={() => open({ tool: 'sql', at })}>
        SQL editor
      </button>
      <button
        type="button"
        className="admin-tools__button"
        disabled={!current}
        title={current ? `Row-level security of ${current.schema}.${current.table}` : 'Open a table first'}
        onClick={() => current && open({ tool: 'policies', schema: current.schema, table: current.table, at })}
      >
        RLS policies
      </button>
      <button
        type="button"
        className="admin-tools__button"
        onClick={() => open({ tool: 'grants', schema: current?.schema ?? 'public', at })}
      >
        Grants
      </button>
      <button type="button" className="admin-tools__button" onClick={() => open({ tool: 'roles', at })}>
        Roles
      </button>
      <button type="button" className="admin-tools__button" onClick={() => open({ tool: 'setup', at })}>
        Data API set-up
      </button>
      <p className="admin-tools__where" aria-label="Admin tools open on">
        on {where}
      </p>
    </div>
  );
}
