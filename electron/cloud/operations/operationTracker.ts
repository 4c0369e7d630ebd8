/**
 * The long-running operations the user started, followed in the background so the UI can show
 * them in an operations panel: running → succeeded / failed / stopped, with the resource name
 * and a person-readable error. Stopping only stops waiting: the server carries on.
 */
import { randomBytes } from 'node:crypto';
import type { CloudError, CloudResult } from '../cloudError';
import type { Pending } from '../managementClient';
import type { OperationProgress } from '../waitForOperation';

export type TrackedState = 'running' | 'succeeded' | 'failed' | 'stopped';

export interface TrackedOperation {
  readonly id: string;
  readonly workspaceId: string;
  /** "Create branch dev", for the panel. */
  readonly title: string;
  /** The resource it acts on, e.g. `projects/p/branches/dev`. */
  readonly resource: string;
  readonly state: TrackedState;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** How many times the server was asked for progress. */
  readonly polls: number;
  readonly error?: { readonly code: string; readonly message: string };
}

interface Entry {
  op: TrackedOperation;
  readonly abort: AbortController;
}

export interface OperationTrackerOptions {
  /** Finished operations kept for the panel. Default 50. */
  readonly keepFinished?: number;
  readonly timeoutMs?: number;
}

export class OperationTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(op: TrackedOperation) => void>();

  constructor(private readonly options: OperationTrackerOptions = {}) {}

  /** Fires on every change of a tracked operation. Returns an unsubscribe function. */
  onDidChange(listener: (op: TrackedOperation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(entry: Entry, change: Partial<TrackedOperation>): void {
    entry.op = { ...entry.op, ...change };
    for (const l of this.listeners) l(entry.op);
  }

  /** Starts following a mutation; returns its tracking record at once and a promise of the outcome. */
  track<T>(
    meta: { workspaceId: string; title: string; resource: string },
    pending: Pending<T>,
  ): { operation: TrackedOperation; result: Promise<CloudResult<T>> } {
    const id = `op-${randomBytes(6).toString('hex')}`;
    const entry: Entry = {
      op: { id, ...meta, state: 'running', startedAt: new Date().toISOString(), polls: 0 },
      abort: new AbortController(),
    };
    this.entries.set(id, entry);
    const onProgress = (e: OperationProgress): void => {
      if (e.kind === 'polled') this.update(entry, { polls: e.polls });
    };
    const result = pending
      .wait({
        signal: entry.abort.signal,
        onProgress,
        ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
      })
      .then((r) => {
        const finishedAt = new Date().toISOString();
        if (r.ok) this.update(entry, { state: 'succeeded', finishedAt });
        else this.update(entry, { state: r.error.code === 'CLOUD_CANCELLED' ? 'stopped' : 'failed', finishedAt, error: brief(r.error) });
        this.prune();
        return r;
      });
    return { operation: entry.op, result };
  }

  /** Newest first. */
  list(workspaceId?: string): TrackedOperation[] {
    return [...this.entries.values()]
      .map((e) => e.op)
      .filter((o) => workspaceId === undefined || o.workspaceId === workspaceId)
      .reverse();
  }

  get(id: string): TrackedOperation | undefined {
    return this.entries.get(id)?.op;
  }

  /** Stops waiting for an operation (the server is not asked to cancel; it has no such call). */
  stop(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || entry.op.state !== 'running') return false;
    entry.abort.abort();
    return true;
  }

  /** Stops following everything (shutdown, or a workspace being removed). */
  stopAll(workspaceId?: string): void {
    for (const e of this.entries.values()) if (workspaceId === undefined || e.op.workspaceId === workspaceId) e.abort.abort();
  }

  private prune(): void {
    const keep = this.options.keepFinished ?? 50;
    const finished = [...this.entries.values()].filter((e) => e.op.state !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - keep))) this.entries.delete(e.op.id);
  }
}

function brief(error: CloudError): { code: string; message: string } {
  return { code: error.code, message: error.message };
}
