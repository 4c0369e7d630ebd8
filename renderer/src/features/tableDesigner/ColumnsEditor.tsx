import type { TypeInfo } from '../../../../shared/contract/tables';
import { IDENTITY_KINDS } from '../../../../shared/contract/tables';
import { Icon } from '../../ui/Icon';
import { DropDependents } from './DropDependents';
import { newColumn, type ColumnDraft } from './tableDraft';
import { TypePicker } from './TypePicker';

const IDENTITY_LABEL = { none: 'no', always: 'always', byDefault: 'by default' } as const;

/** The columns grid: one row per column, edited in place; a dropped existing column shows what depends on it. */
export function ColumnsEditor({
  schema,
  table,
  columns,
  types,
  onChange,
}: {
  schema: string;
  /** The existing table's name; null while designing a new one. */
  table: string | null;
  columns: readonly ColumnDraft[];
  types: readonly TypeInfo[];
  onChange: (columns: ColumnDraft[]) => void;
}) {
  const isNew = table === null;
  const update = (key: string, patch: Partial<ColumnDraft>) => onChange(columns.map((c) => (c.key === key ? { ...c, ...patch } : c)));
  return (
    <section className="designer__section" aria-label="Columns">
      <h3>Columns</h3>
      <div className="designer__grid-wrap">
        <table className="designer__grid">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Default</th>
              <th scope="col" title="NOT NULL">
                Required
              </th>
              {isNew && <th scope="col">Primary</th>}
              {isNew && <th scope="col">Unique</th>}
              <th scope="col">Identity</th>
              <th scope="col">Comment</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {columns.map((c, i) => {
              const label = c.name || `column ${i + 1}`;
              const typeChanged = c.original !== null && JSON.stringify(c.type) !== JSON.stringify(c.original.typeRef) && !c.dropped;
              return [
                <tr
                  key={c.key}
                  className={c.dropped ? 'designer__row--dropped' : c.original === null && !isNew ? 'designer__row--added' : undefined}
                >
                  <td>
                    <input
                      aria-label={`Name of ${label}`}
                      value={c.name}
                      disabled={c.dropped}
                      onChange={(e) => update(c.key, { name: e.target.value })}
                    />
                  </td>
                  <td>
                    {c.original?.generated ? (
                      <span title={`generated: ${c.original.generated}`}>{c.original.type}</span>
                    ) : (
                      <TypePicker label={`Type of ${label}`} types={types} value={c.type} onChange={(type) => update(c.key, { type })} />
                    )}
                    {typeChanged && (
                      <input
                        className="designer__using"
                        aria-label={`USING expression for ${label}`}
                        placeholder={`USING, e.g. ${c.original!.name}::${c.type.name}`}
                        value={c.using}
                        onChange={(e) => update(c.key, { using: e.target.value })}
                      />
                    )}
                  </td>
                  <td>
                    <input
                      className="designer__expr"
                      aria-label={`Default of ${label}`}
                      placeholder={c.identity === 'none' ? 'SQL, e.g. now()' : 'identity'}
                      value={c.identity === 'none' ? c.default : ''}
                      disabled={c.dropped || c.identity !== 'none' || (c.original !== null && c.original.identity !== 'none')}
                      onChange={(e) => update(c.key, { default: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${label} is required (NOT NULL)`}
                      checked={c.notNull || c.primaryKey}
                      disabled={c.dropped || c.primaryKey}
                      onChange={(e) => update(c.key, { notNull: e.target.checked })}
                    />
                  </td>
                  {isNew && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${label} is the primary key`}
                        checked={c.primaryKey}
                        onChange={(e) => update(c.key, { primaryKey: e.target.checked })}
                      />
                    </td>
                  )}
                  {isNew && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${label} is unique`}
                        checked={c.unique}
                        onChange={(e) => update(c.key, { unique: e.target.checked })}
                      />
                    </td>
                  )}
                  <td>
                    <select
                      aria-label={`Identity of ${label}`}
                      value={c.identity}
                      disabled={c.original !== null}
                      onChange={(e) => update(c.key, { identity: e.target.value as ColumnDraft['identity'] })}
                    >
                      {IDENTITY_KINDS.map((k) => (
                        <option key={k} value={k}>
                          {IDENTITY_LABEL[k]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      aria-label={`Comment of ${label}`}
                      value={c.comment}
                      disabled={c.dropped}
                      onChange={(e) => update(c.key, { comment: e.target.value })}
                    />
                  </td>
                  <td>
                    {c.original === null ? (
                      <button
                        type="button"
                        className="icon-button"
                        aria-label={`Remove ${label}`}
                        title="Remove this new column"
                        onClick={() => onChange(columns.filter((x) => x.key !== c.key))}
                      >
                        <Icon name="close" />
                      </button>
                    ) : (
                      <button
                        type="button"
                        className={c.dropped ? 'button' : 'button button--danger'}
                        aria-label={c.dropped ? `Keep column ${c.original.name}` : `Drop column ${c.original.name}`}
                        onClick={() => update(c.key, { dropped: !c.dropped, cascade: false })}
                      >
                        {c.dropped ? 'Keep' : 'Drop'}
                      </button>
                    )}
                  </td>
                </tr>,
                c.dropped && c.original && table !== null && (
                  <tr key={`${c.key}-deps`} className="designer__row--deps">
                    <td colSpan={isNew ? 9 : 7}>
                      <DropDependents
                        schema={schema}
                        table={table}
                        target={{ kind: 'column', column: c.original.name }}
                        what={`column ${c.original.name}`}
                        cascade={c.cascade}
                        onCascade={(cascade) => update(c.key, { cascade })}
                      />
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      </div>
      <button type="button" className="button" onClick={() => onChange([...columns, newColumn()])}>
        Add column
      </button>
    </section>
  );
}
