import { useQueries } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import type { DescribeTableOutput } from '../../../../shared/contract/dataApi';
import {
  IS_VALUES,
  type EmbedPath,
  type FilterCondition,
  type FilterNode,
  type OrderTerm,
  type ReadQuery,
} from '../../../../shared/dataapi/ast';

type QueryFilter = ReadQuery['filters'][number];
import { OPERATORS, type OperatorName } from '../../../../shared/dataapi/operators';
import type { Location } from '../../../../shared/contract/location';
import { COUNT_MODES, describeQuery, type CountMode } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { Icon } from '../../ui/Icon';
import {
  addEmbed,
  addFilter,
  embedFor,
  embedKey,
  embedsOf,
  isRunnableFilter,
  removeEmbed,
  selectedColumns,
  setChild,
  setFilter,
  setTopOrder,
  toggleColumn,
  toggleColumnInQuery,
  topOrder,
  updateEmbed,
  type EmbedItem,
} from './builderEdits';
import { topPaging, withTopPaging } from './gridQuery';
import { OPERATOR_LABELS, operatorsForType } from './operatorsForType';

interface QueryBuilderProps {
  readonly at: Location;
  readonly describe: DescribeTableOutput;
  readonly query: ReadQuery;
  readonly onQuery: (query: ReadQuery) => void;
  readonly countMode: CountMode;
  readonly onCountMode: (mode: CountMode) => void;
}

/** A column a filter can name: this table's, or an embedded table's (path = [embed key]). */
interface FilterableColumn {
  readonly path: EmbedPath;
  readonly name: string;
  readonly type: string;
}

type Columns = DescribeTableOutput['columns'];

/** The visual query builder: every control edits the ReadQuery, from which the URL is derived. */
export function QueryBuilder({ at, describe, query, onQuery, countMode, onCountMode }: QueryBuilderProps) {
  const api = usePierApi();
  const embeds = embedsOf(query);
  const related = useQueries({
    queries: embeds.map((e) => {
      const rel = describe.relationships.find((r) => r.target.name === e.relation || r.constraint === e.relation);
      return describeQuery(api, at, rel?.target.schema ?? 'public', rel?.target.name ?? e.relation);
    }),
  });
  const embedColumns = new Map<string, Columns>();
  embeds.forEach((e, i) => {
    const d = related[i]?.data;
    if (d) embedColumns.set(embedKey(e), d.columns);
  });
  const filterable: FilterableColumn[] = [
    ...describe.columns.map((c) => ({ path: [], name: c.name, type: c.type })),
    ...[...embedColumns].flatMap(([key, cols]) => cols.map((c) => ({ path: [key], name: c.name, type: c.type }))),
  ];
  const columnNames = describe.columns.map((c) => c.name);
  const chosen = selectedColumns(query.select, columnNames);
  const { limit, offset } = topPaging(query);
  // Filters still being written: shown with the others, but not in the query until they say something.
  const [drafts, setDrafts] = useState<readonly QueryFilter[]>([]);
  const changeFilter = (i: number, node: FilterNode | null, path?: EmbedPath) => {
    const old = query.filters[i];
    if (!old || !node || isRunnableFilter(node)) {
      const next = setFilter(query, i, node);
      onQuery(path && node ? { ...next, filters: next.filters.map((x, j) => (j === i ? { path, node } : x)) } : next);
      return;
    }
    // Emptied again: it stops running and goes back to being a draft.
    onQuery(setFilter(query, i, null));
    setDrafts((d) => [...d, { path: path ?? old.path, node }]);
  };
  const changeDraft = (i: number, node: FilterNode | null, path?: EmbedPath) => {
    const old = drafts[i];
    if (!old) return;
    const others = drafts.filter((_, j) => j !== i);
    if (node && isRunnableFilter(node)) {
      setDrafts(others);
      onQuery(addFilter(query, path ?? old.path, node));
    } else setDrafts(node ? drafts.map((d, j) => (j === i ? { path: path ?? d.path, node } : d)) : others);
  };

  return (
    <div className="builder" aria-label="Query builder" role="region">
      <Section title="Columns" count={`${chosen.size}/${columnNames.length}`}>
        <div className="builder__checks">
          {describe.columns.map((c) => (
            <label key={c.name} className="builder__check">
              <input
                type="checkbox"
                aria-label={c.name}
                checked={chosen.has(c.name)}
                onChange={(e) => onQuery(toggleColumnInQuery(query, columnNames, c.name, e.target.checked))}
              />
              <span>{c.name}</span>
              <span className="builder__type">{c.typeName}</span>
            </label>
          ))}
        </div>
      </Section>

      <Section title="Related tables" count={embeds.length ? String(embeds.length) : undefined}>
        {describe.relationships.length === 0 && <p className="builder__empty">No foreign keys lead to or from this table.</p>}
        {describe.relationships.map((rel) => {
          const proto = embedFor(describe, rel);
          const current = embeds.find((e) => e.relation === proto.relation && e.hint === proto.hint);
          const name = proto.hint ? `${rel.target.name}!${proto.hint}` : rel.target.name;
          return (
            <div key={`${rel.constraint}:${rel.target.name}`} className="builder__embed">
              <label className="builder__check">
                <input
                  type="checkbox"
                  aria-label={`Embed ${name}`}
                  checked={current !== undefined}
                  onChange={(e) =>
                    onQuery(e.target.checked ? addEmbed(query, proto) : removeEmbed(query, current ? embedKey(current) : proto.relation))
                  }
                />
                <span>{name}</span>
                <span className="builder__type">{rel.toOne ? 'to-one' : 'to-many'}</span>
              </label>
              {current && (
                <EmbedEditor
                  embed={current}
                  columns={embedColumns.get(embedKey(current))}
                  onChange={(next) => onQuery(updateEmbed(query, embedKey(current), () => next))}
                />
              )}
            </div>
          );
        })}
      </Section>

      <Section title="Filters" count={query.filters.length ? String(query.filters.length) : undefined}>
        {query.filters.map((f, i) => (
          <FilterEditor
            key={i}
            label={`Filter ${i + 1}`}
            node={f.node}
            path={f.path}
            columns={filterable}
            onChange={(node, path) => changeFilter(i, node, path)}
          />
        ))}
        {drafts.map((f, i) => (
          <FilterEditor
            key={`draft-${i}`}
            label={`Filter ${query.filters.length + i + 1}`}
            node={f.node}
            path={f.path}
            columns={filterable}
            onChange={(node, path) => changeDraft(i, node, path)}
          />
        ))}
        {drafts.length > 0 && <p className="builder__empty">A filter runs once its value is filled in.</p>}
        <div className="builder__actions">
          <button
            type="button"
            className="button button--small"
            onClick={() => setDrafts((d) => [...d, { path: [], node: newCondition(filterable[0]) }])}
          >
            + Filter
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              setDrafts((d) => [...d, { path: [], node: { kind: 'or', negated: false, children: [newCondition(filterable[0])] } }])
            }
          >
            + Group
          </button>
        </div>
      </Section>

      <Section title="Sort" count={topOrder(query).length ? String(topOrder(query).length) : undefined}>
        <OrderEditor terms={topOrder(query)} columns={describe.columns} onChange={(terms) => onQuery(setTopOrder(query, terms))} />
      </Section>

      <Section title="Paging and count">
        <div className="builder__paging">
          <label>
            Limit
            <NumberInput value={limit} label="Limit" onCommit={(n) => onQuery(withTopPaging(query, n, offset))} />
          </label>
          <label>
            Offset
            <NumberInput value={offset || undefined} label="Offset" onCommit={(n) => onQuery(withTopPaging(query, limit, n))} />
          </label>
          <label>
            Count
            <select aria-label="Count mode" value={countMode} onChange={(e) => onCountMode(e.target.value as CountMode)}>
              {COUNT_MODES.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        </div>
      </Section>
    </div>
  );
}

function Section({ title, count, children }: { title: string; count?: string | undefined; children: ReactNode }) {
  return (
    <details className="builder__section" open>
      <summary className="builder__summary">
        <Icon name="chevron" className="builder__chevron" />
        {title}
        {count && <span className="builder__count">{count}</span>}
      </summary>
      <div className="builder__body">{children}</div>
    </details>
  );
}

function EmbedEditor({ embed, columns, onChange }: { embed: EmbedItem; columns: Columns | undefined; onChange: (e: EmbedItem) => void }) {
  const key = embedKey(embed);
  const names = columns?.map((c) => c.name) ?? [];
  const chosen = selectedColumns(embed.select, names);
  return (
    <div className="builder__embed-body">
      <label className="builder__check">
        <input
          type="checkbox"
          checked={embed.join === 'inner'}
          onChange={(e) => {
            const { join: _join, ...rest } = embed;
            onChange(e.target.checked ? { ...rest, join: 'inner' } : rest);
          }}
        />
        <span>Only rows that have a match (!inner)</span>
      </label>
      <div className="builder__checks builder__checks--nested" aria-label={`${key} columns`} role="group">
        {columns === undefined && <span className="builder__empty">Loading columns…</span>}
        {columns?.map((c) => (
          <label key={c.name} className="builder__check">
            <input
              type="checkbox"
              aria-label={`${key}.${c.name}`}
              checked={chosen.has(c.name)}
              onChange={(e) => {
                const select = toggleColumn(embed.select, names, c.name, e.target.checked) ?? [{ kind: 'star' as const }];
                onChange({ ...embed, select: select.length ? select : [{ kind: 'star' }] });
              }}
            />
            <span>{c.name}</span>
            <span className="builder__type">{c.typeName}</span>
          </label>
        ))}
      </div>
    </div>
  );
}

function newCondition(column: FilterableColumn | undefined): FilterCondition {
  return { kind: 'condition', field: { name: column?.name ?? 'id', json: [] }, negated: false, operator: 'eq', value: '' };
}

function columnValue(path: EmbedPath, name: string): string {
  return JSON.stringify([...path, name]);
}

interface FilterEditorProps {
  readonly label: string;
  readonly node: FilterNode;
  readonly path: EmbedPath;
  readonly columns: readonly FilterableColumn[];
  /** A new node (null removes it); a new path when a top-level condition moved to another table's column. */
  readonly onChange: (node: FilterNode | null, path?: EmbedPath) => void;
}

function FilterEditor({ label, node, path, columns, onChange }: FilterEditorProps) {
  if (node.kind === 'condition')
    return <ConditionEditor label={label} condition={node} path={path} columns={columns} onChange={onChange} />;
  return (
    <fieldset className="builder__group">
      <legend className="builder__group-head">
        <label className="builder__inline">
          <input
            type="checkbox"
            aria-label={`${label} not`}
            checked={node.negated}
            onChange={(e) => onChange({ ...node, negated: e.target.checked })}
          />
          not
        </label>
        <select
          aria-label={`${label} combines with`}
          value={node.kind}
          onChange={(e) => onChange({ ...node, kind: e.target.value as 'and' | 'or' })}
        >
          <option value="or">any of (or)</option>
          <option value="and">all of (and)</option>
        </select>
        {path.length > 0 && <span className="builder__type">on {path.join('.')}</span>}
        <button type="button" className="icon-button" aria-label={`Remove ${label}`} onClick={() => onChange(null)}>
          <Icon name="close" />
        </button>
      </legend>
      {node.children.map((child, i) => (
        <FilterEditor
          key={i}
          label={`${label}.${i + 1}`}
          node={child}
          path={path}
          // Inside a group, conditions stay on the group's table.
          columns={columns.filter((c) => samePath(c.path, path))}
          onChange={(next) => onChange(setChild(node, i, next))}
        />
      ))}
      <div className="builder__actions">
        <button
          type="button"
          className="button button--small"
          onClick={() => onChange({ ...node, children: [...node.children, newCondition(columns.find((c) => samePath(c.path, path)))] })}
        >
          + Condition
        </button>
        <button
          type="button"
          className="button button--small"
          onClick={() =>
            onChange({
              ...node,
              children: [
                ...node.children,
                {
                  kind: node.kind === 'or' ? 'and' : 'or',
                  negated: false,
                  children: [newCondition(columns.find((c) => samePath(c.path, path)))],
                },
              ],
            })
          }
        >
          + Group
        </button>
      </div>
    </fieldset>
  );
}

function samePath(a: EmbedPath, b: EmbedPath): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function ConditionEditor({
  label,
  condition,
  path,
  columns,
  onChange,
}: {
  label: string;
  condition: FilterCondition;
  path: EmbedPath;
  columns: readonly FilterableColumn[];
  onChange: (node: FilterNode | null, path?: EmbedPath) => void;
}) {
  const column = columns.find((c) => samePath(c.path, path) && c.name === condition.field.name);
  const offered = operatorsForType(column?.type ?? 'text');
  const operators = offered.includes(condition.operator) ? offered : [condition.operator, ...offered];
  const spec = OPERATORS[condition.operator];
  const valueText = typeof condition.value === 'string' ? condition.value : condition.value.join(',');
  return (
    <div className="builder__condition" role="group" aria-label={label}>
      <select
        aria-label={`${label} column`}
        value={columnValue(path, condition.field.name)}
        onChange={(e) => {
          const [...parts] = JSON.parse(e.target.value) as string[];
          const name = parts.pop() ?? '';
          onChange({ ...condition, field: { name, json: [] } }, parts);
        }}
      >
        {!column && <option value={columnValue(path, condition.field.name)}>{[...path, condition.field.name].join('.')}</option>}
        {columns.map((c) => (
          <option key={columnValue(c.path, c.name)} value={columnValue(c.path, c.name)}>
            {[...c.path, c.name].join('.')}
          </option>
        ))}
      </select>
      <label className="builder__inline" title="Negate this condition">
        <input
          type="checkbox"
          aria-label={`${label} not`}
          checked={condition.negated}
          onChange={(e) => onChange({ ...condition, negated: e.target.checked })}
        />
        not
      </label>
      <select
        aria-label={`${label} operator`}
        value={condition.operator}
        onChange={(e) => {
          const operator = e.target.value as OperatorName;
          const shapeChanged = OPERATORS[operator].shape !== spec.shape;
          const { quantifier: _q, language: _l, ...rest } = condition;
          onChange({
            ...rest,
            operator,
            value: shapeChanged
              ? OPERATORS[operator].shape === 'is'
                ? 'null'
                : OPERATORS[operator].shape === 'list'
                  ? []
                  : ''
              : condition.value,
          });
        }}
      >
        {operators.map((op) => (
          <option key={op} value={op}>
            {OPERATOR_LABELS[op]}
          </option>
        ))}
      </select>
      {spec.quantifiable && (
        <select
          aria-label={`${label} quantifier`}
          value={condition.quantifier ?? ''}
          onChange={(e) => {
            const { quantifier: _q, ...rest } = condition;
            onChange(e.target.value ? { ...rest, quantifier: e.target.value as 'any' | 'all' } : rest);
          }}
        >
          <option value="">one value</option>
          <option value="any">any of {'{a,b}'}</option>
          <option value="all">all of {'{a,b}'}</option>
        </select>
      )}
      {spec.shape === 'is' ? (
        <select aria-label={`${label} value`} value={valueText} onChange={(e) => onChange({ ...condition, value: e.target.value })}>
          {IS_VALUES.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      ) : (
        <TextInput
          label={`${label} value`}
          value={valueText}
          placeholder={spec.shape === 'list' ? 'a,b,c' : spec.shape === 'pattern' ? 'text with * wildcards' : 'value'}
          onCommit={(text) => onChange({ ...condition, value: spec.shape === 'list' ? text.split(',').map((s) => s.trim()) : text })}
        />
      )}
      {spec.shape === 'fts' && (
        <TextInput
          label={`${label} language`}
          value={condition.language ?? ''}
          placeholder="language"
          onCommit={(text) => {
            const { language: _l, ...rest } = condition;
            onChange(text ? { ...rest, language: text } : rest);
          }}
        />
      )}
      <button type="button" className="icon-button" aria-label={`Remove ${label}`} onClick={() => onChange(null)}>
        <Icon name="close" />
      </button>
    </div>
  );
}

/** A text field that changes the query on Enter or when left, not on every keystroke. */
function TextInput({
  label,
  value,
  placeholder,
  onCommit,
}: {
  label: string;
  value: string;
  placeholder: string;
  onCommit: (text: string) => void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const commit = () => {
    if (text !== value) onCommit(text);
  };
  return (
    <input
      className="builder__value"
      aria-label={label}
      placeholder={placeholder}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

function NumberInput({ value, label, onCommit }: { value: number | undefined; label: string; onCommit: (n: number | undefined) => void }) {
  return (
    <TextInput
      label={label}
      value={value === undefined ? '' : String(value)}
      placeholder="all"
      onCommit={(text) => {
        const n = Number(text);
        onCommit(text.trim() === '' || !Number.isInteger(n) || n < 0 ? undefined : n);
      }}
    />
  );
}

function OrderEditor({
  terms,
  columns,
  onChange,
}: {
  terms: readonly OrderTerm[];
  columns: Columns;
  onChange: (terms: readonly OrderTerm[]) => void;
}) {
  const set = (i: number, term: OrderTerm | null) => onChange(terms.flatMap((t, j) => (j !== i ? [t] : term ? [term] : [])));
  return (
    <>
      {terms.map((t, i) => (
        <div key={i} className="builder__condition" role="group" aria-label={`Sort ${i + 1}`}>
          <select
            aria-label={`Sort ${i + 1} column`}
            value={t.field.name}
            onChange={(e) => set(i, { ...t, field: { name: e.target.value, json: [] } })}
          >
            {!columns.some((c) => c.name === t.field.name) && <option value={t.field.name}>{t.field.name}</option>}
            {columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
          <select
            aria-label={`Sort ${i + 1} direction`}
            value={t.direction ?? 'asc'}
            onChange={(e) => set(i, { ...t, direction: e.target.value as 'asc' | 'desc' })}
          >
            <option value="asc">ascending</option>
            <option value="desc">descending</option>
          </select>
          <select
            aria-label={`Sort ${i + 1} nulls`}
            value={t.nulls ?? ''}
            onChange={(e) => {
              const { nulls: _n, ...rest } = t;
              set(i, e.target.value ? { ...rest, nulls: e.target.value as 'first' | 'last' } : rest);
            }}
          >
            <option value="">nulls default</option>
            <option value="first">nulls first</option>
            <option value="last">nulls last</option>
          </select>
          <button type="button" className="icon-button" aria-label={`Remove sort ${i + 1}`} onClick={() => set(i, null)}>
            <Icon name="close" />
          </button>
        </div>
      ))}
      <div className="builder__actions">
        <button
          type="button"
          className="button button--small"
          onClick={() => {
            const next = columns.find((c) => !terms.some((t) => t.field.name === c.name));
            if (next) onChange([...terms, { field: { name: next.name, json: [] } }]);
          }}
        >
          + Sort
        </button>
      </div>
    </>
  );
}
