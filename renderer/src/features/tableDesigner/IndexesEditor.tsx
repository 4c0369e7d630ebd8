import { useState } from 'react';
import { INDEX_METHODS, type IndexMethod } from '../../../../shared/contract/tables';
import { ColumnChecks, FormButtons } from './ConstraintsEditor';
import { DropDependents } from './DropDependents';
import { draftKey, type IndexDraft } from './tableDraft';

/** Indexes: the table's own (a constraint's index is dropped with its constraint) and new ones. */
export function IndexesEditor({
  schema,
  table,
  columns,
  indexes,
  onChange,
}: {
  schema: string;
  table: string | null;
  columns: readonly string[];
  indexes: readonly IndexDraft[];
  onChange: (indexes: IndexDraft[]) => void;
}) {
  const [adding, setAdding] = useState(false);
  const update = (key: string, patch: { dropped?: boolean; cascade?: boolean }) =>
    onChange(indexes.map((i) => (i.key === key && i.kind === 'existing' ? { ...i, ...patch } : i)));
  return (
    <section className="designer__section" aria-label="Indexes">
      <h3>Indexes</h3>
      {indexes.length === 0 && <p className="designer__muted">No indexes.</p>}
      <ul className="designer__list">
        {indexes.map((i) => {
          if (i.kind === 'new') {
            const d = i.definition;
            const text = `${d.unique ? 'UNIQUE ' : ''}${d.method ?? 'btree'} (${d.columns.join(', ')})${d.where ? ` WHERE ${d.where}` : ''}`;
            return (
              <li key={i.key} className="designer__row--added">
                <span className="designer__item">
                  <strong>{d.name ?? '(named by Postgres)'}</strong> <code>{text}</code>
                  <button
                    type="button"
                    className="button"
                    aria-label={`Remove new index ${text}`}
                    onClick={() => onChange(indexes.filter((x) => x.key !== i.key))}
                  >
                    Remove
                  </button>
                </span>
              </li>
            );
          }
          const o = i.original;
          return (
            <li key={i.key} className={i.dropped ? 'designer__row--dropped' : undefined}>
              <span className="designer__item">
                <strong>{o.name}</strong> <code>{o.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, '$1')}</code>
                {o.constraint !== null ? (
                  <span className="designer__muted">of constraint {o.constraint}</span>
                ) : (
                  <button
                    type="button"
                    className={i.dropped ? 'button' : 'button button--danger'}
                    aria-label={`${i.dropped ? 'Keep' : 'Drop'} index ${o.name}`}
                    onClick={() => update(i.key, { dropped: !i.dropped, cascade: false })}
                  >
                    {i.dropped ? 'Keep' : 'Drop'}
                  </button>
                )}
              </span>
              {i.dropped && table !== null && (
                <DropDependents
                  schema={schema}
                  table={table}
                  target={{ kind: 'index', name: o.name }}
                  what={`index ${o.name}`}
                  cascade={i.cascade}
                  onCascade={(cascade) => update(i.key, { cascade })}
                />
              )}
            </li>
          );
        })}
      </ul>
      {adding ? (
        <IndexForm
          columns={columns}
          onAdd={(definition) => {
            onChange([...indexes, { key: draftKey('idx'), kind: 'new', definition }]);
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <div className="designer__actions">
          <button type="button" className="button" onClick={() => setAdding(true)}>
            Add index
          </button>
        </div>
      )}
    </section>
  );
}

function IndexForm({
  columns,
  onAdd,
  onCancel,
}: {
  columns: readonly string[];
  onAdd: (d: { name: string | null; columns: string[]; unique: boolean; method: IndexMethod; where: string | null }) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [unique, setUnique] = useState(false);
  const [method, setMethod] = useState<IndexMethod>('btree');
  const [where, setWhere] = useState('');
  return (
    <form
      className="designer__form"
      aria-label="New index"
      onSubmit={(e) => {
        e.preventDefault();
        if (picked.length) onAdd({ name: name.trim() || null, columns: picked, unique, method, where: where.trim() || null });
      }}
    >
      <label>
        Name <input aria-label="Name" value={name} placeholder="optional" onChange={(e) => setName(e.target.value)} />
      </label>
      <ColumnChecks columns={columns} picked={picked} onChange={setPicked} />
      <label>
        Method
        <select aria-label="Method" value={method} onChange={(e) => setMethod(e.target.value as IndexMethod)}>
          {INDEX_METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={unique} onChange={(e) => setUnique(e.target.checked)} /> Unique
      </label>
      <label>
        Only rows where{' '}
        <input
          aria-label="Only rows where"
          className="designer__expr"
          value={where}
          placeholder="optional, e.g. deleted_at IS NULL"
          onChange={(e) => setWhere(e.target.value)}
        />
      </label>
      <FormButtons onCancel={onCancel} disabled={picked.length === 0} />
    </form>
  );
}
