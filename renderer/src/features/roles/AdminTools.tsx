import { useQuery } from '@tanstack/react-query';
import './roles.css';
import { schemasQuery } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { adminTab, type Tab, type TabsEvent, type TabsState } from '../tabs/tabsState';

/** The sidebar's launchers for the admin tabs; policies and grants follow the open table. */
export function AdminTools({ tabs, dispatch }: { tabs: TabsState; dispatch: (e: TabsEvent) => void }) {
  const api = usePierApi();
  const active = tabs.tabs.find((t) => t.id === tabs.activeId);
  // Tools open on the branch of the active tab (a table opened under a branch, or an admin tab).
  const branch = active ? (active.kind === 'table' ? active.relation.branch : active.branch) : undefined;
  const schemas = useQuery(schemasQuery(api, branch));
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
  const open = (tab: Tab) => dispatch({ kind: 'open', tab });
  const nextSql = Math.max(0, ...tabs.tabs.map((t) => (t.kind === 'sql' ? t.n : 0))) + 1;
  return (
    <div className="admin-tools" role="group" aria-label="Admin tools">
      <button type="button" className="admin-tools__button" onClick={() => open(adminTab.sql(nextSql, branch))}>
        SQL editor
      </button>
      <button
        type="button"
        className="admin-tools__button"
        disabled={!current}
        title={current ? `Row-level security of ${current.schema}.${current.table}` : 'Open a table first'}
        onClick={() => current && open(adminTab.policies(current.schema, current.table, branch))}
      >
        RLS policies
      </button>
      <button type="button" className="admin-tools__button" onClick={() => open(adminTab.grants(current?.schema ?? 'public', branch))}>
        Grants
      </button>
      <button type="button" className="admin-tools__button" onClick={() => open(adminTab.roles(branch))}>
        Roles
      </button>
      <button type="button" className="admin-tools__button" onClick={() => open(adminTab.setup(branch))}>
        Data API set-up
      </button>
    </div>
  );
}
