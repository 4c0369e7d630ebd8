import type pg from 'pg';
import { PierError } from '../../errors/PierError';
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
  const compared = [...new Set([...l.schemas, ...r.schemas])].sort();
  // A schema in the filter that neither side has is a typo, not "no differences".
  const missing = schemas.filter((s) => !compared.includes(s));
  if (missing.length > 0) {
    throw new PierError('PIER404', `Neither side has schema ${missing.map((s) => JSON.stringify(s)).join(', ')}.`, {
      hint: 'Schema names are case-sensitive; leave the filter empty to compare every schema.',
    });
  }
  const { entries, sql } = diffSnapshots(l, r);
  return { schemas: compared, entries, sql };
}
