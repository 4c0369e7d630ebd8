import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markedQuery, requestShape } from './ReadTemplates';

const get = (rawQuery: string, headers: Record<string, string> = {}) =>
  requestShape({ method: 'GET', path: '/public/clients', rawQuery, headers });

describe('requestShape', () => {
  it('takes out the values of plain comparisons only', () => {
    const a = get('select=id,projects(id)&id=eq.1&projects.status=not.neq.x%20y&name=like.A*&phone=is.null');
    const b = get('select=id,projects(id)&id=eq.2&projects.status=not.neq.z&name=like.A*&phone=is.null');
    expect(a.key).toBe(b.key);
    expect(a.values).toEqual(['1', 'x y']);
    expect(b.values).toEqual(['2', 'z']);
    expect(markedQuery(a)).toBe(
      'select=id%2Cprojects(id)&id=eq.PierShapeValue0x&projects.status=not.neq.PierShapeValue1x&name=like.A*&phone=is.null',
    );
  });

  it('keeps everything else in the key', () => {
    const base = get('id=eq.1');
    for (const other of [
      get('id=gt.1'),
      get('id=eq.1&limit=1'),
      get('name=eq.1'),
      get('id=eq.1', { prefer: 'count=exact' }),
      get('id=eq.1', { accept: 'text/csv' }),
    ]) {
      expect(other.key).not.toBe(base.key);
    }
    expect(get('id=eq.1', { prefer: '' }).key).not.toBe(base.key);
    // Names and values that run into each other when written one after the other.
    expect(get('x=a&id=q').key).not.toBe(get(`x=${encodeURIComponent('a&idq')}`).key);
    expect(get('xi=d').key).not.toBe(get('x=id').key);
    expect(requestShape({ method: 'HEAD', path: '/public/clients', rawQuery: 'id=eq.1', headers: {} }).key).not.toBe(base.key);
  });

  it('gives two requests one key only when they differ in taken-out values alone', () => {
    // Short strings over the characters the key is made of, so collisions would be found.
    const text = fc.string({ unit: fc.constantFrom('a', '1', '&', '?', '|', ':', '-', 'e', 'q', '.', 'x', 'i', 'd', '2'), maxLength: 6 });
    const param = fc.tuple(
      fc.constantFrom('id', 'name', 'a.b', 'x'),
      fc.oneof(fc.tuple(fc.constantFrom('eq.', 'not.lt.', 'like.', 'is.', ''), text).map(([p, v]) => p + v)),
    );
    const query = fc
      .array(param, { maxLength: 3 })
      .map((ps) => ps.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
    const prefer = fc.option(text, { nil: undefined });
    fc.assert(
      fc.property(query, query, prefer, prefer, (q1, q2, p1, p2) => {
        const a = get(q1, p1 === undefined ? {} : { prefer: p1 });
        const b = get(q2, p2 === undefined ? {} : { prefer: p2 });
        const masked = (s: typeof a, p: string | undefined) => JSON.stringify([markedQuery(s), p ?? null]);
        expect(a.key === b.key).toBe(masked(a, p1) === masked(b, p2));
      }),
      { numRuns: 2000 },
    );
  });
});
