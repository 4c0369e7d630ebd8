import { quoteIdent } from '../quoteIdent';
import type { DiffShape } from './diffShape';

/**
 * The statements a data diff runs on each side. Identifiers come from the catalog (DiffShape) and
 * are quoted; the bucket mask and bucket lists are parameters.
 *
 * A row's bucket is a hash of its key's text, so the same key lands in the same bucket on both
 * sides whatever else differs. md5 rather than hashtext: hashtext is Postgres-internal and not
 * promised to agree between servers, and the two sides may be different servers (local vs cloud).
 * A row's hash is the md5 of its common columns as a row's text (`ROW(…)::text`), which every type
 * has; session settings that change text output (TimeZone, DateStyle, extra_float_digits…) are
 * pinned by `SESSION_SETTINGS` so equal values print alike on both sides.
 */
export interface DiffSql {
  /** Per bucket: rows and the sum of their row hashes ($1 = bucket mask). */
  readonly summary: string;
  /** Bucket, key text and row hash of the rows in some buckets ($1 = mask, $2 = int[] of buckets), by bucket. */
  readonly hashes: string;
  /** As `hashes`, plus every common column's text (`v`), by bucket then key. */
  readonly rows: string;
}

/** Pinned for a diff's transaction on each side, so the same value prints the same text on both. */
export const SESSION_SETTINGS = `SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, MDY', true),
  set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true),
  set_config('bytea_output', 'hex', true)`;

export function buildDiffSql(shape: DiffShape): DiffSql {
  const from = `${quoteIdent(shape.schema)}.${quoteIdent(shape.table)}`;
  const keys = shape.keyColumns.map(quoteIdent);
  const cols = shape.columns.map(quoteIdent);
  const keyText = `ROW(${keys.join(', ')})::text`;
  const rowHash = `md5(ROW(${cols.join(', ')})::text)`;
  const bucket = `(('x' || substr(md5(${keyText}), 1, 8))::bit(32)::int & $1::int)`;
  return {
    summary: `SELECT b, count(*)::int AS n, sum(h)::text AS s
      FROM (SELECT ${bucket} AS b, ('x' || substr(${rowHash}, 1, 15))::bit(60)::bigint AS h FROM ${from}) AS t
      GROUP BY b`,
    // The bucket is written out again rather than aliased in a sub-select, where a column named
    // like the alias would be ambiguous; only matching rows compute it twice.
    hashes: `SELECT ${bucket} AS b, ${keyText} AS k, ${rowHash} AS h
      FROM ${from} WHERE ${bucket} = ANY($2::int[]) ORDER BY 1`,
    rows: `SELECT ${bucket} AS b, ${keyText} AS k, ${rowHash} AS h, ARRAY[${cols.map((c) => `${c}::text`).join(', ')}] AS v
      FROM ${from} AS t WHERE ${bucket} = ANY($2::int[]) ORDER BY 1, ${keys.map((k) => `t.${k}`).join(', ')}`,
  };
}
