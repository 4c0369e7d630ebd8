import { describe, expect, it } from 'vitest';
import { displayBody, sentHeaders, splitTarget, toRequestInput, type ConsoleRequest } from './consoleRequest';

const at = { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' } as const;
const base: ConsoleRequest = { method: 'GET', target: '/public/clients', headers: [], body: '', viewAs: { kind: 'admin' } };

describe('splitTarget', () => {
  it.each([
    ['/public/clients?select=id&id=gt.1', '/public/clients', 'select=id&id=gt.1'],
    ['public/clients', '/public/clients', ''],
    ['/public/rpc/add?a=1', '/public/rpc/add', 'a=1'],
    // Each path segment encoded once, whether typed readable or already encoded.
    ['/public/ça va', '/public/%C3%A7a%20va', ''],
    ['/public/%C3%A7a%20va', '/public/%C3%A7a%20va', ''],
    ['/public/clients?a=1?b', '/public/clients', 'a=1?b'],
  ])('%s', (target, path, rawQuery) => {
    expect(splitTarget(target)).toEqual({ path, rawQuery });
  });
});

describe('sentHeaders', () => {
  it('sends ticked rows with a name and value, joins repeats, and never a pasted Authorization', () => {
    expect(
      sentHeaders([
        { name: 'Prefer', value: 'return=representation', enabled: true },
        { name: 'prefer', value: 'count=exact', enabled: true },
        { name: 'Range', value: '0-9', enabled: false },
        { name: 'Accept', value: '', enabled: true },
        { name: 'Authorization', value: 'Bearer x', enabled: true },
        { name: 'X-Unknown', value: 'kept', enabled: true },
      ]),
    ).toEqual({ Prefer: 'return=representation, count=exact', 'X-Unknown': 'kept' });
  });
});

describe('toRequestInput', () => {
  it('gives a JSON body its Content-Type unless one is set, and sends no body with GET', () => {
    expect(toRequestInput(at, { ...base, method: 'POST', body: '{"a":1}' })).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    const csv = toRequestInput(at, {
      ...base,
      method: 'POST',
      body: 'a\n1',
      headers: [{ name: 'content-type', value: 'text/csv', enabled: true }],
    });
    expect(csv.headers).toEqual({ 'content-type': 'text/csv' });
    expect(toRequestInput(at, { ...base, body: '{"ignored":true}' })).not.toHaveProperty('body');
  });
});

describe('displayBody', () => {
  it('pretty-prints JSON and keeps CSV, text and broken JSON as they came', () => {
    expect(displayBody('application/json; charset=utf-8', '[{"a":1}]')).toEqual({ kind: 'json', text: '[\n  {\n    "a": 1\n  }\n]' });
    expect(displayBody('text/csv; charset=utf-8', 'a,b\n1,2')).toEqual({ kind: 'text', text: 'a,b\n1,2' });
    expect(displayBody('application/json', '{broken')).toEqual({ kind: 'text', text: '{broken' });
  });
});
