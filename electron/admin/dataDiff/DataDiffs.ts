import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { z } from 'zod';
import type { DataDiffKind, DataDiffPage, DataDiffRow, DataDiffSummary } from '../../../shared/contract/dataDiff';
import type { dataDiffPageInput, dataDiffStartInput } from '../../../shared/contract/dataDiff';
import type { Location } from '../../../shared/contract/location';
import { PierError } from '../../errors/PierError';
import { pierErrorOf } from '../pierErrorOf';
import { quoteIdent } from '../quoteIdent';
import { bucketBitmap, buildDiffSql, SESSION_SETTINGS, type DiffSql } from './diffSql';
import { diffShape, readSideTable, type DiffShape } from './diffShape';

type StartInput = z.output<typeof dataDiffStartInput>;
type PageInput = z.output<typeof dataDiffPageInput>;
type WithAdminPool = <T>(at: Location, fn: (pool: pg.Pool) => Promise<T>) => Promise<T>;

/**
 * About this many rows per bucket: few enough that scattered differences leave most buckets
 * equal (3,000 changes in 1,000,000 rows touch ~4.5% of 65,536 buckets), many enough that the
 * per-bucket summary stays small. The bucket count is capped so main's memory does not grow with
 * the table (a larger table just has fuller buckets).
 */
const ROWS_PER_BUCKET = 16;
const MIN_BUCKETS = 64;
const MAX_BUCKETS = 65_536;
/** Rows read per cursor round trip while classifying. */
const CURSOR_ROWS = 4_000;
/** Diffs kept at once, and how long one nobody pages through is kept. */
const MAX_DIFFS = 16;
const IDLE_MS = 60 * 60_000;

interface Diff {
  readonly base: Location;
  readonly target: Location;
  readonly shape: DiffShape;
  readonly sql: DiffSql;
  readonly mask: number;
  /** Buckets holding differences, ascending, and their counts by kind (parallel arrays). */
  readonly buckets: Int32Array;
  readonly counts: Record<DataDiffKind, Int32Array>;
  usedAt: number;
}

interface HashRow {
  readonly b: number;
  readonly k: string;
  readonly h: string;
}
interface ValueRow extends HashRow {
  readonly v: (string | null)[];
}

/**
 * Data diffs of one table between two locations, the way data-diff tools do it: both sides hash
 * their rows in Postgres into buckets by key (one scan each, in parallel), main compares the
 * per-bucket counts and hash sums, and only the buckets that differ are read again — as key and
 * row hash — to classify rows as added, removed or changed. Main keeps per-bucket counts; a page
 * reads its buckets' rows again (with values), so no side is ever held whole.
 *
 * Rows are listed bucket by bucket (a hash order, not key order): a page is then found from the
 * counts alone, without walking the table from its start.
 */
export class DataDiffs {
  private readonly diffs = new Map<string, Diff>();

  constructor(private readonly withAdminPool: WithAdminPool) {}

  async start(input: StartInput): Promise<DataDiffSummary> {
    this.expire();
    const began = performance.now();
    return this.withSides(input.base, input.target, async (base, target) => {
      const [baseTable, targetTable] = await Promise.all([
        readSideTable(base, input.schema, input.table, 'base'),
        readSideTable(target, input.schema, input.table, 'other'),
      ]);
      const shape = diffShape(input.schema, input.table, baseTable, targetTable);
      const sql = buildDiffSql(shape);
      const rowsGuess = Math.max(
        await rowEstimate(base, baseTable.estimatedRows, shape),
        await rowEstimate(target, targetTable.estimatedRows, shape),
      );
      const mask = bucketCount(rowsGuess) - 1;

      const [baseSums, targetSums] = await Promise.all([
        base.query<{ b: number; n: number; s: string }>(sql.summary, [mask]),
        target.query<{ b: number; n: number; s: string }>(sql.summary, [mask]),
      ]);
      const baseByBucket = new Map<number, string>();
      let baseRows = 0;
      for (const r of baseSums.rows) {
        baseByBucket.set(r.b, `${r.n}:${r.s}`);
        baseRows += r.n;
      }
      let targetRows = 0;
      const differing = new Set<number>();
      for (const r of targetSums.rows) {
        targetRows += r.n;
        if (baseByBucket.get(r.b) !== `${r.n}:${r.s}`) differing.add(r.b);
        baseByBucket.delete(r.b);
      }
      for (const b of baseByBucket.keys()) differing.add(b);
      baseByBucket.clear();

      const wanted = Int32Array.from(differing).sort();
      const found = { buckets: [] as number[], added: [] as number[], removed: [] as number[], changed: [] as number[] };
      const totals = { added: 0, removed: 0, changed: 0 };
      if (wanted.length > 0) {
        const groups = mergeBuckets(
          bucketGroups<HashRow>(base, sql.hashes, [mask, bucketBitmap(wanted, mask + 1)]),
          bucketGroups<HashRow>(target, sql.hashes, [mask, bucketBitmap(wanted, mask + 1)]),
        );
        for await (const [b, baseRowsOf, targetRowsOf] of groups) {
          const c = countKinds(baseRowsOf, targetRowsOf);
          if (c.added + c.removed + c.changed === 0) continue;
          found.buckets.push(b);
          found.added.push(c.added);
          found.removed.push(c.removed);
          found.changed.push(c.changed);
          totals.added += c.added;
          totals.removed += c.removed;
          totals.changed += c.changed;
        }
      }

      const diffId = randomUUID();
      this.keep(diffId, {
        base: input.base,
        target: input.target,
        shape,
        sql,
        mask,
        buckets: Int32Array.from(found.buckets),
        counts: { added: Int32Array.from(found.added), removed: Int32Array.from(found.removed), changed: Int32Array.from(found.changed) },
        usedAt: Date.now(),
      });
      return {
        diffId,
        keyColumns: [...shape.keyColumns],
        columns: [...shape.columns],
        onlyInBase: [...shape.onlyInBase],
        onlyInTarget: [...shape.onlyInTarget],
        typeDifferences: shape.typeDifferences.map((t) => ({ ...t })),
        counts: { ...totals, unchanged: baseRows - totals.removed - totals.changed },
        baseRows,
        targetRows,
        elapsedMs: Math.round(performance.now() - began),
      };
    });
  }

  async page(input: PageInput): Promise<DataDiffPage> {
    this.expire();
    const diff = this.diffs.get(input.diffId);
    if (!diff) {
      throw new PierError('PIER404', 'This data comparison is no longer open.', { hint: 'Compare the table again.' });
    }
    diff.usedAt = Date.now();
    const kinds = new Set<DataDiffKind>(input.kinds ?? ['added', 'removed', 'changed']);
    const countAt = (i: number) => [...kinds].reduce((sum, k) => sum + (diff.counts[k][i] ?? 0), 0);

    let total = 0;
    for (let i = 0; i < diff.buckets.length; i++) total += countAt(i);
    // The buckets that hold rows offset … offset+limit of the asked kinds.
    const chosen: number[] = [];
    let before = 0;
    let i = 0;
    for (; i < diff.buckets.length && before + countAt(i) <= input.offset; i++) before += countAt(i);
    let covered = before;
    for (; i < diff.buckets.length && covered < input.offset + input.limit; i++) {
      const n = countAt(i);
      if (n === 0) continue;
      chosen.push(diff.buckets[i] ?? 0);
      covered += n;
    }
    if (chosen.length === 0) return { rows: [], offset: input.offset, total };

    const rows = await this.withSides(diff.base, diff.target, async (base, target) => {
      const [b, t] = await Promise.all([
        base.query<ValueRow>(diff.sql.rows, [diff.mask, bucketBitmap(chosen, diff.mask + 1)]),
        target.query<ValueRow>(diff.sql.rows, [diff.mask, bucketBitmap(chosen, diff.mask + 1)]),
      ]);
      const listed: DataDiffRow[] = [];
      for await (const [, baseOf, targetOf] of mergeBuckets(groupRows(b.rows), groupRows(t.rows))) {
        for (const row of diffRows(diff.shape, baseOf, targetOf)) if (kinds.has(row.kind)) listed.push(row);
      }
      return listed;
    });
    return { rows: rows.slice(input.offset - before, input.offset - before + input.limit), offset: input.offset, total };
  }

  close(diffId: string): { closed: boolean } {
    return { closed: this.diffs.delete(diffId) };
  }

  /** Diffs open now (for tests). */
  get size(): number {
    return this.diffs.size;
  }

  private keep(id: string, diff: Diff): void {
    this.diffs.set(id, diff);
    while (this.diffs.size > MAX_DIFFS) {
      const oldest = [...this.diffs.entries()].sort((a, b) => a[1].usedAt - b[1].usedAt)[0];
      if (oldest) this.diffs.delete(oldest[0]);
    }
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, d] of this.diffs) if (now - d.usedAt > IDLE_MS) this.diffs.delete(id);
  }

  /**
   * Runs `fn` with one connection per side, each in a read-only repeatable-read transaction (one
   * snapshot for all of a call's statements) with text output pinned by SESSION_SETTINGS.
   */
  private withSides<T>(baseAt: Location, targetAt: Location, fn: (base: pg.PoolClient, target: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withAdminPool(baseAt, (basePool) =>
      this.withAdminPool(targetAt, async (targetPool) => {
        const opened = await Promise.allSettled([snapshot(basePool), snapshot(targetPool)]);
        const clients = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        const failedOpen = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        let failure: unknown = failedOpen?.reason;
        try {
          if (failedOpen) throw failedOpen.reason;
          const [base, target] = clients as [pg.PoolClient, pg.PoolClient];
          const value = await fn(base, target);
          await Promise.all(clients.map((c) => c.query('COMMIT')));
          return value;
        } catch (err) {
          failure = err;
          throw err instanceof PierError ? err : pierErrorOf(err);
        } finally {
          // A connection that failed mid-call (an open cursor, an aborted transaction) is not reused.
          for (const c of clients) c.release(failure !== undefined);
        }
      }),
    );
  }
}

async function snapshot(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(SESSION_SETTINGS);
    return client;
  } catch (err) {
    client.release(true);
    throw err;
  }
}

/** The planner's row estimate, or a count when the table was never analysed (reltuples -1 reads as 0). */
async function rowEstimate(db: pg.ClientBase, estimated: number, shape: DiffShape): Promise<number> {
  if (estimated > 0) return estimated;
  const r = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(shape.schema)}.${quoteIdent(shape.table)}`);
  return Number(r.rows[0]?.n ?? 0);
}

/** A power of two near rows / ROWS_PER_BUCKET, within MIN_BUCKETS … MAX_BUCKETS. */
export function bucketCount(rows: number): number {
  let n = MIN_BUCKETS;
  while (n < MAX_BUCKETS && n * ROWS_PER_BUCKET < rows) n *= 2;
  return n;
}

/** A side's rows in bucket order, a bucket at a time, read through a cursor. */
async function* bucketGroups<R extends HashRow>(client: pg.PoolClient, text: string, values: unknown[]): AsyncGenerator<[number, R[]]> {
  const cursor = client.query(new Cursor<R>(text, values));
  try {
    let pending: R[] = [];
    for (;;) {
      const batch = await cursor.read(CURSOR_ROWS);
      if (batch.length === 0) break;
      for (const row of batch) {
        if (pending.length > 0 && pending[0]?.b !== row.b) {
          yield [pending[0]?.b ?? 0, pending];
          pending = [];
        }
        pending.push(row);
      }
    }
    if (pending.length > 0) yield [pending[0]?.b ?? 0, pending];
  } finally {
    await cursor.close();
  }
}

/** Rows already read (a page's), in bucket groups. */
async function* groupRows<R extends HashRow>(rows: R[]): AsyncGenerator<[number, R[]]> {
  let pending: R[] = [];
  for (const row of rows) {
    if (pending.length > 0 && pending[0]?.b !== row.b) {
      yield [pending[0]?.b ?? 0, pending];
      pending = [];
    }
    pending.push(row);
  }
  if (pending.length > 0) yield [pending[0]?.b ?? 0, pending];
}

/** Both sides' bucket groups side by side, by bucket number (a bucket one side lacks is empty there). */
async function* mergeBuckets<R>(a: AsyncGenerator<[number, R[]]>, b: AsyncGenerator<[number, R[]]>): AsyncGenerator<[number, R[], R[]]> {
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    if (!x.done && (y.done || x.value[0] < y.value[0])) {
      yield [x.value[0], x.value[1], []];
      x = await a.next();
    } else if (!y.done && (x.done || y.value[0] < x.value[0])) {
      yield [y.value[0], [], y.value[1]];
      y = await b.next();
    } else if (!x.done && !y.done) {
      yield [x.value[0], x.value[1], y.value[1]];
      [x, y] = await Promise.all([a.next(), b.next()]);
    }
  }
}

/** Rows match by their key's text: both sides' keys have the same columns and types. */
function countKinds(base: readonly HashRow[], target: readonly HashRow[]): Record<DataDiffKind, number> {
  const other = new Map(target.map((r) => [r.k, r.h]));
  const c = { added: 0, removed: 0, changed: 0 };
  for (const r of base) {
    const h = other.get(r.k);
    if (h === undefined) c.removed++;
    else if (h !== r.h) c.changed++;
    other.delete(r.k);
  }
  c.added = other.size;
  return c;
}

/** One bucket's differing rows: the base's (removed, changed) in key order, then the added ones. */
function diffRows(shape: DiffShape, base: readonly ValueRow[], target: readonly ValueRow[]): DataDiffRow[] {
  const keyCount = shape.keyColumns.length;
  const other = new Map(target.map((r) => [r.k, r]));
  const out: DataDiffRow[] = [];
  for (const r of base) {
    const t = other.get(r.k);
    other.delete(r.k);
    if (!t) out.push({ kind: 'removed', key: r.v.slice(0, keyCount), base: r.v, target: null, changedColumns: [] });
    else if (t.h !== r.h) {
      const changedColumns = shape.columns.filter((_, i) => r.v[i] !== t.v[i]);
      out.push({ kind: 'changed', key: r.v.slice(0, keyCount), base: r.v, target: t.v, changedColumns });
    }
  }
  for (const t of other.values()) out.push({ kind: 'added', key: t.v.slice(0, keyCount), base: null, target: t.v, changedColumns: [] });
  return out;
}
