import { useQuery } from '@tanstack/react-query';
import './roles.css';
import type { Location } from '../../../../shared/contract/location';
import { useHome } from '../../api/app';
import { schemasQueryIfKnown } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { branchShortName, workspaceSuffix } from '../../ui/locationText';
import { toolTab, type Tab, type TabsEvent, type TabsState } from '../tabs/tabsState';
import type { ToolRequest } from '../tabs/toolRequest';
import { useWorkspaceHosts } from '../tabs/useWorkspaceHosts';

/** Where the tools open: the active tab's location, or home when no tab is open (undefined until home is known). */
function toolsLocation(active: Tab | undefined, home: Location | undefined): Location | undefined {
  return active?.at ?? home;
}

/** The sidebar's launchers for the admin tabs; they follow the active tab's location, policies and grants its table. */
export function AdminTools({ tabs, dispatch }: { tabs: TabsState; dispatch: (e: TabsEvent) => void }) {
  const api = usePierApi();
  const hosts = useWorkspaceHosts();
  const home = useHome();
  const active = tabs.tabs.find((t) => t.id === tabs.activeId);
  const at = toolsLocation(active, home);
  const schemas = useQuery(schemasQueryIfKnown(api, at));
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
  // Locally the home database goes without saying; elsewhere the database is named.
  const where =
    at &&
    `${branchShortName(at.branch)}${at.kind === 'cloud' || at.database !== home?.database ? ` · ${at.database}` : ''}${workspaceSuffix(at, hosts)}`;
  return (
    <div className="admin-tools" role="group" aria-label="Admin tools">
      <button type="button" className="admin-tools__button" disabled={!at} onClick={() => at && open({ tool: 'sql', at })}>
        SQL editor
      </button>
      <button
        type="button"
        className="admin-tools__button"
        disabled={!at || !current}
        title={current ? `Row-level security of ${current.schema}.${current.table}` : 'Open a table first'}
        onClick={() => at && current && open({ tool: 'policies', schema: current.schema, table: current.table, at })}
      >
        RLS policies
      </button>
      <button
        type="button"
        className="admin-tools__button"
        disabled={!at}
        onClick={() => at && open({ tool: 'grants', schema: current?.schema ?? 'public', at })}
      >
        Grants
      </button>
      <button type="button" className="admin-tools__button" disabled={!at} onClick={() => at && open({ tool: 'roles', at })}>
        Roles
      </button>
      <button type="button" className="admin-tools__button" disabled={!at} onClick={() => at && open({ tool: 'setup', at })}>
        Data API set-up
      </button>
      <p className="admin-tools__where" aria-label="Admin tools open on">
        on {where ?? '…'}
      </p>
    </div>
  );
}
