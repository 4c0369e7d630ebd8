import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import { codeSnippet, viewUrl, type SnippetTarget } from './codeSnippets';

function target(query: string, count: SnippetTarget['count'] = null): SnippetTarget {
  const r = parseQuery(query);
  if (!r.ok) throw new Error(r.error.message);
  return { baseUrl: 'http://127.0.0.1:9/api/2.0/workspace/local/rest/db', schema: 'public', table: 'clients', query: r.value, count };
}

describe('code for the current view', () => {
  it('the URL is the Data API URL of the table with the readable query', () => {
    expect(viewUrl(target('select=id,name,projects(id,name)&id=gte.2'))).toBe(
      'http://127.0.0.1:9/api/2.0/workspace/local/rest/db/public/clients?select=id,name,projects(id,name)&id=gte.2',
    );
    expect(viewUrl(target(''))).toBe('http://127.0.0.1:9/api/2.0/workspace/local/rest/db/public/clients');
  });

  it('curl quotes the URL for the shell and sends a bearer token placeholder and the count', () => {
    expect(codeSnippet('curl', target("name=eq.O'Brien", 'exact'))).toBe(
      [
        `curl 'http://127.0.0.1:9/api/2.0/workspace/local/rest/db/public/clients?name=eq.O'\\''Brien' \\`,
        `  -H "Authorization: Bearer $TOKEN" \\`,
        `  -H 'Prefer: count=exact'`,
      ].join('\n'),
    );
  });

  it('postgrest-js spells filters, groups, order and paging as its builder does', () => {
    const code = codeSnippet(
      'postgrest-js',
      target(
        'select=id,projects(name)&id=not.in.(1,2)&or=(name.eq.a,and(id.gt.3,id.lt.9))&order=name.desc.nullsfirst&limit=10&offset=20&projects.limit=2',
      ),
    );
    expect(code).toContain("new PostgrestClient('http://127.0.0.1:9/api/2.0/workspace/local/rest/db/public'");
    expect(code).toContain(".select('id,projects(name)')");
    expect(code).toContain(".filter('id', 'not.in', '(1,2)')");
    expect(code).toContain(".or('name.eq.a,and(id.gt.3,id.lt.9)')");
    expect(code).toContain(".order('name', { ascending: false, nullsFirst: true })");
    expect(code).toContain('.range(20, 29)');
    expect(code).toContain(".limit(2, { referencedTable: 'projects' })");
  });

  it('fetch and supabase-js carry the same URL and count', () => {
    expect(codeSnippet('fetch', target('id=eq.1', 'planned'))).toContain(
      "fetch('http://127.0.0.1:9/api/2.0/workspace/local/rest/db/public/clients?id=eq.1'",
    );
    expect(codeSnippet('fetch', target('id=eq.1', 'planned'))).toContain("Prefer: 'count=planned'");
    const supa = codeSnippet('supabase-js', target('id=eq.1', 'exact'));
    expect(supa).toContain(".select('*', { count: 'exact' })");
    expect(supa).toContain(".filter('id', 'eq', '1')");
  });
});
