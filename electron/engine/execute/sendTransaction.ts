/**
 * Sends several statements as ONE extended-protocol batch: Parse/Bind/Describe/Execute for each,
 * then a single Sync. Postgres runs everything before a Sync as one implicit transaction, so
 * this is BEGIN … COMMIT without the two extra statements, in one write and one round trip; if
 * any statement fails, the rest are skipped and the transaction rolls back.
 *
 * It rides on pg's own Query (so a pipelined client accepts it and pg's parsers and type
 * handling apply) and only changes what is written: no Sync after each statement.
 */
import pg from 'pg';
import type { SqlFragment } from '../sql/SqlQuery';
import { PreparedStatements } from './PreparedStatements';

/** Why the batch failed, and how many statements had completed before it did. */
export class TransactionError extends Error {
  constructor(
    readonly failure: unknown,
    readonly completed: number,
    /** The connection's prepared statements, when the batch used them. */
    readonly prepared?: PreparedStatements,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

interface QueryInternals {
  text: string;
  values: unknown[];
  name: string | undefined;
  prepare(connection: unknown): void;
  _results: pg.QueryResult | pg.QueryResult[];
}

/** A statement of the batch; `discardRows`: its rows are not wanted (the settings statement). */
export interface BatchStatement extends SqlFragment {
  readonly discardRows?: boolean;
}

/**
 * A batch as written on one connection: `prelude` leading statements are the connection's own
 * business (see privilegedBatch) and their results are not the caller's; `succeeded`/`failed`
 * hear how it went.
 */
export interface BatchPlan {
  readonly statements: readonly BatchStatement[];
  readonly prelude: number;
  succeeded?(results: readonly pg.QueryResult[]): void;
  failed?(err: unknown): void;
}

/** Builds the batch once the connection it goes out on is known. */
export type BatchBuilder = (connection: object) => BatchPlan;

interface Connection {
  parse(config: { text: string; name: string | undefined }): void;
  bind(config: { portal: string; statement: string | undefined; values: readonly unknown[] }): void;
  sync(): void;
  execute(config: { portal: string; rows: number }): void;
  close(config: { type: 'S'; name: string }): void;
  submittedNamedStatements: Record<string, string>;
  stream: { cork?: () => void; uncork?: () => void };
}

// pg's typings declare Query.submit as a property; the runtime class has it as a method.
const BaseQuery = pg.Query as unknown as new (config: pg.QueryConfig) => object;

class TransactionQuery extends BaseQuery {
  private completed = 0;
  /** Whether the statement being written is already prepared on the connection (see prepare). */
  private parsed = false;
  private prepared: PreparedStatements | undefined;
  private plan: BatchPlan | undefined;
  private statements: readonly BatchStatement[] = [];

  constructor(
    private readonly build: BatchBuilder,
    /** Name statements per connection while this object (the schema cache) is current. */
    private readonly epoch: object | undefined,
    private readonly done: (err: TransactionError | null, results: pg.QueryResult[]) => void,
  ) {
    // pg's Query wants a text before the connection is known; submit writes the real batch. A
    // string, not a config object: pg copies an object through its property descriptors, which
    // was one of the larger items of a small read's profile.
    super('SELECT 1' as unknown as pg.QueryConfig);
    (this as unknown as { callback: (err: Error | null, r: pg.QueryResult | pg.QueryResult[]) => void }).callback = (err, r) => {
      const prelude = this.plan?.prelude ?? 0;
      if (err) {
        this.prepared?.failed();
        this.plan?.failed?.(err);
        this.done(new TransactionError(err, Math.max(0, this.completed - prelude), this.prepared), []);
      } else {
        const results = Array.isArray(r) ? r : [r];
        this.prepared?.succeeded();
        this.plan?.succeeded?.(results);
        this.done(null, results.slice(prelude));
      }
    };
  }

  submit(connection: Connection): Error | null {
    const self = this as unknown as QueryInternals;
    this.plan = this.build(connection);
    this.statements = this.plan.statements;
    const prepared = this.epoch && new PreparedStatements(connection, this.epoch);
    this.prepared = prepared;
    connection.stream.cork?.();
    try {
      if (prepared) for (const name of prepared.takeClosing()) connection.close({ type: 'S', name });
      for (const s of this.statements) {
        const slot = prepared?.slot(s.text);
        self.text = s.text;
        self.values = [...s.values];
        self.name = slot?.name;
        this.parsed = slot !== undefined && !slot.parse;
        if (s.discardRows) {
          // Without Describe, Postgres sends no row description, and pg skips reading the columns.
          if (!this.parsed) connection.parse({ text: s.text, name: slot?.name });
          connection.bind({ portal: '', statement: slot?.name, values: s.values });
          connection.execute({ portal: '', rows: 0 });
        } else {
          self.prepare(connection);
        }
        // pg's own bookkeeping of named statements follows one name per query; ours is in PreparedStatements.
        if (slot) delete connection.submittedNamedStatements[slot.name];
      }
      connection.sync();
    } finally {
      self.name = undefined;
      connection.stream.uncork?.();
    }
    return null;
  }

  /** Always the extended protocol (what `queryMode: 'extended'` would say). */
  requiresPreparation(): boolean {
    return true;
  }

  /** pg's Query asks this before writing Parse. */
  hasBeenParsed(): boolean {
    return this.parsed;
  }

  /** pg's Query ends each statement with Sync here; the batch ends with one Sync instead. */
  _getRows(connection: Connection): void {
    connection.execute({ portal: '', rows: 0 });
  }

  handleDataRow(msg: unknown): void {
    if (this.statements[this.completed]?.discardRows) return;
    (pg.Query.prototype as unknown as { handleDataRow(m: unknown): void }).handleDataRow.call(this, msg);
  }

  handleCommandComplete(msg: unknown, connection: unknown): void {
    this.completed++;
    (pg.Query.prototype as unknown as { handleCommandComplete(m: unknown, c: unknown): void }).handleCommandComplete.call(
      this,
      msg,
      connection,
    );
  }
}

/**
 * Runs the statements as one implicit transaction; resolves with one result per statement. With
 * an `epoch`, statements are prepared under a name per connection and reused while the epoch
 * object stays the same (see PreparedStatements).
 */
export function sendTransaction(
  client: pg.ClientBase,
  statements: readonly BatchStatement[] | BatchBuilder,
  epoch?: object,
): Promise<pg.QueryResult[]> {
  const build: BatchBuilder = typeof statements === 'function' ? statements : () => ({ statements, prelude: 0 });
  return new Promise((resolve, reject) => {
    const query = new TransactionQuery(build, epoch, (err, results) => (err ? reject(err) : resolve(results)));
    client.query(query as unknown as pg.Submittable);
  });
}
