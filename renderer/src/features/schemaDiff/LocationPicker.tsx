import { useQuery } from '@tanstack/react-query';
import { useEffect, useId } from 'react';
import { DEFAULT_DATABASE } from '../../../../shared/contract/location';
import { branchesQuery, databasesQuery, projectOf, projectsQuery, workspacesQuery } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';

/** One side of the comparison as the pickers hold it: complete once every level is chosen. */
export interface Side {
  readonly workspace: string;
  readonly project: string | null;
  readonly branch: string | null;
  readonly database: string | null;
}

export const sideOf = (workspace: string, branch: string, database: string): Side => ({
  workspace,
  project: projectOf(branch),
  branch,
  database,
});

/**
 * Workspace → project → branch → database, each a select fed by the same queries as the tree.
 * Choosing a level picks the next one's default (the project's default branch, the seeded
 * database) so a side is always one click from complete.
 */
export function LocationPicker({ label, side, onChange }: { label: string; side: Side; onChange: (side: Side) => void }) {
  const api = usePierApi();
  const id = useId();
  const workspaces = useQuery(workspacesQuery(api));
  const projects = useQuery({ ...projectsQuery(api, side.workspace), enabled: side.workspace !== '' });
  const branches = useQuery({ ...branchesQuery(api, side.workspace, side.project ?? ''), enabled: side.project !== null });
  const databases = useQuery({ ...databasesQuery(api, side.workspace, side.branch ?? ''), enabled: side.branch !== null });

  useEffect(() => {
    const list = projects.data?.filter((p) => !p.deleted);
    if (list && list.length > 0 && (side.project === null || !list.some((p) => p.name === side.project))) {
      onChange({ ...side, project: list[0]!.name, branch: null, database: null });
    }
  }, [projects.data, side, onChange]);
  useEffect(() => {
    const list = branches.data;
    if (list && list.length > 0 && (side.branch === null || !list.some((b) => b.name === side.branch))) {
      const preferred = list.find((b) => b.isDefault) ?? list[0]!;
      onChange({ ...side, branch: preferred.name, database: null });
    }
  }, [branches.data, side, onChange]);
  useEffect(() => {
    const list = databases.data;
    if (list && list.length > 0 && (side.database === null || !list.some((d) => d.postgresDatabase === side.database))) {
      const preferred = list.find((d) => d.postgresDatabase === DEFAULT_DATABASE) ?? list[0]!;
      onChange({ ...side, database: preferred.postgresDatabase });
    }
  }, [databases.data, side, onChange]);

  const short = (name: string) => name.slice(name.lastIndexOf('/') + 1);
  return (
    <fieldset className="schema-diff__side">
      <legend className="schema-diff__legend">{label}</legend>
      <label className="schema-diff__field" htmlFor={`${id}-ws`}>
        <span>Workspace</span>
        <select
          id={`${id}-ws`}
          value={side.workspace}
          onChange={(e) => onChange({ workspace: e.target.value, project: null, branch: null, database: null })}
        >
          {(workspaces.data ?? []).map((w) => (
            <option key={w.id} value={w.id}>
              {w.displayName}
            </option>
          ))}
          {!workspaces.data?.some((w) => w.id === side.workspace) && <option value={side.workspace}>{side.workspace}</option>}
        </select>
      </label>
      <label className="schema-diff__field" htmlFor={`${id}-project`}>
        <span>Project</span>
        <select
          id={`${id}-project`}
          value={side.project ?? ''}
          onChange={(e) => onChange({ ...side, project: e.target.value, branch: null, database: null })}
        >
          {side.project === null && <option value="">…</option>}
          {(projects.data ?? [])
            .filter((p) => !p.deleted)
            .map((p) => (
              <option key={p.name} value={p.name}>
                {p.displayName || short(p.name)}
              </option>
            ))}
        </select>
      </label>
      <label className="schema-diff__field" htmlFor={`${id}-branch`}>
        <span>Branch</span>
        <select
          id={`${id}-branch`}
          value={side.branch ?? ''}
          onChange={(e) => onChange({ ...side, branch: e.target.value, database: null })}
        >
          {side.branch === null && <option value="">…</option>}
          {(branches.data ?? []).map((b) => (
            <option key={b.name} value={b.name}>
              {short(b.name)}
            </option>
          ))}
        </select>
      </label>
      <label className="schema-diff__field" htmlFor={`${id}-db`}>
        <span>Database</span>
        <select id={`${id}-db`} value={side.database ?? ''} onChange={(e) => onChange({ ...side, database: e.target.value })}>
          {side.database === null && <option value="">…</option>}
          {(databases.data ?? []).map((d) => (
            <option key={d.name} value={d.postgresDatabase}>
              {d.postgresDatabase}
            </option>
          ))}
          {side.database !== null && databases.data && !databases.data.some((d) => d.postgresDatabase === side.database) && (
            <option value={side.database}>{side.database}</option>
          )}
        </select>
      </label>
    </fieldset>
  );
}
