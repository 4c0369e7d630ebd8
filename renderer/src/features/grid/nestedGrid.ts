import type { ColumnInfo } from './gridLayout';

/** What a to-many embed column knows of its rows: the noun it is counted in and its fields' types. */
export interface NestedShape {
  /** The embed's key in the row (alias or relation), e.g. "projects". */
  readonly noun: string;
  /** Types of the embedded fields by response key, from the schema cache where known. */
  readonly types: ReadonlyMap<string, string>;
}

/** The button text of a to-many embed cell: "3 projects", "1 project", "no projects". */
export function nestedSummary(count: number, noun: string): string {
  if (count === 0) return `no ${noun}`;
  // Only the plain English plural is undone; anything else keeps its name as written.
  const one = noun.length > 1 && noun.endsWith('s') && !noun.endsWith('ss') ? noun.slice(0, -1) : noun;
  return `${count} ${count === 1 ? one : noun}`;
}

/** The rows of a to-many embed, or null when the value is not a list of row objects. */
export function nestedRowsOf(value: unknown): readonly Readonly<Record<string, unknown>>[] | null {
  if (!Array.isArray(value)) return null;
  return value.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))
    ? (value as Readonly<Record<string, unknown>>[])
    : null;
}

/** A column of a nested grid: typed like the grid's, and itself nested when it holds a to-many embed. */
export type NestedColumn = ColumnInfo;

/**
 * Columns for embedded rows: keys in the order they first appear, typed from the schema cache
 * where it knows the field, else from the values (a list of objects is a further to-many embed).
 */
export function nestedColumns(rows: readonly Readonly<Record<string, unknown>>[], types: ReadonlyMap<string, string>): NestedColumn[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const key of Object.keys(row))
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
  return names.map((name) => {
    const values = rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
    const listOfRows = values.length > 0 && values.every((v) => nestedRowsOf(v) !== null);
    const type = types.get(name) ?? inferType(values);
    return {
      name,
      type: listOfRows ? 'jsonb[]' : type,
      nullable: true,
      isPrimaryKey: false,
      ...(listOfRows && { nested: { noun: name, types: new Map<string, string>() } }),
    };
  });
}

/** A type for values the schema cache did not describe (a deeper embed): JSON tells only this much. */
function inferType(values: readonly unknown[]): string {
  if (values.length === 0) return 'text';
  if (values.every((v) => typeof v === 'number')) return 'numeric';
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  if (values.every((v) => typeof v === 'string')) return 'text';
  return 'jsonb';
}
