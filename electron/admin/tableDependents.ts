import type pg from 'pg';
import type { Dependent, DependentKind, DropTarget } from '../../shared/contract/tables';
import { invalidInput, notFound } from '../errors/PierError';
import type { TableStructure } from './tableCatalog';

type Db = pg.Pool | pg.ClientBase;

/** An object as pg_depend names it: its catalog, its oid, and (for a column) its number. */
interface ObjectAddress {
  readonly classid: string;
  readonly objid: string;
  readonly objsubid: number;
}

interface DependRow {
  catalog: string;
  classid: string;
  objid: string;
  objsubid: number;
  deptype: string;
  description: string;
  relkind: string | null;
  contype: string | null;
  view_oid: string | null;
  view_kind: string | null;
  view_description: string | null;
  rulename: string | null;
}

/** Dependency chains are short in practice; the limits keep a pathological catalog from running away. */
const MAX_DEPTH = 10;
const MAX_OBJECTS = 500;

/**
 * What dropping `target` takes with it, read from pg_depend as Postgres' own DROP walks it:
 * `normal` dependents (a view's rule, another table's foreign key, a policy, a function body)
 * stop the drop unless CASCADE; `auto` ones (the object's indexes, constraints, owned sequences,
 * triggers) go with it; `internal` ones are part of the object (a constraint's index, a table's
 * row type, a view's rule) and are walked through, not listed. A view is reached through its rule
 * (pg_rewrite) and named as the view. Everything CASCADE would drop is listed, once.
 */
export async function readDependents(db: Db, table: TableStructure, target: DropTarget): Promise<Dependent[]> {
  const pgClass = await classOid(db, 'pg_class');
  const start = targetAddress(table, target, pgClass, await classOid(db, 'pg_constraint'));
  const seen = new Set([addressKey(start)]);
  // The dropped table itself is never its own dependent (a self-referencing foreign key depends on it twice).
  seen.add(addressKey({ classid: pgClass, objid: table.oid, objsubid: 0 }));
  const found = new Map<string, { dependent: Dependent; normal: boolean; auto: boolean }>();
  let frontier: ObjectAddress[] = [start];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0 && found.size < MAX_OBJECTS; depth++) {
    const rows = await dependentsOf(db, frontier);
    const next: ObjectAddress[] = [];
    for (const row of rows) {
      // A view's rule stands for the view: the whole view is dropped, with whatever depends on it.
      const viaView = row.catalog === 'pg_rewrite' && row.view_oid !== null && row.rulename === '_RETURN';
      const address: ObjectAddress = viaView
        ? { classid: pgClass, objid: row.view_oid!, objsubid: 0 }
        : { classid: row.classid, objid: row.objid, objsubid: row.objsubid };
      const key = addressKey(address);
      if (viaView && row.deptype === 'i') continue;
      // Not listed: internal parts, a column's own default, and (Postgres 18) NOT NULL constraints: they are the object itself.
      const listed =
        row.deptype !== 'i' &&
        !(row.catalog === 'pg_attrdef' && row.deptype === 'a') &&
        !(row.catalog === 'pg_constraint' && row.contype === 'n');
      if (listed) {
        const entry = found.get(key) ?? {
          dependent: {
            kind: viaView ? relationKind(row.view_kind) : kindOf(row),
            description: viaView ? row.view_description! : row.description,
            blocksDrop: false,
          },
          normal: false,
          auto: false,
        };
        if (row.deptype === 'n') entry.normal = true;
        else entry.auto = true;
        found.set(key, entry);
      }
      if (!seen.has(key)) {
        seen.add(key);
        next.push(address);
      }
    }
    frontier = next;
  }
  // Postgres drops silently what it reaches automatically; only what it reaches solely through normal dependencies needs CASCADE.
  return [...found.values()]
    .map((e) => ({ ...e.dependent, blocksDrop: e.normal && !e.auto }))
    .sort((a, b) => Number(b.blocksDrop) - Number(a.blocksDrop) || a.description.localeCompare(b.description));
}

function targetAddress(table: TableStructure, target: DropTarget, pgClass: string, pgConstraint: string): ObjectAddress {
  switch (target.kind) {
    case 'table':
      return { classid: pgClass, objid: table.oid, objsubid: 0 };
    case 'column': {
      const attnum = table.attnums.get(target.column);
      if (attnum === undefined) throw notFound(`Column ${target.column} does not exist on ${table.table}.`);
      return { classid: pgClass, objid: table.oid, objsubid: attnum };
    }
    case 'constraint': {
      const oid = table.constraintOids.get(target.name);
      if (oid === undefined) throw notFound(`Constraint ${target.name} does not exist on ${table.table}.`);
      return { classid: pgConstraint, objid: oid, objsubid: 0 };
    }
    case 'index': {
      const oid = table.indexOids.get(target.name);
      if (oid === undefined) throw notFound(`Index ${target.name} does not exist on ${table.table}.`);
      return { classid: pgClass, objid: oid, objsubid: 0 };
    }
    default: {
      const never: never = target;
      throw invalidInput(`Unknown drop target ${JSON.stringify(never)}.`);
    }
  }
}

async function dependentsOf(db: Db, objects: readonly ObjectAddress[]): Promise<DependRow[]> {
  const r = await db.query<DependRow>(
    `SELECT d.classid::regclass::text AS catalog, d.classid::text AS classid, d.objid::text AS objid, d.objsubid, d.deptype::text AS deptype,
            pg_describe_object(d.classid, d.objid, d.objsubid) AS description,
            c.relkind::text AS relkind, k.contype::text AS contype,
            rw.ev_class::text AS view_oid, rw.rulename::text AS rulename, vc.relkind::text AS view_kind,
            pg_describe_object('pg_class'::regclass, rw.ev_class, 0) AS view_description
       FROM unnest($1::oid[], $2::oid[], $3::int[]) AS t(classid, objid, objsubid)
       JOIN pg_depend d ON d.refclassid = t.classid AND d.refobjid = t.objid AND (t.objsubid = 0 OR d.refobjsubid = t.objsubid)
       LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
       LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid
       LEFT JOIN pg_rewrite rw ON d.classid = 'pg_rewrite'::regclass AND rw.oid = d.objid
       LEFT JOIN pg_class vc ON vc.oid = rw.ev_class
      WHERE d.deptype IN ('n', 'a', 'i')
      ORDER BY d.classid, d.objid, d.objsubid`,
    [objects.map((o) => o.classid), objects.map((o) => o.objid), objects.map((o) => o.objsubid)],
  );
  return r.rows;
}

async function classOid(db: Db, catalog: 'pg_class' | 'pg_constraint'): Promise<string> {
  const r = await db.query<{ oid: string }>(`SELECT $1::regclass::oid::text AS oid`, [catalog]);
  return r.rows[0]!.oid;
}

const addressKey = (a: ObjectAddress) => `${a.classid}/${a.objid}/${a.objsubid}`;

function relationKind(relkind: string | null): DependentKind {
  switch (relkind) {
    case 'v':
      return 'view';
    case 'm':
      return 'materializedView';
    case 'i':
    case 'I':
      return 'index';
    case 'S':
      return 'sequence';
    case 'r':
    case 'p':
    case 'f':
      return 'table';
    default:
      return 'other';
  }
}

function kindOf(row: DependRow): DependentKind {
  switch (row.catalog) {
    case 'pg_class':
      return row.objsubid !== 0 ? 'column' : relationKind(row.relkind);
    case 'pg_constraint':
      return row.contype === 'f' ? 'foreignKey' : 'constraint';
    case 'pg_policy':
      return 'policy';
    case 'pg_proc':
      return 'function';
    case 'pg_trigger':
      return 'trigger';
    case 'pg_attrdef':
      return 'default';
    default:
      return 'other';
  }
}
