import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  POLICY_COMMANDS,
  type ChangePlanOutput,
  type ListRolesOutput,
  type PolicyChangeInput,
  type TablePoliciesOutput,
} from '../../../../shared/contract/admin';
import { rolesQuery, tablePoliciesQuery, useAdminChanges, useAdminLocation } from '../../api/admin';
import { schemasQuery } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { InlineError } from '../../ui/InlineError';
import { CodeEditor, type CodeEditorHandle, type CompletionEntry } from '../../ui/codeEditor/CodeEditor';
import { SqlReview } from '../../ui/SqlReview';
import { draftFromPolicy, draftToChange, expressionErrorOffset, expressionsFor, newDraft, type PolicyDraft } from './policyDraft';
import { PolicyPreview, type InvalidPolicy } from './PolicyPreview';
import { POLICY_TEMPLATES, sqlName } from './policyTemplates';
import './policies.css';

type Review = { title: string; change: PolicyChangeInput; plan: ChangePlanOutput };

/** RLS of one table: its switches, its policies, and the editor with the live preview. */
export function PoliciesView({ schema, table }: { schema: string; table: string }) {
  const api = usePierApi();
  const at = useAdminLocation();
  const changes = useAdminChanges(at);
  const policies = useQuery(tablePoliciesQuery(api, at, schema, table));
  const roles = useQuery(rolesQuery(api, at));
  const [draft, setDraft] = useState<PolicyDraft | null>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);

  const startReview = async (title: string, change: PolicyChangeInput) => {
    setPlanError(null);
    try {
      setReview({ title, change, plan: await changes.planPolicyChange(schema, table, change) });
    } catch (err) {
      setPlanError(describeError(err).message);
    }
  };
  const applied = () => {
    setReview(null);
    setDraft(null);
  };

  if (policies.error)
    return (
      <ErrorPanel
        title={`Could not read the policies of ${schema}.${table}`}
        error={policies.error}
        onRetry={() => void policies.refetch()}
      />
    );
  if (!policies.data) return <p className="policies__loading">Loading policies…</p>;
  const info = policies.data;
  const identities = identitiesPlainFirst(roles.data);
  const roleNames = ['PUBLIC', ...(roles.data?.roles.map((r) => r.name) ?? [])];

  return (
    <div className="policies">
      <header className="policies__header">
        <h2>
          Row-level security · {schema}.{table}
        </h2>
        <label>
          <input
            type="checkbox"
            checked={info.rlsEnabled}
            onChange={(e) =>
              void startReview(e.target.checked ? 'Enable row-level security' : 'Disable row-level security', {
                kind: 'setRls',
                enabled: e.target.checked,
                forced: info.rlsForced,
              })
            }
          />{' '}
          RLS enabled
        </label>
        <label title="Apply the policies to the table owner too">
          <input
            type="checkbox"
            checked={info.rlsForced}
            onChange={(e) =>
              void startReview(e.target.checked ? 'Force row-level security' : 'Stop forcing row-level security', {
                kind: 'setRls',
                enabled: info.rlsEnabled,
                forced: e.target.checked,
              })
            }
          />{' '}
          Forced for the owner
        </label>
        {/* Waits for the roles: a new policy starts out for the first identity granted to authenticator. */}
        <button
          type="button"
          className="button button--primary"
          disabled={!roles.data}
          onClick={() => setDraft(newDraft(identities.slice(0, 1), info.rlsEnabled))}
        >
          New policy
        </button>
      </header>
      {planError && <InlineError>{planError}</InlineError>}
      {review && (
        <SqlReview
          title={review.title}
          statements={review.plan.statements}
          warnings={review.plan.warnings}
          onApply={() => changes.applyPolicyChange(schema, table, review.change)}
          onApplied={applied}
          onCancel={() => setReview(null)}
        />
      )}
      <PolicyList
        info={info}
        onEdit={(p) => setDraft(draftFromPolicy(p))}
        onDrop={(name) => void startReview(`Drop policy ${name}`, { kind: 'drop', name })}
      />
      {draft ? (
        <PolicyEditor
          key={draft.original ?? 'new'}
          schema={schema}
          info={info}
          draft={draft}
          onDraft={setDraft}
          roleNames={roleNames}
          identities={identities}
          onReview={(change) =>
            void startReview(draft.original ? `Replace policy ${draft.original}` : `Create policy ${draft.name}`, change)
          }
          onClose={() => setDraft(null)}
        />
      ) : (
        <PolicyPreview schema={schema} table={table} change={null} incompleteReason={null} identities={identities} />
      )}
    </div>
  );
}

/**
 * Roles granted to authenticator, ordinary identities first: previews and new policies default
 * to the first, and an elevated one (an owner, a databricks_superuser member) bypasses RLS anyway.
 */
function identitiesPlainFirst(data: ListRolesOutput | undefined): string[] {
  if (!data) return [];
  const elevated = (name: string) => {
    const r = data.roles.find((x) => x.name === name);
    return (
      !!r &&
      (r.superuser ||
        r.attributes.bypassrls ||
        r.attributes.createrole ||
        r.ownsObjects ||
        r.memberOf.some((m) => m.role === 'databricks_superuser'))
    );
  };
  return [...data.authenticatorMembers].sort((a, b) => Number(elevated(a)) - Number(elevated(b)));
}

function PolicyList({
  info,
  onEdit,
  onDrop,
}: {
  info: TablePoliciesOutput;
  onEdit: (p: TablePoliciesOutput['policies'][number]) => void;
  onDrop: (name: string) => void;
}) {
  if (info.policies.length === 0) {
    return (
      <p className="policies__empty">
        No policies on {info.table}. {info.rlsEnabled ? 'With RLS on and no policy, only the owner sees rows.' : ''}
      </p>
    );
  }
  return (
    <table className="policies__list" aria-label="Policies">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Kind</th>
          <th scope="col">Command</th>
          <th scope="col">Roles</th>
          <th scope="col">USING</th>
          <th scope="col">WITH CHECK</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {info.policies.map((p) => (
          <tr key={p.name}>
            <td>{p.name}</td>
            <td>{p.permissive ? 'permissive' : 'restrictive'}</td>
            <td>{p.command}</td>
            <td>{p.roles.join(', ')}</td>
            <td>
              <code>{p.using ?? '—'}</code>
            </td>
            <td>
              <code>{p.withCheck ?? '—'}</code>
            </td>
            <td>
              <div className="policies__actions">
                <button type="button" className="button" onClick={() => onEdit(p)} aria-label={`Edit ${p.name}`}>
                  Edit
                </button>
                <button type="button" className="button" onClick={() => onDrop(p.name)} aria-label={`Drop ${p.name}`}>
                  Drop
                </button>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const FUNCTION_COMPLETIONS: readonly CompletionEntry[] = [
  { label: 'current_user', kind: 'function', detail: 'the identity the request runs as' },
  { label: 'session_user', kind: 'function' },
  { label: "pg_has_role(current_user, 'role', 'MEMBER')", kind: 'function', detail: 'membership test' },
  { label: "current_setting('request.jwt.claims', true)::json->>'sub'", kind: 'function', detail: 'the token subject' },
  { label: 'EXISTS (SELECT 1 FROM …)', kind: 'keyword', insertText: 'EXISTS (SELECT 1 FROM  WHERE )' },
];

function PolicyEditor({
  schema,
  info,
  draft,
  onDraft,
  roleNames,
  identities,
  onReview,
  onClose,
}: {
  schema: string;
  info: TablePoliciesOutput;
  draft: PolicyDraft;
  onDraft: (d: PolicyDraft) => void;
  roleNames: readonly string[];
  identities: readonly string[];
  onReview: (change: PolicyChangeInput) => void;
  onClose: () => void;
}) {
  const api = usePierApi();
  const catalog = useQuery(schemasQuery(api, useAdminLocation()));
  const tables = useMemo(
    () => catalog.data?.schemas.find((s) => s.name === schema)?.relations.map((r) => r.name) ?? [],
    [catalog.data, schema],
  );
  const completions = useMemo<CompletionEntry[]>(
    () => [
      ...info.columns.map((c) => ({ label: sqlName(c.name), kind: 'column' as const, detail: c.type })),
      ...FUNCTION_COMPLETIONS,
      ...tables.map((t) => ({ label: sqlName(t), kind: 'table' as const })),
    ],
    [info.columns, tables],
  );
  const [invalidPolicy, setInvalidPolicy] = useState<InvalidPolicy | null>(null);
  const invalid = invalidPolicy?.message ?? null;
  const usingEditor = useRef<CodeEditorHandle | null>(null);
  const checkEditor = useRef<CodeEditorHandle | null>(null);
  const onInvalid = useCallback((i: InvalidPolicy | null) => setInvalidPolicy(i), []);
  // Errors Postgres can place (syntax errors) get a squiggle in the expression they are in.
  useEffect(() => {
    const mark = (editor: CodeEditorHandle | null, clause: 'USING' | 'WITH CHECK', text: string) => {
      const at = invalidPolicy?.position ? expressionErrorOffset(invalidPolicy.statement, invalidPolicy.position, clause, text) : null;
      editor?.markError(at, invalidPolicy?.message ?? '');
    };
    mark(usingEditor.current, 'USING', draft.using);
    mark(checkEditor.current, 'WITH CHECK', draft.withCheck);
  }, [invalidPolicy, draft.using, draft.withCheck]);
  const result = draftToChange(draft);
  const allowed = expressionsFor(draft.command);
  const set = (patch: Partial<PolicyDraft>) => onDraft({ ...draft, ...patch });

  return (
    <div className="policy-editor-layout">
      <form className="policy-editor" aria-label="Policy editor" onSubmit={(e) => e.preventDefault()}>
        <h3>{draft.original ? `Edit policy ${draft.original}` : 'New policy'}</h3>
        <TemplatePicker table={info.table} columns={info.columns.map((c) => c.name)} tables={tables} onApply={(t) => set(t)} />
        <label className="field">
          <span>Name</span>
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="restrict client access" />
        </label>
        <div className="field-row">
          <label className="field">
            <span>Command</span>
            <select value={draft.command} onChange={(e) => set({ command: e.target.value as PolicyDraft['command'] })}>
              {POLICY_COMMANDS.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Kind</span>
            <select
              value={draft.permissive ? 'permissive' : 'restrictive'}
              onChange={(e) => set({ permissive: e.target.value === 'permissive' })}
            >
              <option value="permissive">permissive</option>
              <option value="restrictive">restrictive</option>
            </select>
          </label>
        </div>
        <fieldset className="field policy-editor__roles">
          <legend>Roles (TO)</legend>
          {roleNames.map((r) => (
            <label key={r}>
              <input
                type="checkbox"
                checked={draft.roles.includes(r)}
                onChange={(e) => set({ roles: e.target.checked ? [...draft.roles, r] : draft.roles.filter((x) => x !== r) })}
              />{' '}
              {r}
            </label>
          ))}
        </fieldset>
        {allowed.using && (
          <div className="field">
            <span>USING (which existing rows it applies to)</span>
            <CodeEditor
              ariaLabel="USING expression"
              value={draft.using}
              onChange={(using) => set({ using })}
              completions={completions}
              minLines={3}
              handleRef={(h) => {
                usingEditor.current = h;
              }}
            />
          </div>
        )}
        {allowed.withCheck && (
          <div className="field">
            <span>WITH CHECK (which new or changed rows are allowed)</span>
            <CodeEditor
              ariaLabel="WITH CHECK expression"
              value={draft.withCheck}
              onChange={(withCheck) => set({ withCheck })}
              completions={completions}
              minLines={3}
              handleRef={(h) => {
                checkEditor.current = h;
              }}
            />
          </div>
        )}
        {invalid && <InlineError label="Expression error">{invalid}</InlineError>}
        {!info.rlsEnabled && (
          <label>
            <input type="checkbox" checked={draft.enableRls} onChange={(e) => set({ enableRls: e.target.checked })} /> Also enable row-level
            security on {info.table} (without it, policies have no effect)
          </label>
        )}
        {result.kind === 'incomplete' && <p className="policies__hint">{result.reason}</p>}
        <div className="policy-editor__actions">
          <button
            type="button"
            className="button button--primary"
            disabled={result.kind !== 'change' || invalid !== null}
            onClick={() => result.kind === 'change' && onReview(result.change)}
          >
            Review SQL…
          </button>
          <button type="button" className="button" onClick={onClose}>
            Discard
          </button>
        </div>
      </form>
      <PolicyPreview
        schema={schema}
        table={info.table}
        change={result.kind === 'change' ? result.change : null}
        incompleteReason={result.kind === 'incomplete' ? result.reason : null}
        identities={identities}
        onInvalid={onInvalid}
      />
    </div>
  );
}

function TemplatePicker({
  table,
  columns,
  tables,
  onApply,
}: {
  table: string;
  columns: readonly string[];
  tables: readonly string[];
  onApply: (patch: Partial<PolicyDraft>) => void;
}) {
  const [id, setId] = useState('');
  const template = POLICY_TEMPLATES.find((t) => t.id === id);
  const [values, setValues] = useState<Record<string, string>>({});
  const pick = (next: string) => {
    setId(next);
    const t = POLICY_TEMPLATES.find((x) => x.id === next);
    const init: Record<string, string> = {};
    for (const p of t?.params ?? []) {
      const choices = p.source === 'column' ? columns : p.source === 'table' ? tables : [];
      init[p.key] = choices.includes(p.defaultValue ?? '') ? p.defaultValue! : (choices[0] ?? p.defaultValue ?? '');
    }
    setValues(init);
  };
  return (
    <div className="policy-editor__templates">
      <label className="field">
        <span>Start from a template</span>
        <select value={id} onChange={(e) => pick(e.target.value)}>
          <option value="">—</option>
          {POLICY_TEMPLATES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title}
            </option>
          ))}
        </select>
      </label>
      {template && (
        <div className="policy-editor__template">
          <p>{template.description}</p>
          {template.params.map((p) => {
            const choices = p.source === 'column' ? columns : p.source === 'table' ? tables : null;
            return (
              <label key={p.key} className="field">
                <span>{p.label}</span>
                {choices ? (
                  <select value={values[p.key] ?? ''} onChange={(e) => setValues({ ...values, [p.key]: e.target.value })}>
                    {choices.map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                ) : (
                  <input value={values[p.key] ?? ''} onChange={(e) => setValues({ ...values, [p.key]: e.target.value })} />
                )}
              </label>
            );
          })}
          <button
            type="button"
            className="button"
            onClick={() => {
              const built = template.build(values, table);
              onApply({ command: template.command, using: built.using, withCheck: built.withCheck, name: template.title.toLowerCase() });
            }}
          >
            Use template
          </button>
        </div>
      )}
    </div>
  );
}
