/**
 * Connections shared by one-Sync read batches (writes keep a connection each, see runQuery).
 * Each batch is its own implicit transaction (settings are transaction-local), so several
 * requests' batches can be pipelined on one connection; the batches queued in one turn of the
 * event loop then leave in one write and their answers arrive in one read. Under load that
 * replaces a socket write and read per request (the largest part of a small read's cost in the
 * profile) with one per turn and connection.
 *
 * Lanes are held from the pool while busy and handed back when idle, so the pool's other users
 * (schema-cache loads, BEGIN … COMMIT requests) always find a connection: at most `size` lanes.
 */
import type pg from 'pg';
import { sendTransaction, type BatchBuilder, type BatchStatement } from './sendTransaction';

interface Lane {
  readonly client: pg.PoolClient;
  readonly onError: () => void;
  inFlight: number;
  broken: boolean;
  corked: boolean;
}

type Socket = { cork?: () => void; uncork?: () => void };

export class BatchLanes {
  private readonly lanes: Lane[] = [];
  private readonly opening: Promise<Lane>[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly size: number,
  ) {}

  /** Runs the batch on the least busy lane (a new one while fewer than `size` and all are busy). */
  async run(statements: readonly BatchStatement[] | BatchBuilder, epoch: object | undefined): Promise<pg.QueryResult[]> {
    const lane = await this.lane();
    lane.inFlight++;
    this.cork(lane);
    try {
      return await sendTransaction(lane.client, statements, epoch);
    } catch (err) {
      // Not a server error: the connection may be broken; never hand it out again.
      if (typeof (err as { failure?: { severity?: unknown } }).failure?.severity !== 'string') lane.broken = true;
      throw err;
    } finally {
      lane.inFlight--;
      this.settle(lane);
    }
  }

  private async lane(): Promise<Lane> {
    let best: Lane | undefined;
    let usable = 0;
    for (const l of this.lanes) {
      if (l.broken) continue;
      usable++;
      if (!best || l.inFlight < best.inFlight) best = l;
    }
    const full = usable + this.opening.length >= this.size;
    if (best && (best.inFlight === 0 || full)) return best;
    if (full) {
      // Every lane is still connecting: queue behind one rather than exceed `size`.
      await Promise.race(this.opening).catch(() => undefined);
      return this.lane();
    }
    const opening = this.open();
    this.opening.push(opening);
    try {
      return await opening;
    } catch (err) {
      if (best) return best;
      throw err;
    } finally {
      this.opening.splice(this.opening.indexOf(opening), 1);
    }
  }

  private async open(): Promise<Lane> {
    const client = await this.pool.connect();
    const lane: Lane = {
      client,
      inFlight: 0,
      broken: false,
      corked: false,
      // A socket that dies while held would otherwise be an uncaught 'error' event; the failure
      // reaches every pending batch, which is how it is reported.
      onError: () => {
        lane.broken = true;
      },
    };
    client.on('error', lane.onError);
    this.lanes.push(lane);
    return lane;
  }

  /** Holds the lane's writes until this turn of the event loop ends, so its batches share a write. */
  private cork(lane: Lane): void {
    if (lane.corked) return;
    const socket = (lane.client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
    if (!socket?.cork || !socket.uncork) return;
    lane.corked = true;
    socket.cork();
    setImmediate(() => {
      lane.corked = false;
      socket.uncork!();
      this.settle(lane);
    });
  }

  /** An idle lane goes back to the pool (so idle connections time out as usual); a broken one is destroyed. */
  private settle(lane: Lane): void {
    if (lane.inFlight > 0 || lane.corked) return;
    const i = this.lanes.indexOf(lane);
    if (i < 0) return;
    this.lanes.splice(i, 1);
    if (!lane.broken) lane.client.off('error', lane.onError);
    lane.client.release(lane.broken || undefined);
  }
}
