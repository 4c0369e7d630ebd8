/**
 * Relationships from foreign keys, as PostgREST infers them: each key gives a to-one edge
 * from the referencing table and a to-many (or to-one, when the key columns are unique) edge
 * back; junction tables whose primary key covers two foreign keys give many-to-many edges;
 * views that expose the key columns of a table stand in for that table.
 */
import type { ForeignKey, QualifiedName, Relation, Relationship } from './SchemaCache';
import { relationKey } from './SchemaCache';

export interface ViewSource {
  readonly view: QualifiedName;
  readonly map: readonly { readonly viewColumn: string; readonly table: QualifiedName; readonly column: string }[];
}

/** An endpoint of a key: the table itself, or a view that exposes all of the key's columns. */
interface Endpoint {
  readonly rel: QualifiedName;
  readonly columns: readonly string[];
}

function endpoints(table: QualifiedName, columns: readonly string[], views: readonly ViewSource[]): Endpoint[] {
  const out: Endpoint[] = [{ rel: table, columns }];
  for (const v of views) {
    const mapped = columns.map(
      (col) => v.map.find((m) => m.table.schema === table.schema && m.table.name === table.name && m.column === col)?.viewColumn,
    );
    if (mapped.every((m): m is string => m !== undefined)) out.push({ rel: v.view, columns: mapped });
  }
  return out;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function buildRelationships(
  foreignKeys: readonly ForeignKey[],
  uniqueKeys: ReadonlyMap<string, readonly (readonly string[])[]>,
  relations: ReadonlyMap<string, Relation>,
  views: readonly ViewSource[],
): Map<string, Relationship[]> {
  const out = new Map<string, Relationship[]>();
  const add = (r: Relationship) => {
    const k = relationKey(r.source);
    out.set(k, [...(out.get(k) ?? []), r]);
  };
  for (const fk of foreignKeys) {
    const unique = (uniqueKeys.get(relationKey(fk.table)) ?? []).some((u) => sameSet(u, fk.columns));
    for (const from of endpoints(fk.table, fk.columns, views)) {
      for (const to of endpoints(fk.references, fk.referencedColumns, views)) {
        const pairs = from.columns.map((c, i) => [c, to.columns[i]!] as const);
        add({
          kind: unique ? 'one-to-one' : 'many-to-one',
          source: from.rel,
          target: to.rel,
          constraint: fk.constraint,
          columns: pairs,
          toOne: true,
        });
        add({
          kind: unique ? 'one-to-one' : 'one-to-many',
          source: to.rel,
          target: from.rel,
          constraint: fk.constraint,
          columns: pairs.map(([a, b]) => [b, a] as const),
          toOne: unique,
        });
      }
    }
  }
  // Many-to-many: a table whose primary key includes the columns of two of its foreign keys.
  const byTable = new Map<string, ForeignKey[]>();
  for (const fk of foreignKeys) byTable.set(relationKey(fk.table), [...(byTable.get(relationKey(fk.table)) ?? []), fk]);
  for (const [key, fks] of byTable) {
    const pk = relations.get(key)?.primaryKey ?? [];
    const candidates = fks.filter((fk) => fk.columns.every((c) => pk.includes(c)));
    for (const a of candidates) {
      for (const b of candidates) {
        if (a === b) continue;
        for (const src of endpoints(a.references, a.referencedColumns, views)) {
          for (const dst of endpoints(b.references, b.referencedColumns, views)) {
            add({
              kind: 'many-to-many',
              source: src.rel,
              target: dst.rel,
              junction: a.table,
              sourceConstraint: a.constraint,
              targetConstraint: b.constraint,
              sourceColumns: src.columns.map((c, i) => [c, a.columns[i]!] as const),
              targetColumns: b.columns.map((c, i) => [c, dst.columns[i]!] as const),
              toOne: false,
            });
          }
        }
      }
    }
  }
  return out;
}
