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
    // No built-in representation: left to the database's media type handlers (the planner answers 406 without one).
    ['image/png', { kind: 'unmatched', accept: 'image/png' }],
    ['application/vnd.pgrst.plan+json; options=analyze|bogus, application/json', { kind: 'plan', format: 'json', options: ['analyze'] }],
  ])('negotiates Accept %s', (accept, media) => {
    const r = parseRequest(input({ headers: { accept } }));
    expect(r.ok && r.value.accepted[0]).toEqual(media);
  });

  it('keeps every acceptable type in order, for the planner to choose (plans only where allowed)', () => {
    const r = parseRequest(
      input({ headers: { accept: 'application/vnd.pgrst.plan, text/plain, text/csv;q=0.5, application/json;q=0.7' } }),
    );
    expect(r.ok && r.value.accepted).toEqual([
      { kind: 'plan', format: 'text', options: [] },
      { kind: 'json', stripNulls: false },
      { kind: 'csv' },
    ]);
  });

  it.each([
    ['count=exact', { count: 'exact', unknown: [] }],
    ['return=minimal, count=planned', { count: 'planned', return: 'minimal', unknown: [] }],
    ['count=estimated,count=exact', { count: 'estimated', unknown: [] }],
    ['count=bogus, handling=strict', { handling: 'strict', unknown: ['count=bogus'] }],
    ['timezone=Europe/Paris,  max-affected=5, tx=rollback', { timezone: 'Europe/Paris', maxAffected: 5, tx: 'rollback', unknown: [] }],
    [
      'resolution=merge-duplicates, missing=default, params=single-object, return=nope',
      { resolution: 'merge-duplicates', missing: 'default', params: 'single-object', unknown: ['return=nope'] },
    ],
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
    ['POST', '/clients', { kind: 'mutate', mutation: 'create' }],
    ['PATCH', '/clients', { kind: 'mutate', mutation: 'update' }],
    ['PUT', '/clients', { kind: 'mutate', mutation: 'upsert' }],
    ['DELETE', '/clients', { kind: 'mutate', mutation: 'delete' }],
    ['GET', '/rpc/f', { kind: 'call', readOnly: true, headOnly: false }],
    ['POST', '/rpc/f', { kind: 'call', readOnly: false, headOnly: false }],
  ])('reads %s %s as an action', (method, path, action) => {
    const r = parseRequest(input({ method, path }));
    expect(r.ok && r.value.action).toEqual(action);
  });

  it.each([
    ['TRACE', '/clients'],
    ['PATCH', '/rpc/f'],
  ])('refuses %s %s with PGRST117', (method, path) => {
    const r = parseRequest(input({ method, path }));
    expect(!r.ok && r.error.code).toBe('PGRST117');
  });

  it.each([
    ['application/json', '[{"a":1},{"a":2}]', { kind: 'rows', rows: [{ a: 1 }, { a: 2 }], array: true, keys: ['a'] }],
    ['application/json', '"x"', { kind: 'value', value: 'x' }],
    [
      'text/csv',
      'a,b\n1,NULL\n"x,y",""',
      {
        kind: 'rows',
        rows: [
          { a: '1', b: null },
          { a: 'x,y', b: '' },
        ],
        array: true,
        keys: ['a', 'b'],
      },
    ],
    [
      'application/x-www-form-urlencoded',
      'a=1&b=two+words',
      { kind: 'rows', rows: [{ a: '1', b: 'two words' }], array: false, keys: ['a', 'b'] },
    ],
  ])('decodes a %s body', (contentType, body, payload) => {
    const r = parseRequest(input({ method: 'POST', headers: { 'content-type': contentType }, body: Buffer.from(body) }));
    expect(r.ok && r.value.payload).toEqual(payload);
  });

  it('refuses invalid JSON with PGRST102', () => {
    const r = parseRequest(input({ method: 'POST', body: Buffer.from('{"a":') }));
    expect(!r.ok && r.error.code).toBe('PGRST102');
  });

  it.each([
    [{ rawQuery: 'select=id,(' }, 'PGRST100'],
    [{ headers: { range: '9-1' } }, 'PGRST103'],
    [{ path: '/a/b/c/d' }, 'PGRST125'],
  ] as [Partial<HttpInput>, string][])('refuses %j with %s', (over, code) => {
    const r = parseRequest(input(over));
    expect(!r.ok && r.error.code).toBe(code);
  });
});
