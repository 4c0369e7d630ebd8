import { describe, expect, it } from 'vitest';
import type { ConsoleRequest } from './consoleRequest';
import { HISTORY_LIMIT, parseHistory, parseSaved, recordRun, requestOf, saveRequest } from './consoleStorage';

const r: ConsoleRequest = {
  method: 'GET',
  target: '/public/a',
  headers: [{ name: 'Prefer', value: 'count=exact', enabled: true }],
  body: '',
  viewAs: { kind: 'admin' },
};

describe('console storage', () => {
  it('saves by name (again replaces), sorted, and reads back what it wrote', () => {
    let list = saveRequest([], 'b', r, new Date(0), 'id-b');
    list = saveRequest(list, 'a', { ...r, target: '/public/x' }, new Date(0), 'id-a');
    list = saveRequest(list, 'b', { ...r, method: 'DELETE' }, new Date(0), 'other');
    expect(list.map((s) => [s.id, s.name, s.request.method])).toEqual([
      ['id-a', 'a', 'GET'],
      ['id-b', 'b', 'DELETE'],
    ]);
    expect(parseSaved(JSON.stringify(list))).toEqual(list);
  });

  it('drops what it did not write: wrong shapes, unknown methods, bad identities', () => {
    expect(requestOf({ ...r, method: 'TRACE' })).toBeNull();
    expect(requestOf({ ...r, viewAs: { kind: 'root' } })).toBeNull();
    expect(requestOf({ ...r, headers: [{ name: 1 }] })).toBeNull();
    expect(parseSaved('{"not":"a list"}')).toEqual([]);
    expect(parseSaved('[{"id":"x","name":"n","savedAt":"t","request":{"method":"GET"}}]')).toEqual([]);
  });

  it('keeps the newest runs first, at most HISTORY_LIMIT', () => {
    let h = parseHistory(null);
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) h = recordRun(h, { request: r, status: 200 + i, ms: 1, ranAt: 't' }, `id${i}`);
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[0]!.status).toBe(200 + HISTORY_LIMIT + 4);
  });
});
