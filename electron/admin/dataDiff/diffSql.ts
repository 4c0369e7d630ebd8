import { quoteIdent } from '../quoteIdent';
import type { DiffShape } from './diffShape';

/**
 * The statements a data diff runs on each side. Identifiers come from the catalog (DiffShape) and
 * are quoted; the bucket mask and the set of buckets are parameters.
 *
 * A row's bucket is a hash of its key, so the same key lands in the same bucket on both sides
 * whatever else differs; a row's hash covers its common columns. Both use the types' own hash
 * functions (hash_record_extended, Postgres 14+), which hash values without printing them and are
 * the same on every server (hash partitioning relies on that); columns without such a hash are
 * hashed as their text, with the session settings that change text output pinned by
 * SESSION_SETTINGS. A set of buckets is a bitmap (bytea, bit n = bucket n): testing a row is one
 * get_bit, where `= ANY(array)` would search the array for every row.
 */
export interface DiffSql {
  /** Per bucket: rows and the xor of their row hashes ($1 = bucket mask). */
  readonly summary: string;
  /** Bucket, key text and row hash of the rows in some buckets ($1 = mask, $2 = bucket bitmap), by bucket. */
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
  const asText = new Set(shape.hashedAsText);
  const hashed = (c: string) => (asText.has(c) ? `${quoteIdent(c)}::text` : quoteIdent(c));
  const keys = shape.keyColumns.map(quoteIdent);
  const cols = shape.columns.map(quoteIdent);
  const keyText = `ROW(${keys.join(', ')})::text`;
  const rowHash = `hash_record_extended(ROW(${shape.columns.map(hashed).join(', ')}), 0)`;
  const bucket = `(hash_record_extended(ROW(${shape.keyColumns.map(hashed).join(', ')}), 0) & $1::bigint)::int`;
  const inBuckets = `get_bit($2::bytea, ${bucket}) = 1`;
  return {
    summary: `SELECT ${bucket} AS b, count(*)::int AS n, bit_xor(${rowHash})::text AS s FROM ${from} GROUP BY 1`,
    hashes: `SELECT ${bucket} AS b, ${keyText} AS k, ${rowHash}::text AS h FROM ${from} WHERE ${inBuckets} ORDER BY 1`,
    // Key columns in ORDER BY are qualified: a bare name would mean an output column named alike.
    rows: `SELECT ${bucket} AS b, ${keyText} AS k, ${rowHash}::text AS h, ARRAY[${cols.map((c) => `${c}::text`).join(', ')}] AS v
      FROM ${from} AS t WHERE ${inBuckets} ORDER BY 1, ${keys.map((k) => `t.${k}`).join(', ')}`,
  };
}

/** The bitmap of a set of buckets: bit n (least significant first within each byte) is bucket n. */
export function bucketBitmap(buckets: Iterable<number>, bucketCount: number): Buffer {
  const bits = Buffer.alloc(Math.ceil(bucketCount / 8));
  for (const b of buckets) bits[b >> 3] = (bits[b >> 3] ?? 0) | (1 << (b & 7));
  return bits;
}
