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

/** Why the batch failed, and how many statements had completed before it did. */
export class TransactionError extends Error {
  constructor(
    readonly failure: unknown,
    readonly completed: number,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

interface QueryInternals {
  text: string;
  values: unknown[];
  prepare(connection: unknown): void;
  _results: pg.QueryResult | pg.QueryResult[];
}

interface Connection {
  sync(): void;
  execute(config: { portal: string; rows: number }): void;
  stream: { cork?: () => void; uncork?: () => void };
}

// pg's typings declare Query.submit as a property; the runtime class has it as a method.
const BaseQuery = pg.Query as unknown as new (config: pg.QueryConfig) => object;

class TransactionQuery extends BaseQuery {
  private completed = 0;

  constructor(
    private readonly statements: readonly SqlFragment[],
    private readonly done: (err: TransactionError | null, results: pg.QueryResult[]) => void,
  ) {
    super({ text: statements[0]!.text, values: [...statements[0]!.values], queryMode: 'extended' } as pg.QueryConfig);
    (this as unknown as { callback: (err: Error | null, r: pg.QueryResult | pg.QueryResult[]) => void }).callback = (err, r) => {
      if (err) this.done(new TransactionError(err, this.completed), []);
      else this.done(null, Array.isArray(r) ? r : [r]);
    };
  }

  submit(connection: Connection): Error | null {
    const self = this as unknown as QueryInternals;
    connection.stream.cork?.();
    try {
      for (const s of this.statements) {
        self.text = s.text;
        self.values = [...s.values];
        self.prepare(connection);
      }
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  /** pg's Query ends each statement with Sync here; the batch ends with one Sync instead. */
  _getRows(connection: Connection): void {
    connection.execute({ portal: '', rows: 0 });
  }

  handleCommandComplete(msg: unknown, connection: unknown): void {
    this.completed++;
    (pg.Query.prototype as unknown as { handleCommandComplete(m: unknown, c: unknown): void }).handleCommandComplete.call(this, msg, connection);
  }
}

/** Runs the statements as one implicit transaction; resolves with one result per statement. */
export function sendTransaction(client: pg.ClientBase, statements: readonly SqlFragment[]): Promise<pg.QueryResult[]> {
  return new Promise((resolve, reject) => {
    const query = new TransactionQuery(statements, (err, results) => (err ? reject(err) : resolve(results)));
    client.query(query as unknown as pg.Submittable);
  });
}
