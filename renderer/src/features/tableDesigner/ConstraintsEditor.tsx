import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { FK_ACTIONS, type ConstraintDefinitionInput, type FkAction } from '../../../../shared/contract/tables';
import { useAdminLocation } from '../../api/admin';
import { schemasQuery } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { tableDesignQuery } from '../../api/tables';
import { DropDependents } from './DropDependents';
import { constraintText, draftKey, type ConstraintDraft } from './tableDraft';

type Adding = 'check' | 'unique' | 'primaryKey' | 'foreignKey' | null;

/** Constraints: the table's own (each may be dropped, showing what depends on it) and new ones. */
export function ConstraintsEditor({
  schema,
  table,
  draftName,
  columns,
  constraints,
  onChange,
}: {
  schema: string;
  table: string | null;
  /** The table's name in the draft, for a foreign key to the table itself. */
  draftName: string;
  /** The draft's column names. */
  columns: readonly string[];
  constraints: readonly ConstraintDraft[];
  onChange: (constraints: ConstraintDraft[]) => void;
}) {
  const [adding, setAdding] = useState<Adding>(null);
  const update = (key: string, patch: { dropped?: boolean; cascade?: boolean }) =>
    onChange(constraints.map((c) => (c.key === key && c.kind === 'existing' ? { ...c, ...patch } : c)));
  const add = (definition: ConstraintDefinitionInput) => {
    onChange([...constraints, { key: draftKey('con'), kind: 'new', definition }]);
    setAdding(null);
  };
  const hasPrimaryKey = constraints.some(
    (c) => (c.kind === 'existing' ? !c.dropped && c.original.kind : c.definition.kind) === 'primaryKey',
  );
  return (
    <section className="designer__section" aria-label="Constraints">
      <h3>Constraints</h3>
      {constraints.length === 0 && <p className="designer__muted">No constraints.</p>}
      <ul className="designer__list">
        {constraints.map((c) => {
          const name = c.kind === 'existing' ? c.original.name : (c.definition.name ?? '(named by Postgres)');
          const text = constraintText(c.kind === 'existing' ? c.original : c.definition);
          return (
            <li
              key={c.key}
              className={
                c.kind === 'existing' && c.dropped ? 'designer__row--dropped' : c.kind === 'new' ? 'designer__row--added' : undefined
              }
            >
              <span className="designer__item">
                <strong>{name}</strong> <code>{text}</code>
                {c.kind === 'existing' ? (
                  <button
                    type="button"
                    className={c.dropped ? 'button' : 'button button--danger'}
                    aria-label={`${c.dropped ? 'Keep' : 'Drop'} constraint ${name}`}
                    onClick={() => update(c.key, { dropped: !c.dropped, cascade: false })}
                  >
                    {c.dropped ? 'Keep' : 'Drop'}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button"
                    aria-label={`Remove new constraint ${text}`}
                    onClick={() => onChange(constraints.filter((x) => x.key !== c.key))}
                  >
                    Remove
                  </button>
                )}
              </span>
              {c.kind === 'existing' && c.dropped && table !== null && (
                <DropDependents
                  schema={schema}
                  table={table}
                  target={{ kind: 'constraint', name: c.original.name }}
                  what={`constraint ${c.original.name}`}
                  cascade={c.cascade}
                  onCascade={(cascade) => update(c.key, { cascade })}
                />
              )}
            </li>
          );
        })}
      </ul>
      <div className="designer__actions">
        <button type="button" className="button" onClick={() => setAdding('foreignKey')}>
          Add foreign key
        </button>
        <button type="button" className="button" onClick={() => setAdding('check')}>
          Add check
        </button>
        <button type="button" className="button" onClick={() => setAdding('unique')}>
          Add unique
        </button>
        {table !== null && !hasPrimaryKey && (
          <button type="button" className="button" onClick={() => setAdding('primaryKey')}>
            Add primary key
          </button>
        )}
      </div>
      {adding === 'check' && <CheckForm onAdd={add} onCancel={() => setAdding(null)} />}
      {(adding === 'unique' || adding === 'primaryKey') && (
        <ColumnsForm kind={adding} columns={columns} onAdd={add} onCancel={() => setAdding(null)} />
      )}
      {adding === 'foreignKey' && (
        <ForeignKeyForm schema={schema} selfName={draftName} columns={columns} onAdd={add} onCancel={() => setAdding(null)} />
      )}
    </section>
  );
}

function CheckForm({ onAdd, onCancel }: { onAdd: (c: ConstraintDefinitionInput) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [expression, setExpression] = useState('');
  return (
    <form
      className="designer__form"
      aria-label="New check constraint"
      onSubmit={(e) => {
        e.preventDefault();
        if (expression.trim()) onAdd({ kind: 'check', name: name.trim() || null, expression: expression.trim() });
      }}
    >
      <label>
        Name <input aria-label="Name" value={name} placeholder="optional" onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Check expression{' '}
        <input
          aria-label="Check expression"
          className="designer__expr"
          value={expression}
          placeholder="e.g. price > 0"
          onChange={(e) => setExpression(e.target.value)}
        />
      </label>
      <FormButtons onCancel={onCancel} disabled={!expression.trim()} />
    </form>
  );
}

function ColumnsForm({
  kind,
  columns,
  onAdd,
  onCancel,
}: {
  kind: 'unique' | 'primaryKey';
  columns: readonly string[];
  onAdd: (c: ConstraintDefinitionInput) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const title = kind === 'unique' ? 'New unique constraint' : 'New primary key';
  return (
    <form
      className="designer__form"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        if (picked.length) onAdd({ kind, name: name.trim() || null, columns: picked });
      }}
    >
      <label>
        Name <input aria-label="Name" value={name} placeholder="optional" onChange={(e) => setName(e.target.value)} />
      </label>
      <ColumnChecks columns={columns} picked={picked} onChange={setPicked} />
      <FormButtons onCancel={onCancel} disabled={picked.length === 0} />
    </form>
  );
}

/** Column checkboxes, in the order ticked (the key's column order). */
export function ColumnChecks({
  columns,
  picked,
  onChange,
}: {
  columns: readonly string[];
  picked: string[];
  onChange: (picked: string[]) => void;
}) {
  return (
    <fieldset className="designer__checks">
      <legend>Columns</legend>
      {columns.map((c) => (
        <label key={c}>
          <input
            type="checkbox"
            checked={picked.includes(c)}
            onChange={(e) => onChange(e.target.checked ? [...picked, c] : picked.filter((p) => p !== c))}
          />{' '}
          {c}
        </label>
      ))}
    </fieldset>
  );
}

function ForeignKeyForm({
  schema,
  selfName,
  columns,
  onAdd,
  onCancel,
}: {
  schema: string;
  selfName: string;
  columns: readonly string[];
  onAdd: (c: ConstraintDefinitionInput) => void;
  onCancel: () => void;
}) {
  const api = usePierApi();
  const at = useAdminLocation();
  const schemas = useQuery(schemasQuery(api, at));
  const [column, setColumn] = useState(columns[0] ?? '');
  const [ref, setRef] = useState<{ schema: string; table: string } | null>(null);
  const [refColumn, setRefColumn] = useState('');
  const [onDelete, setOnDelete] = useState<FkAction>('NO ACTION');
  const [onUpdate, setOnUpdate] = useState<FkAction>('NO ACTION');
  const isSelf = ref !== null && ref.schema === schema && ref.table === selfName;
  const refDesign = useQuery({
    ...tableDesignQuery(api, at, ref?.schema ?? '', ref?.table ?? ''),
    enabled: ref !== null && !isSelf,
  });
  const refColumns = isSelf ? columns : (refDesign.data?.columns.map((c) => c.name) ?? []);
  // The referenced table's key is the usual target.
  const keyColumn = refDesign.data?.constraints.find((c) => c.kind === 'primaryKey');
  const tables = (schemas.data?.schemas ?? []).flatMap((s) =>
    s.relations.filter((r) => r.kind === 'table' || r.kind === 'partitioned_table').map((r) => ({ schema: s.name, table: r.name })),
  );
  const pickedRefColumn = refColumn || (keyColumn?.kind === 'primaryKey' && keyColumn.columns.length === 1 ? keyColumn.columns[0]! : '');
  return (
    <form
      className="designer__form"
      aria-label="New foreign key"
      onSubmit={(e) => {
        e.preventDefault();
        if (ref && column && pickedRefColumn)
          onAdd({
            kind: 'foreignKey',
            columns: [column],
            refSchema: ref.schema,
            refTable: ref.table,
            refColumns: [pickedRefColumn],
            onDelete,
            onUpdate,
          });
      }}
    >
      <label>
        Column
        <select aria-label="Column" value={column} onChange={(e) => setColumn(e.target.value)}>
          {columns.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        References table
        <select
          aria-label="References table"
          value={ref ? JSON.stringify([ref.schema, ref.table]) : ''}
          onChange={(e) => {
            const [s, t] = JSON.parse(e.target.value) as [string, string];
            setRef({ schema: s, table: t });
            setRefColumn('');
          }}
        >
          <option value="" disabled>
            Pick a table
          </option>
          {selfName && !tables.some((t) => t.schema === schema && t.table === selfName) && (
            <option value={JSON.stringify([schema, selfName])}>{`${schema}.${selfName} (this table)`}</option>
          )}
          {tables.map((t) => (
            <option key={`${t.schema}.${t.table}`} value={JSON.stringify([t.schema, t.table])}>
              {t.schema === 'public' ? t.table : `${t.schema}.${t.table}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Referenced column
        <select aria-label="Referenced column" value={pickedRefColumn} onChange={(e) => setRefColumn(e.target.value)} disabled={!ref}>
          <option value="" disabled>
            {ref ? 'Pick a column' : '—'}
          </option>
          {refColumns.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        On delete
        <select aria-label="On delete" value={onDelete} onChange={(e) => setOnDelete(e.target.value as FkAction)}>
          {FK_ACTIONS.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <label>
        On update
        <select aria-label="On update" value={onUpdate} onChange={(e) => setOnUpdate(e.target.value as FkAction)}>
          {FK_ACTIONS.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <FormButtons onCancel={onCancel} disabled={!ref || !column || !pickedRefColumn} />
    </form>
  );
}

export function FormButtons({ onCancel, disabled }: { onCancel: () => void; disabled: boolean }) {
  return (
    <span className="designer__form-buttons">
      <button type="submit" className="button button--primary" disabled={disabled}>
        Add
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}
