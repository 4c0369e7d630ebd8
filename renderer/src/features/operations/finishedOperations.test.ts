import { describe, expect, it } from 'vitest';
import type { TrackedOperationDto } from '../../../../shared/management/workspaceSchemas';
import { finishedSince, foldOperations, formatDuration } from './finishedOperations';

const op = (id: string, state: TrackedOperationDto['state']): TrackedOperationDto => ({
  id,
  workspaceId: 'local',
  title: `Create branch ${id}`,
  resource: `projects/local/branches/${id}`,
  state,
  startedAt: '2026-11-21T12:00:00Z',
  polls: 1,
});

describe('finishedSince', () => {
  it('only takes stock on the first look', () => {
    const first = finishedSince(null, [op('a', 'succeeded'), op('b', 'running')]);
    expect(first.finished).toEqual([]);
    expect([...first.states]).toEqual([
      ['a', 'succeeded'],
      ['b', 'running'],
    ]);
  });

  it('reports an operation that was running and has ended, once', () => {
    const { states } = finishedSince(null, [op('b', 'running')]);
    const next = finishedSince(states, [op('b', 'failed')]);
    expect(next.finished.map((o) => o.id)).toEqual(['b']);
    expect(finishedSince(next.states, [op('b', 'failed')]).finished).toEqual([]);
  });

  it('reports an operation first seen already ended (finished between polls)', () => {
    const { states } = finishedSince(null, []);
    expect(finishedSince(states, [op('c', 'succeeded'), op('d', 'running')]).finished.map((o) => o.id)).toEqual(['c']);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [1400, '1 s'],
    [59_600, '1 min'],
    [125_000, '2 min 5 s'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('foldOperations', () => {
  it('keeps running ones and the latest outcome in view, the rest in the history', () => {
    const folded = foldOperations([op('d', 'succeeded'), op('c', 'running'), op('b', 'failed'), op('a', 'succeeded')]);
    expect(folded.running.map((o) => o.id)).toEqual(['c']);
    expect(folded.latest?.id).toBe('d');
    expect(folded.history.map((o) => o.id)).toEqual(['b', 'a']);
  });

  it('has no latest and no history while nothing has finished', () => {
    expect(foldOperations([op('a', 'running')])).toEqual({ running: [op('a', 'running')], latest: null, history: [] });
  });
});
