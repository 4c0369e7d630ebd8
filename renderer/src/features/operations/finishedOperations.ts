import type { TrackedOperationDto } from '../../../../shared/management/workspaceSchemas';

export type OperationStates = ReadonlyMap<string, TrackedOperationDto['state']>;

/**
 * Operations that ended since the last look: seen running before, or first seen already ended
 * (a fast operation can finish between two polls). The first look only takes stock, so a
 * reload does not refresh the tree for operations that ended long ago.
 */
export function finishedSince(
  previous: OperationStates | null,
  operations: readonly TrackedOperationDto[],
): { finished: TrackedOperationDto[]; states: OperationStates } {
  const states = new Map(operations.map((op) => [op.id, op.state] as const));
  if (previous === null) return { finished: [], states };
  const finished = operations.filter((op) => op.state !== 'running' && previous.get(op.id) !== op.state);
  return { finished, states };
}

/** "4 s", "2 min 5 s": how long an operation ran or has been running. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}

/**
 * What the panel shows: everything running, the latest outcome (so a finished change is seen), and
 * the other finished operations folded into a history that stays closed until asked for — the
 * tree keeps its room however many operations have run. `operations` is newest first.
 */
export function foldOperations<T extends Pick<TrackedOperationDto, 'state'>>(
  operations: readonly T[],
): { running: T[]; latest: T | null; history: T[] } {
  const running = operations.filter((op) => op.state === 'running');
  const finished = operations.filter((op) => op.state !== 'running');
  return { running, latest: finished[0] ?? null, history: finished.slice(1) };
}
