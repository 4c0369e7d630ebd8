/**
 * Which statements a connection has prepared under which name. A plan shape's SQL text is stable
 * (every value is a parameter), so after its first use on a connection a request only Binds and
 * Executes it: Postgres skips parse analysis and planning, node-pg skips serialising the text.
 *
 * Names are never reused on a connection (a counter), so a name whose Parse may or may not have
 * happened (its batch failed) can simply be forgotten and closed later. When the schema cache is
 * reloaded (DDL), the connection's statements are closed and prepared again on next use.
 */

/** Statements prepared per connection at most; further shapes run unnamed. */
export const MAX_PREPARED_PER_CONNECTION = 200;

interface ConnectionStatements {
  epoch: object;
  readonly names: Map<string, string>;
  /**
   * Texts whose Parse is on the wire but not yet known to have happened. A batch pipelined behind
   * it (BatchLanes) runs such a text unnamed: if the first batch fails, Postgres skips its Parse.
   */
  readonly pending: Set<string>;
  next: number;
  /** Names to Close at the start of the connection's next batch. */
  closing: string[];
}

/** Keyed by pg's Connection object: a destroyed connection takes its entry with it. */
const byConnection = new WeakMap<object, ConnectionStatements>();

export interface StatementSlot {
  readonly name: string;
  /** False: the connection has it already, Bind/Execute only. */
  readonly parse: boolean;
}

export class PreparedStatements {
  private readonly state: ConnectionStatements;
  /** Names parsed for the first time in the current batch (uncertain if the batch fails). */
  private readonly fresh: string[] = [];

  constructor(connection: object, epoch: object) {
    let state = byConnection.get(connection);
    if (!state) {
      state = { epoch, names: new Map(), pending: new Set(), next: 0, closing: [] };
      byConnection.set(connection, state);
    } else if (state.epoch !== epoch) {
      state.closing.push(...state.names.values());
      state.names.clear();
      state.pending.clear();
      state.epoch = epoch;
    }
    this.state = state;
  }

  /** Names to Close before anything else in this batch; taken once. */
  takeClosing(): string[] {
    const names = this.state.closing;
    this.state.closing = [];
    return names;
  }

  /** The slot for this text, or undefined to run it unnamed (the connection holds enough). */
  slot(text: string): StatementSlot | undefined {
    const known = this.state.names.get(text);
    if (known !== undefined) return this.state.pending.has(text) ? undefined : { name: known, parse: false };
    if (this.state.names.size >= MAX_PREPARED_PER_CONNECTION) return undefined;
    const name = `pier_${this.state.next++}`;
    this.state.names.set(text, name);
    this.state.pending.add(text);
    this.fresh.push(text);
    return { name, parse: true };
  }

  /**
   * The batch failed: Postgres skipped the messages after the error, so statements first parsed
   * in it may not exist. Forget them and close them on the next batch (Close of a missing name is
   * no error).
   */
  failed(): void {
    for (const text of this.fresh) {
      this.state.pending.delete(text);
      const name = this.state.names.get(text);
      if (name !== undefined) this.state.closing.push(name);
      this.state.names.delete(text);
    }
    this.fresh.length = 0;
  }

  /** The batch succeeded: its statements exist on the connection. */
  succeeded(): void {
    for (const text of this.fresh) this.state.pending.delete(text);
    this.fresh.length = 0;
  }

  /** Forget everything (e.g. "cached plan must not change result type"): closed on next batch. */
  reset(): void {
    this.state.closing.push(...this.state.names.values());
    this.state.names.clear();
    this.state.pending.clear();
    this.fresh.length = 0;
  }
}
