import { describe, expect, it } from 'vitest';
import { parseRequest, type HttpInput } from './parseRequest';

const input = (over: Partial<HttpInput>): HttpInput => ({ method: 'GET', path: '/public/clients', rawQuery: '', headers: {}, ...over });

describe('parseRequest', () => {
  it.each([
    ['/public/clients', { kind: 'relation', schema: 'public', name: 'clients' }],
    ['/clients', { kind: 'relation', name: 'clients' }],
    ['/public/my%20table', { kind: 'relation', schema: 'public', name: 'my table' }],
    ['/rpc/add', { kind: 'routine', name: 'add' }],
    ['/api/rpc/add', { kind: 'routine', schema: 'api', name: 'add' }],
    ['/', { kind: 'root' }],
  ])('reads the path %s', (path, target) => {
    const r = parseRequest(input({ path }));
    expect(r.ok && r.value.target).toEqual(target);
  });

  it.each([
    [undefined, { kind: 'json', stripNulls: false }],
    ['*/*', { kind: 'json', stripNulls: false }],
    ['text/csv', { kind: 'csv' }],
    ['application/vnd.pgrst.object+json', { kind: 'object', stripNulls: false }],
    ['application/vnd.pgrst.object+json;nulls=stripped', { kind: 'object', stripNulls: true }],
    ['application/vnd.pgrst.array+json;nulls=stripped', { kind: 'json', stripNulls: true }],
    ['text/html;q=0.9, text/csv', { kind: 'csv' }],
    ['text/xml, application/json;q=0.5', { kind: 'json', stripNulls: false }],
  ])('negotiates Accept %s', (accept, media) => {
    const r = parseRequest(input({ headers: { accept } }));
    expect(r.ok && r.value.media).toEqual(media);
  });

  it.each([
    ['count=exact', { count: 'exact', unknown: [] }],
    ['return=minimal, count=planned', { count: 'planned', unknown: [] }],
    ['count=estimated,count=exact', { count: 'estimated', unknown: [] }],
    ['count=bogus, handling=strict', { handling: 'strict', unknown: ['count=bogus'] }],
    ['timezone=Europe/Paris,  max-affected=5, tx=rollback', { timezone: 'Europe/Paris', unknown: [] }],
  ])('reads Prefer %s', (prefer, preferences) => {
    const r = parseRequest(input({ headers: { prefer } }));
    expect(r.ok && r.value.preferences).toEqual(preferences);
  });

  it.each([
    ['0-9', undefined, { from: 0, to: 9 }],
    ['5-', 'items', { from: 5 }],
    ['junk', undefined, undefined],
    ['0-9', 'bytes', undefined],
  ])('reads Range %s (unit %s)', (range, unit, expected) => {
    const r = parseRequest(input({ headers: { range, 'range-unit': unit } }));
    expect(r.ok && r.value.range).toEqual(expected);
  });

  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc', 'abc'],
    ['Basic xyz', { malformed: 'Basic xyz' }],
    [undefined, undefined],
  ])('reads Authorization %s', (authorization, bearer) => {
    const r = parseRequest(input({ headers: { authorization } }));
    expect(r.ok && r.value.bearer).toEqual(bearer);
  });

  it.each([
    ['POST', 'PGRST117'],
    ['PATCH', 'PGRST117'],
    ['TRACE', 'PGRST117'],
  ])('refuses %s for now', (method, code) => {
    const r = parseRequest(input({ method }));
    expect(!r.ok && r.error.code).toBe(code);
  });

  it.each([
    [{ rawQuery: 'select=id,(' }, 'PGRST100'],
    [{ headers: { accept: 'image/png' } }, 'PGRST107'],
    [{ headers: { range: '9-1' } }, 'PGRST103'],
    [{ path: '/a/b/c/d' }, 'PGRST125'],
  ] as [Partial<HttpInput>, string][])('refuses %j with %s', (over, code) => {
    const r = parseRequest(input(over));
    expect(!r.ok && r.error.code).toBe(code);
  });
});
