import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { SqlFetchOutput } from '../../../shared/contract/sql';
import { TEXT_TYPES, toSqlError } from './sqlErrors';

/** The SQL name of the editor's cursor in its run's transaction (one per connection). */
export const RESULT_CURSOR = 'pier_result';

/** A result whose rows are still in Postgres: a cursor, and the connection whose transaction holds it open. */
export interface OpenResult {
  readonly client: pg.PoolClient;
  /** The run that opened it (a cancel of that run closes it). */
  readonly runId: string;
  /** Asks Postgres to cancel what the connection runs now (a FETCH), through another connection. */
  readonly cancel: () => Promise<void>;
  /** Rows sent so far. */
  sent: number;
}

interface Entry extends OpenResult {
  readonly id: string;
  lastUsed: number;
  /** Fetches and the close run one after another. */
  queue: Promise<unknown>;
  fetching: boolean;
  closed: boolean;
}

export interface OpenResultsOptions {
  /** At most this many cursors (and so transactions) open at once; a new one closes the least recently used. Default 8. */
  readonly maxOpen?: number;
  /** A result nobody fetched from for this long is closed. Default 5 minutes. */
  readonly idleCloseMs?: number;
}

/**
 * The SQL editor's open results. Each holds a connection in a read-only run's transaction, so
 * they are few and short-lived: a cap on how many are open, and an idle timeout. Closing one
 * closes its cursor, commits (a reading statement may still have called a function that wrote),
 * and gives the connection back.
 */
export class OpenResults {
  private readonly entries = new Map<string, Entry>();
  private readonly maxOpen: number;
  private readonly idleCloseMs: number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: OpenResultsOptions = {}) {
    this.maxOpen = options.maxOpen ?? 8;
    this.idleCloseMs = options.idleCloseMs ?? 5 * 60_000;
  }

  /** Keeps `result` open and names it; the least recently used one goes if the cap is reached. */
  add(result: OpenResult): string {
    const byAge = [...this.entries.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const oldest of byAge.slice(0, Math.max(0, byAge.length - this.maxOpen + 1))) {
      void this.close(oldest.id, 'it was closed to make room for newer results');
    }
    const id = randomBytes(18).toString('base64url');
    this.entries.set(id, { ...result, id, lastUsed: Date.now(), queue: Promise.resolve(), fetching: false, closed: false });
    this.armSweeper();
    return id;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Why a result is gone, for those closed by Pier rather than by the user. */
  private readonly gone = new Map<string, string>();

  async fetch(id: string, count: number): Promise<SqlFetchOutput> {
    const entry = this.entries.get(id);
    if (!entry) return { kind: 'closed', message: this.goneMessage(id) };
    return this.serially(entry, async (): Promise<SqlFetchOutput> => {
      if (entry.closed || !this.entries.has(id)) return { kind: 'closed', message: this.goneMessage(id) };
      entry.lastUsed = Date.now();
      let rows: (string | null)[][];
      entry.fetching = true;
      try {
        // `count` is a validated integer; the cursor's name is ours.
        const r = await entry.client.query({
          text: `FETCH FORWARD ${Math.trunc(count)} FROM ${RESULT_CURSOR}`,
          rowMode: 'array',
          types: TEXT_TYPES,
        });
        rows = r.rows as (string | null)[][];
      } catch (err) {
        entry.fetching = false;
        const cancelled = this.gone.has(id);
        await this.finish(entry, 'rollback');
        return cancelled ? { kind: 'closed', message: this.goneMessage(id) } : { kind: 'error', ...toSqlError(err, 0, false) };
      }
      entry.fetching = false;
      entry.sent += rows.length;
      const done = rows.length < count;
      if (done) await this.finish(entry, 'commit');
      return { kind: 'rows', rows, more: !done, rowCount: done ? entry.sent : null };
    });
  }

  /** Closes the result (false when there is none by that id). */
  async close(id: string, why = 'it was closed'): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    // Gone from the count at once; the connection follows when its fetch (if any) has stopped.
    this.entries.delete(id);
    this.gone.set(id, why);
    // Only the latest reasons are kept: enough to answer the editors that still show those results.
    if (this.gone.size > 100) this.gone.delete(this.gone.keys().next().value!);
    // A fetch under way is cancelled rather than waited for.
    if (entry.fetching) await entry.cancel().catch(() => undefined);
    await this.serially(entry, () => this.finish(entry, 'commit'));
    return true;
  }

  /** Closes the results a run opened (its cancel). */
  async closeRun(runId: string): Promise<boolean> {
    const ids = [...this.entries.values()].filter((e) => e.runId === runId).map((e) => e.id);
    await Promise.all(ids.map((id) => this.close(id, 'the run was cancelled')));
    return ids.length > 0;
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await Promise.all([...this.entries.keys()].map((id) => this.close(id, 'Pier is shutting down')));
  }

  private goneMessage(id: string): string {
    const why = this.gone.get(id);
    return why
      ? `This result is no longer open: ${why}. Run the statement again to see more rows.`
      : 'This result is no longer open. Run the statement again to see more rows.';
  }

  private serially<T>(entry: Entry, f: () => Promise<T>): Promise<T> {
    const next = entry.queue.then(f, f);
    entry.queue = next.catch(() => undefined);
    return next;
  }

  private async finish(entry: Entry, end: 'commit' | 'rollback'): Promise<void> {
    if (entry.closed) return;
    entry.closed = true;
    this.entries.delete(entry.id);
    let broken: Error | undefined;
    try {
      // COMMIT also closes the cursor; a reading statement may still have called a function that wrote.
      await entry.client.query(end === 'commit' ? 'COMMIT' : 'ROLLBACK');
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      await entry.client.query('ROLLBACK').catch(() => undefined);
    }
    entry.client.release(broken);
    if (this.entries.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private armSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(
      () => {
        const now = Date.now();
        for (const e of this.entries.values()) {
          if (now - e.lastUsed >= this.idleCloseMs)
            void this.close(e.id, `nobody read from it for ${Math.round(this.idleCloseMs / 1000)} s`);
        }
      },
      Math.max(50, Math.min(30_000, this.idleCloseMs / 4)),
    );
    this.sweeper.unref();
  }
}
