import type { TypeInfo, TypeRef } from '../../../../shared/contract/tables';

/** Built-in types most tables use, offered first (by their catalog names). */
const COMMON = ['int8', 'int4', 'text', 'varchar', 'bool', 'numeric', 'float8', 'uuid', 'jsonb', 'timestamptz', 'date', 'bytea'];

const valueOf = (schema: string, name: string) => JSON.stringify([schema, name]);

/** A column's type: the catalog's types grouped as people look for them, its (length/precision) and whether it is an array. */
export function TypePicker({
  label,
  types,
  value,
  onChange,
}: {
  label: string;
  types: readonly TypeInfo[];
  value: TypeRef;
  onChange: (type: TypeRef) => void;
}) {
  const current = types.find((t) => t.schema === value.schema && t.name === value.name);
  const builtin = types.filter((t) => t.schema === 'pg_catalog');
  const groups: [string, TypeInfo[]][] = [
    ['Common', COMMON.flatMap((n) => builtin.filter((t) => t.name === n))],
    ['Enums', types.filter((t) => t.kind === 'enum')],
    ['Domains', types.filter((t) => t.kind === 'domain')],
    ['Composite and range', types.filter((t) => t.schema !== 'pg_catalog' && (t.kind === 'composite' || t.kind === 'range'))],
    ['Extensions', types.filter((t) => t.schema !== 'pg_catalog' && t.kind === 'base')],
    ['Other built-in', builtin.filter((t) => !COMMON.includes(t.name))],
  ];
  const setModifier = (index: number, text: string) => {
    const modifiers = [...value.modifiers];
    const n = Number.parseInt(text, 10);
    if (text.trim() === '' || Number.isNaN(n)) modifiers.splice(index);
    else modifiers[index] = n;
    onChange({ ...value, modifiers: modifiers.filter((m) => m !== undefined) });
  };
  return (
    <span className="type-picker">
      <select
        aria-label={label}
        value={valueOf(value.schema, value.name)}
        onChange={(e) => {
          const [schema, name] = JSON.parse(e.target.value) as [string, string];
          onChange({ schema, name, modifiers: [], array: value.array });
        }}
      >
        {!current && <option value={valueOf(value.schema, value.name)}>{`${value.schema}.${value.name}`}</option>}
        {groups
          .filter(([, list]) => list.length > 0)
          .map(([group, list]) => (
            <optgroup key={group} label={group}>
              {list.map((t) => (
                <option key={valueOf(t.schema, t.name)} value={valueOf(t.schema, t.name)} title={typeTitle(t)}>
                  {t.display}
                </option>
              ))}
            </optgroup>
          ))}
      </select>
      {current?.takesModifiers && (
        <>
          <input
            className="type-picker__modifier"
            aria-label={`${label} length or precision`}
            inputMode="numeric"
            placeholder={current.category === 'S' || current.category === 'V' ? 'len.' : 'prec.'}
            value={value.modifiers[0] ?? ''}
            onChange={(e) => setModifier(0, e.target.value)}
          />
          {current.name === 'numeric' && (
            <input
              className="type-picker__modifier"
              aria-label={`${label} scale`}
              inputMode="numeric"
              placeholder="scale"
              value={value.modifiers[1] ?? ''}
              disabled={value.modifiers[0] === undefined}
              onChange={(e) => setModifier(1, e.target.value)}
            />
          )}
        </>
      )}
      <label className="type-picker__array" title="An array of this type">
        <input
          type="checkbox"
          aria-label={`${label} is an array`}
          checked={value.array}
          onChange={(e) => onChange({ ...value, array: e.target.checked })}
        />
        []
      </label>
    </span>
  );
}

function typeTitle(t: TypeInfo): string {
  if (t.kind === 'enum') return `enum: ${t.labels.join(', ')}`;
  if (t.kind === 'domain') return `domain over ${t.baseType ?? '?'}`;
  return `${t.schema}.${t.name}`;
}

/** How a type reads in text: `character varying(40)[]`. */
export function typeLabel(types: readonly TypeInfo[], ref: TypeRef): string {
  const t = types.find((x) => x.schema === ref.schema && x.name === ref.name);
  const base = t?.display ?? `${ref.schema}.${ref.name}`;
  return `${base}${ref.modifiers.length ? `(${ref.modifiers.join(',')})` : ''}${ref.array ? '[]' : ''}`;
}
