import type pg from 'pg';
import { PierError } from '../../errors/PierError';

/** A column as one side's catalog has it. */
interface SideColumn {
  readonly name: string;
  readonly type: string;
  /** 1-based position in the primary key; null when not a key column. */
  readonly keyPosition: number | null;
  /** Whether its values are hashed by their type's own hash function (else by their text). */
  readonly hashable: boolean;
}

/** One side of a diff: its table's columns and the planner's row estimate. */
export interface SideTable {
  readonly columns: readonly SideColumn[];
  readonly estimatedRows: number;
}

/** What both sides are compared on: names from the catalog (quoted by the SQL builder). */
export interface DiffShape {
  readonly schema: string;
  readonly table: string;
  readonly keyColumns: readonly string[];
  /** Key columns first, then the other common columns in the base's order. */
  readonly columns: readonly string[];
  readonly onlyInBase: readonly string[];
  readonly onlyInTarget: readonly string[];
  readonly typeDifferences: readonly { column: string; base: string; target: string }[];
  /** Common columns hashed as their text (no type hash both sides agree on). */
  readonly hashedAsText: readonly string[];
}

/**
 * Types whose own hash functions hash the value (not an OID or a layout that may differ between
 * two databases) and are the same on every server: hashing these skips printing every value as
 * text, several times faster on a large table. Enums hash their label's OID, which differs between
 * databases that made the enum separately; json, geometric, range and composite types have no
 * hash function or one that depends on their parts, so they are hashed as text.
 */
const HASHED_TYPES = `ARRAY['int2', 'int4', 'int8', 'text', 'varchar', 'bpchar', 'numeric', 'bool', 'date', 'timestamp',
  'timestamptz', 'time', 'interval', 'uuid', 'bytea', 'jsonb', 'float4', 'float8', 'name', 'char', 'inet']::regtype[]::oid[]`;

/** Reads a table's columns and primary key from one side's catalog; PIER404 when it is not there. */
export async function readSideTable(db: pg.ClientBase, schema: string, table: string, side: string): Promise<SideTable> {
  const rel = await db.query<{ oid: number; reltuples: number }>(
    `SELECT c.oid::int AS oid, c.reltuples::float8 AS reltuples
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, table],
  );
  const found = rel.rows[0];
  if (!found) {
    throw new PierError('PIER404', `There is no table ${schema}.${table} on the ${side} side.`, {
      hint: 'Pick a branch or database that has the table, or create it there first.',
    });
  }
  // A domain hashes as its base type; an array as its element type (one level of each).
  const cols = await db.query<{ name: string; type: string; key_position: number | null; hashable: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            array_position(i.indkey::int2[], a.attnum) AS key_position,
            COALESCE(NULLIF(e.typbasetype, 0), e.oid) = ANY(${HASHED_TYPES}) AS hashable
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = COALESCE(NULLIF((SELECT typbasetype FROM pg_type WHERE oid = a.atttypid), 0), a.atttypid)
       JOIN pg_type e ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
       LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [found.oid],
  );
  return {
    columns: cols.rows.map((c) => ({ name: c.name, type: c.type, keyPosition: c.key_position, hashable: c.hashable })),
    estimatedRows: Math.max(0, found.reltuples),
  };
}

const keyOf = (t: SideTable) =>
  t.columns
    .filter((c) => c.keyPosition !== null)
    .sort((a, b) => (a.keyPosition ?? 0) - (b.keyPosition ?? 0))
    .map((c) => ({ name: c.name, type: c.type }));

const describeKey = (key: readonly { name: string; type: string }[]) =>
  key.length === 0 ? 'no primary key' : '(' + key.map((k) => `${k.name} ${k.type}`).join(', ') + ')';

/**
 * What the two sides are compared on. Rows are matched by primary key, so both sides must have
 * the same one (names, order and types); a mismatch is an error that names both keys.
 */
export function diffShape(schema: string, table: string, base: SideTable, target: SideTable): DiffShape {
  const baseKey = keyOf(base);
  const targetKey = keyOf(target);
  if (baseKey.length === 0 || targetKey.length === 0) {
    throw new PierError(
      'PIER409',
      `${schema}.${table} has no primary key on the ${baseKey.length === 0 ? 'base' : 'other'} side, so its rows cannot be matched.`,
      {
        details: `base: ${describeKey(baseKey)}; other side: ${describeKey(targetKey)}`,
        hint: 'Add a primary key on both sides, then compare again.',
      },
    );
  }
  const sameKey =
    baseKey.length === targetKey.length && baseKey.every((k, i) => k.name === targetKey[i]?.name && k.type === targetKey[i]?.type);
  if (!sameKey) {
    throw new PierError(
      'PIER409',
      `The primary keys of ${schema}.${table} differ (base ${describeKey(baseKey)}, other side ${describeKey(targetKey)}), so rows cannot be matched by key.`,
      {
        details: `base: ${describeKey(baseKey)}; other side: ${describeKey(targetKey)}`,
        hint: 'Compare tables whose primary keys have the same columns and types.',
      },
    );
  }
  const targetTypes = new Map(target.columns.map((c) => [c.name, c.type]));
  const targetHashable = new Map(target.columns.map((c) => [c.name, c.hashable]));
  const baseNames = new Set(base.columns.map((c) => c.name));
  const keyNames = baseKey.map((k) => k.name);
  const keySet = new Set(keyNames);
  const common = base.columns.filter((c) => targetTypes.has(c.name));
  return {
    schema,
    table,
    keyColumns: keyNames,
    columns: [...keyNames, ...common.filter((c) => !keySet.has(c.name)).map((c) => c.name)],
    onlyInBase: base.columns.filter((c) => !targetTypes.has(c.name)).map((c) => c.name),
    onlyInTarget: target.columns.filter((c) => !baseNames.has(c.name)).map((c) => c.name),
    typeDifferences: common
      .filter((c) => targetTypes.get(c.name) !== c.type)
      .map((c) => ({ column: c.name, base: c.type, target: targetTypes.get(c.name) ?? '' })),
    hashedAsText: common
      .filter((c) => !c.hashable || targetHashable.get(c.name) !== true || targetTypes.get(c.name) !== c.type)
      .map((c) => c.name),
  };
}
