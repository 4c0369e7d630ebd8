import { describe, expect, it } from 'vitest';
import type { ConsoleRequest } from './consoleRequest';
import { consoleSnippet, consoleUrl } from './consoleSnippets';

const BASE = 'http://127.0.0.1:4000/api/2.0/workspace/local/rest/databricks_postgres';
const req = (r: Partial<ConsoleRequest>): ConsoleRequest => ({
  method: 'GET',
  target: '/public/notes',
  headers: [],
  body: '',
  viewAs: { kind: 'admin' },
  ...r,
});

describe('consoleUrl', () => {
  it('percent-encodes non-ASCII names, spaces and quotes, keeping PostgREST punctuation readable', () => {
    expect(consoleUrl(BASE, req({ target: `/public/notes?select=id,ça va&ça va=eq.it's&order=id.desc` }))).toBe(
      `${BASE}/public/notes?select=id,%C3%A7a%20va&%C3%A7a%20va=eq.it's&order=id.desc`,
    );
  });
});

describe('consoleSnippet', () => {
  it('curl: method, token, headers and body, all shell-quoted', () => {
    const curl = consoleSnippet(
      'curl',
      BASE,
      req({
        method: 'POST',
        headers: [{ name: 'Prefer', value: 'return=representation', enabled: true }],
        body: `{"ça va": "it's"}`,
      }),
    );
    expect(curl).toBe(
      [
        `curl -X POST '${BASE}/public/notes'`,
        `  -H "Authorization: Bearer $TOKEN"`,
        `  -H 'Prefer: return=representation'`,
        `  -H 'Content-Type: application/json'`,
        `  --data-raw '{"ça va": "it'\\''s"}'`,
      ].join(' \\\n'),
    );
    expect(consoleSnippet('curl', BASE, req({ method: 'HEAD' }))).toMatch(/^curl --head '/);
  });

  it('fetch: method, headers and body as JavaScript strings', () => {
    const text = consoleSnippet('fetch', BASE, req({ method: 'DELETE', target: '/public/notes?id=eq.1' }));
    expect(text).toContain(`method: 'DELETE'`);
    expect(text).toContain(`fetch('${BASE}/public/notes?id=eq.1'`);
  });

  it('postgrest-js: reads, writes with filters and returning, rpc', () => {
    expect(consoleSnippet('postgrest-js', BASE, req({ target: '/public/notes?select=id&id=gt.1' }))).toContain(
      `.from('notes')\n  .select('id')\n  .filter('id', 'gt', '1')`,
    );
    const update = consoleSnippet(
      'postgrest-js',
      BASE,
      req({
        method: 'PATCH',
        target: '/public/notes?id=eq.1',
        headers: [{ name: 'Prefer', value: 'return=representation', enabled: true }],
        body: '{"a":1}',
      }),
    );
    expect(update).toContain(`.from('notes')\n  .update({"a":1})\n  .filter('id', 'eq', '1')\n  .select()`);
    expect(consoleSnippet('postgrest-js', BASE, req({ target: '/public/rpc/add?a=2&b=40' }))).toContain(
      `.rpc('add', { 'a': '2', 'b': '40' }, { get: true })`,
    );
    expect(consoleSnippet('postgrest-js', BASE, req({ method: 'POST', target: '/public/rpc/add', body: '{"a":2}' }))).toContain(
      `.rpc('add', {"a":2})`,
    );
    // Headers postgrest-js has no builder for are still sent.
    expect(consoleSnippet('postgrest-js', BASE, req({ headers: [{ name: 'Accept', value: 'text/csv', enabled: true }] }))).toContain(
      `.setHeader('Accept', 'text/csv')`,
    );
  });
});
