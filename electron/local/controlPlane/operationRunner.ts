import { randomUUID } from 'node:crypto';
import { EMPTY_TYPE, type Operation } from '../../../shared/management';
import { ApiFailure } from './apiFailure';
import type { OperationRecord, StateStore } from './controlPlaneState';
import { timestamp } from './wireValues';

/** How long a finished operation stays readable by name. */
const KEEP_DONE_MS = 24 * 3600_000;

export const EMPTY_RESPONSE = { '@type': EMPTY_TYPE } as const;

/**
 * Long-running operations: each mutation is recorded as `done:false`, persisted, answered, and
 * then run in the background. Operations of one project run one at a time, in order.
 */
export class OperationRunner {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: StateStore,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Records a new operation on `resourceName` and schedules `task` after the earlier operations
   * of `queueKey`. `task` returns the operation's response; an ApiFailure it throws becomes the
   * operation's `error`. `onFailure` undoes a half-made resource before the failure is recorded.
   */
  async start(
    resourceName: string,
    metadataType: string,
    queueKey: string,
    task: () => Promise<unknown>,
    onFailure?: () => Promise<void>,
  ): Promise<Operation> {
    this.prune();
    const op: OperationRecord = {
      name: `${resourceName}/operations/${randomUUID()}`,
      done: false,
      metadata: { '@type': `type.googleapis.com/databricks.postgres.v1.${metadataType}` },
      create_time: timestamp(),
    };
    this.store.data.operations[op.name] = op;
    await this.store.save();
    const previous = this.queues.get(queueKey) ?? Promise.resolve();
    const run = previous.then(async () => {
      try {
        op.response = await task();
      } catch (err) {
        if (onFailure) await onFailure().catch((e: Error) => this.log(`Cleaning up after a failed operation failed: ${e.message}`));
        op.error =
          err instanceof ApiFailure
            ? { error_code: err.errorCode, message: err.message, details: err.errorDetails }
            : { error_code: 'INTERNAL_ERROR', message: (err as Error).message };
        if (!(err instanceof ApiFailure)) this.log(`Operation ${op.name} failed: ${(err as Error).stack ?? String(err)}`);
      }
      op.done = true;
      await this.store.save().catch((e: Error) => this.log(`Saving state failed: ${e.message}`));
    });
    this.queues.set(queueKey, run);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (this.queues.get(queueKey) === run) this.queues.delete(queueKey);
    });
    return toOperation(op);
  }

  /** Runs `work` in `queueKey`'s order, without an operation record (housekeeping). */
  enqueue<T>(queueKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(queueKey) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(queueKey, settled);
    this.inFlight.add(settled);
    void settled.finally(() => {
      this.inFlight.delete(settled);
      if (this.queues.get(queueKey) === settled) this.queues.delete(queueKey);
    });
    return result;
  }

  get(name: string): Operation | undefined {
    const op = this.store.data.operations[name];
    return op ? toOperation(op) : undefined;
  }

  /** Resolves when every operation started so far has finished. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** After a crash: operations that were running are reported as failed (their resources were rolled back). */
  failInterrupted(): number {
    let n = 0;
    for (const op of Object.values(this.store.data.operations)) {
      if (op.done) continue;
      op.done = true;
      op.error = {
        error_code: 'ABORTED',
        message:
          'Pier stopped while this operation was running. What it was creating was removed and deletions it had begun were completed; run it again if needed.',
      };
      n++;
    }
    return n;
  }

  private prune(): void {
    const cutoff = Date.now() - KEEP_DONE_MS;
    for (const [name, op] of Object.entries(this.store.data.operations)) {
      if (op.done && Date.parse(op.create_time) < cutoff) delete this.store.data.operations[name];
    }
  }
}

function toOperation(op: OperationRecord): Operation {
  const out: Operation = { name: op.name, done: op.done, metadata: op.metadata };
  if (op.done && op.error) out.error = op.error;
  else if (op.done) out.response = op.response;
  return out;
}
