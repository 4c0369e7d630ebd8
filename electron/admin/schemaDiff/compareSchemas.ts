import type pg from 'pg';
import type { SchemaDiff } from '../../../shared/contract/schemaDiff';
import { diffSnapshots } from './diffSnapshots';
import { readSchemaSnapshot } from './readSchemaSnapshot';

/** Runs `fn` with an admin pool of one side (BranchData.withAdminPool in the app, a plain pool in tests). */
export type WithAdminPool = <T>(fn: (pool: pg.Pool) => Promise<T>) => Promise<T>;

/**
 * The schema diff of two databases: both catalogs read (one snapshot each, the same queries),
 * compared in TypeScript, and the migration SQL that turns the left into the right.
 */
export async function compareSchemas(left: WithAdminPool, right: WithAdminPool, schemas: readonly string[]): Promise<SchemaDiff> {
  const [l, r] = await Promise.all([left((pool) => readSchemaSnapshot(pool, schemas)), right((pool) => readSchemaSnapshot(pool, schemas))]);
  const { entries, sql } = diffSnapshots(l, r);
  const compared = [...new Set([...l.schemas, ...r.schemas])].sort();
  return { schemas: compared, entries, sql };
}
