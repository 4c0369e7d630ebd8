/**
 * The event triggers that keep Data API schema caches current whoever changes the schema (the SQL
 * editor, psql, a migration tool): PostgREST's documentation recommends an event trigger that runs
 * `NOTIFY pgrst, 'reload schema'` after DDL, and every engine Pier opens on a local branch LISTENs
 * on `pgrst`. Written for Pier (names under the `pgrst` schema that Lakebase's Data API already
 * uses for `pre_config`, so nothing lands in an exposed schema). Pure text: the seed, the local
 * branch source and the set-up assistant all install the same statements.
 */

/** Event trigger names, one per event. */
export const SCHEMA_WATCH_TRIGGERS = { ddl: 'pgrst_watch_ddl', drop: 'pgrst_watch_drop' } as const;

/**
 * Also set, for the rest of the transaction, so the SQL editor can tell that its script changed
 * the schema (a `CREATE TABLE … AS` answers with the tag SELECT) and reload before answering.
 */
export const SCHEMA_CHANGED_SETTING = 'pier.schema_changed';

const FUNCTION_SQL = `CREATE OR REPLACE FUNCTION pgrst.watch_schema_changes() RETURNS event_trigger LANGUAGE plpgsql AS $watch$
BEGIN
  -- Several notices in one transaction reach listeners as one, at commit.
  PERFORM pg_catalog.pg_notify('pgrst', 'reload schema');
  PERFORM pg_catalog.set_config('${SCHEMA_CHANGED_SETTING}', 'on', true);
END
$watch$`;

/**
 * The statements that install the watch, leaving out the event triggers that already exist (the
 * function is replaced each time so an older body is updated). Idempotent; needs a superuser.
 */
export function schemaWatchStatements(existing: { readonly schema: boolean; readonly ddl: boolean; readonly drop: boolean }): string[] {
  return [
    ...(existing.schema ? [] : ['CREATE SCHEMA IF NOT EXISTS pgrst']),
    FUNCTION_SQL,
    ...(existing.ddl
      ? []
      : [`CREATE EVENT TRIGGER ${SCHEMA_WATCH_TRIGGERS.ddl} ON ddl_command_end EXECUTE FUNCTION pgrst.watch_schema_changes()`]),
    ...(existing.drop
      ? []
      : [`CREATE EVENT TRIGGER ${SCHEMA_WATCH_TRIGGERS.drop} ON sql_drop EXECUTE FUNCTION pgrst.watch_schema_changes()`]),
  ];
}

/** Reads which parts of the watch exist (columns schema, ddl, drop: booleans); any role may read these catalogs. */
export const SCHEMA_WATCH_STATE_SQL = `SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'pgrst') AS schema,
       EXISTS (SELECT FROM pg_event_trigger WHERE evtname = '${SCHEMA_WATCH_TRIGGERS.ddl}') AS ddl,
       EXISTS (SELECT FROM pg_event_trigger WHERE evtname = '${SCHEMA_WATCH_TRIGGERS.drop}') AS drop`;

/** The whole installation from scratch, for a database just seeded. */
export const SCHEMA_WATCH_SQL = schemaWatchStatements({ schema: false, ddl: false, drop: false });
