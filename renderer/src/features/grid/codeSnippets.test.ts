import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import { codeSnippet, requestUrl, tokenHint, viewUrl, type SnippetTarget } from './codeSnippets';

function target(query: string, count: SnippetTarget['count'] = null): SnippetTarget {
  const r = parseQuery(query);
  if (!r.ok) throw new Error(r.error.message);
  return {
    baseUrl: 'http://127.0.0.1:9/api/2.0/workspace/local/rest/db',
    schema: 'public',
    table: 'clients',
    query: r.value,
    count,
    where: 'local',
  };
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

describe('requestUrl', () => {
  it('percent-encodes every column name and value so a copied command works as is', () => {
    const t = target('select=id,%C3%A7a%20va&%C3%A7a%20va=eq.d%C3%A9j%C3%A0%20vu');
    expect(requestUrl(t)).toBe(
      'http://127.0.0.1:9/api/2.0/workspace/local/rest/db/public/clients?select=id,%22%C3%A7a%20va%22&%22%C3%A7a%20va%22=eq.d%C3%A9j%C3%A0%20vu',
    );
    // Nothing outside printable ASCII is left for a shell or HTTP client to mangle.
    expect(codeSnippet('curl', t)).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('keeps PostgREST punctuation readable', () => {
    expect(requestUrl(target('select=id,projects(id,name)&id=gte.2'))).toMatch(/\?select=id,projects\(id,name\)&id=gte\.2$/);
  });
});

describe('tokenHint', () => {
  it('says where the token comes from, locally and on a workspace', () => {
    expect(tokenHint('local')).toContain('ready-file');
    expect(tokenHint('cloud')).toContain('databricks auth token');
  });
});
