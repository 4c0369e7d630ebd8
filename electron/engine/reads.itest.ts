import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

let api: EngineServer;

beforeAll(async () => {
  const url = await createTestDatabase(
    inject('postgresUrl'),
    'pier_engine_reads',
    (await fixtureSql()) +
      `CREATE TYPE place AS (city text, zip int);
       CREATE TABLE sites (id int PRIMARY KEY, at place, codes int[]);
       INSERT INTO sites VALUES (1, ('Oslo', 150), '{7,8,9}'), (2, ('Rome', 100), '{1}');
       GRANT SELECT ON sites TO pier_engine_anon;`,
  );
  api = await startEngineServer(url);
});
afterAll(async () => {
  await api?.close();
});

const rows = async (q: string, headers?: Record<string, string>) => {
  const r = await api.get(q, headers);
  expect(r.status, r.text).toBeLessThan(300);
  return r.json as Record<string, unknown>[];
};

describe('the Lakebase documentation examples', () => {
  it('clients?select=id,name,projects(id,name)&id=gte.2', async () => {
    expect(await rows('/public/clients?select=id,name,projects(id,name)&id=gte.2&order=id')).toEqual([
      { id: 2, name: 'TechStart Inc', projects: [{ id: 3, name: 'Database Migration' }] },
      { id: 3, name: 'Global Solutions', projects: [{ id: 4, name: 'API Integration' }] },
    ]);
  });
  it('projects with status active and their client, schema from the default', async () => {
    expect(await rows('/projects?select=name,clients(name)&status=eq.active&order=id')).toEqual([
      { name: 'Website Redesign', clients: { name: 'Acme Corp' } },
      { name: 'Database Migration', clients: { name: 'TechStart Inc' } },
    ]);
  });
});

describe('select', () => {
  it('returns every column in table order by default, as JSON', async () => {
    const r = await api.get('/public/clients?id=eq.1');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Object.keys((r.json as object[])[0]!)).toEqual(['id', 'name', 'email', 'company', 'phone', 'created_at']);
  });
  it('renames, casts and reads JSON paths', async () => {
    expect(await rows('/public/documents?select=key:id::text,b:data->a->>b,n:data->n,first:data->list->0,meta->>k&id=eq.1')).toEqual([
      { key: '1', b: 'x', n: 1, first: 10, k: 'v1' },
    ]);
  });
  it('names a JSON path column after its last key', async () => {
    expect(await rows('/public/documents?select=data->a->>b&id=eq.2')).toEqual([{ b: 'y' }]);
  });
  it('aggregates with the other columns as the grouping', async () => {
    expect(await rows('/public/projects?select=status,budget.sum(),count()&order=status')).toEqual([
      { status: 'active', sum: 65000, count: 2 },
      { status: 'completed', sum: 15000, count: 1 },
      { status: 'planning', sum: 75000, count: 1 },
    ]);
    expect(await rows('/public/projects?select=total:budget.sum()::text,max:budget.max(),avg:budget::int.avg()::int')).toEqual([
      { total: '155000.00', max: 75000, avg: 38750 },
    ]);
  });
  it('counts embedded rows with the legacy bare count', async () => {
    expect(await rows('/public/clients?select=name,projects(count)&order=id')).toEqual([
      { name: 'Acme Corp', projects: [{ count: 2 }] },
      { name: 'TechStart Inc', projects: [{ count: 1 }] },
      { name: 'Global Solutions', projects: [{ count: 1 }] },
    ]);
  });
  it('groups aggregates by to-one embeds and spread columns', async () => {
    const sums = await rows('/public/projects?select=budget.sum(),...clients(client:name)');
    expect(sums.sort((a, b) => String(a['client']).localeCompare(String(b['client'])))).toEqual([
      { sum: 100000, client: 'Acme Corp' },
      { sum: 15000, client: 'Global Solutions' },
      { sum: 40000, client: 'TechStart Inc' },
    ]);
    expect(await rows('/public/projects?select=count(),clients(name)&client_id=eq.1')).toEqual([
      { count: 2, clients: { name: 'Acme Corp' } },
    ]);
  });
  it('aggregates inside an embed', async () => {
    expect(await rows('/public/clients?select=name,projects(budget.sum())&id=eq.1')).toEqual([
      { name: 'Acme Corp', projects: [{ sum: 100000 }] },
    ]);
  });
  it('refuses an unknown column with 42703 and a suggestion', async () => {
    const r = await api.get('/public/clients?select=id,nmae');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      code: '42703',
      message: 'column clients.nmae does not exist',
      details: null,
      hint: 'Perhaps you meant to reference the column "clients.name".',
    });
  });
  it('refuses a cast outside the allow-list', async () => {
    const r = await api.get('/public/clients?select=id::regclass');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: '42704' });
  });
});

describe('filters', () => {
  const ids = async (q: string) => (await rows(`/public/${q}${q.includes('?') ? '&' : '?'}select=id&order=id`)).map((r) => r['id']);
  it.each([
    ['clients?id=eq.2', [2]],
    ['clients?id=neq.2', [1, 3]],
    ['clients?id=gt.1', [2, 3]],
    ['clients?id=gte.2', [2, 3]],
    ['clients?id=lt.2', [1]],
    ['clients?id=lte.2', [1, 2]],
    ['clients?name=like.*Inc', [2]],
    ['clients?name=ilike.*CORP*', [1]],
    ['clients?name=match.^T', [2]],
    ['clients?name=imatch.^t', [2]],
    ['clients?id=in.(1,3)', [1, 3]],
    ['clients?id=not.in.(1,3)', [2]],
    ['clients?phone=is.null', [3]],
    ['clients?phone=not.is.null', [1, 2]],
    ['clients?phone=is.not_null', [1, 2]],
    ['clients?phone=isdistinct.%2B1-555-0101', [2, 3]],
    ['documents?title=in.("Commas, (parens) and \\"quotes\\"",Cats)', [1, 4]],
    ['documents?title=eq.Commas, (parens) and "quotes"', [4]],
    ['documents?tsv=fts.cat', [1]],
    ['documents?tsv=fts(english).cats %26 mat', [1]],
    ['documents?body=plfts(english).dogs running', [2]],
    ['documents?body=phfts(english).fat cats', [1]],
    ['documents?body=wfts(english)."fat cats" or park', [1, 2]],
    ['documents?tags=cs.{pets}', [1, 2]],
    ['documents?tags=cd.{pets,cats,dogs}', [1, 2, 3]],
    ['documents?tags=ov.{dogs,birds}', [2]],
    ['documents?during=sl.[10,12)', [1, 2]],
    ['documents?during=sr.[10,12)', [3]],
    ['documents?during=nxr.[5,8)', [1]],
    ['documents?during=nxl.[5,8)', [2, 3]],
    ['documents?during=adj.[10,20)', [2, 3]],
    ['documents?data->>n=eq.2', [2]],
    ['documents?data->a->>b=eq.x', [1, 3]],
    ['clients?name=like(any).{Acme*,Global*}', [1, 3]],
    ['clients?name=like(all).{*o*,*a*}', [3]],
    ['clients?id=eq(any).{1,2}', [1, 2]],
    ['clients?or=(id.eq.1,name.eq.Global Solutions)', [1, 3]],
    ['clients?not.or=(id.eq.1,id.eq.3)', [2]],
    ['clients?or=(id.eq.1,and(id.gt.1,phone.is.null))', [1, 3]],
    ['clients?and=(id.gt.1,or(name.like.T*,name.like.G*))', [2, 3]],
    ['clients?or=(id.in.(1,2),name.eq."Global Solutions")', [1, 2, 3]],
    ['clients?id=gt.1&id=lt.3', [2]],
    ['documents?score=is.null', [2]],
  ] as [string, number[]][])('%s', async (q, expected) => {
    expect(await ids(q)).toEqual(expected);
  });
  it('is.true / is.false / is.unknown on booleans', async () => {
    expect(await ids('users?active=is.true')).toEqual([1]);
    expect(await ids('users?active=is.false')).toEqual([2]);
    expect(await ids('users?active=is.unknown')).toEqual([3]);
    expect(await ids('users?active=not.is.true')).toEqual([2, 3]);
  });
  it('reports a malformed filter as PGRST100 naming the part', async () => {
    const r = await api.get('/public/clients?id=not.equals.1');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'PGRST100', message: expect.stringContaining('not.equals.1') });
  });
  it('refuses parameters that are not filters, as PostgREST does for tables (filters.itest.ts has the rest)', async () => {
    const r = await api.get('/public/clients?select=id&id=1&utm_source=mail');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'PGRST100', message: '"failed to parse filter (1)" (line 1, column 1)' });
  });
  it('reports a value of the wrong type as Postgres does', async () => {
    const r = await api.get('/public/clients?id=eq.abc');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: '22P02' });
  });
});

describe('order and paging', () => {
  it('orders by several columns with nulls placement', async () => {
    expect((await rows('/public/clients?select=id&order=phone.desc.nullsfirst,id')).map((r) => r['id'])).toEqual([3, 2, 1]);
    expect((await rows('/public/clients?select=id&order=phone.asc.nullslast')).map((r) => r['id'])).toEqual([1, 2, 3]);
  });
  it('orders by a JSON path and by an embedded to-one column', async () => {
    expect((await rows('/public/documents?select=id&order=data->n.desc.nullslast')).map((r) => r['id'])).toEqual([3, 2, 1, 4]);
    expect((await rows('/public/projects?select=id,clients(name)&order=clients(name).desc,id')).map((r) => r['id'])).toEqual([3, 4, 1, 2]);
  });
  it('pages with limit and offset and reports Content-Range', async () => {
    const r = await api.get('/public/tasks?select=id&order=id&limit=2&offset=1');
    expect(r.json).toEqual([{ id: 2 }, { id: 3 }]);
    expect(r.headers.get('content-range')).toBe('1-2/*');
  });
  it('honours Range headers, with exact count: 206 and the total', async () => {
    const r = await api.get('/public/tasks?select=id&order=id', { Range: '0-1', 'Range-Unit': 'items', Prefer: 'count=exact' });
    expect(r.status).toBe(206);
    expect(r.json).toEqual([{ id: 1 }, { id: 2 }]);
    expect(r.headers.get('content-range')).toBe('0-1/6');
  });
  it('gives 200 when the page holds every row', async () => {
    const r = await api.get('/public/tasks?select=id', { Prefer: 'count=exact' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-range')).toBe('0-5/6');
  });
  it('gives 416 past the end', async () => {
    const r = await api.get('/public/tasks?offset=10', { Prefer: 'count=exact' });
    expect(r.status).toBe(416);
    expect(r.json).toMatchObject({ code: 'PGRST103' });
    expect(r.headers.get('content-range')).toBe('*/6');
  });
  it('reports */0 for an empty result', async () => {
    const r = await api.get('/public/tasks?id=eq.999', { Prefer: 'count=exact' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-range')).toBe('*/0');
    expect(r.json).toEqual([]);
  });
  it('estimates with planned and estimated counts', async () => {
    const planned = await api.get('/public/tasks?select=id&limit=1', { Prefer: 'count=planned' });
    expect(planned.headers.get('content-range')).toMatch(/^0-0\/\d+$/);
    const estimated = await api.get('/public/tasks?select=id&limit=1', { Prefer: 'count=estimated' });
    expect(estimated.headers.get('content-range')).toBe('0-0/6');
    expect(estimated.status).toBe(206);
  });
  it('refuses a negative limit with 416 PGRST103', async () => {
    const r = await api.get('/public/tasks?limit=-1');
    expect(r.status).toBe(416);
    expect(r.json).toMatchObject({ code: 'PGRST103', details: 'Limit should be greater than or equal to zero.' });
  });
  it('reports applied preferences, refuses unknown ones unless handling=lenient, and applies a time zone', async () => {
    const applied = await api.get('/public/tasks?select=id&limit=1', { Prefer: 'count=exact, handling=lenient, bogus' });
    expect(applied.headers.get('preference-applied')).toBe('count=exact, handling=lenient');
    for (const prefer of ['handling=strict, bogus', 'bogus']) {
      const refused = await api.get('/public/tasks', { Prefer: prefer });
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({
        code: 'PGRST122',
        message: 'Invalid preferences given with handling=strict',
        details: 'Invalid preferences: bogus',
        hint: null,
      });
    }
    const tokyo = await api.get('/public/request_info?select=tz', { Prefer: 'timezone=Asia/Tokyo' });
    expect(tokyo.json).toEqual([{ tz: 'Asia/Tokyo' }]);
    expect(tokyo.headers.get('preference-applied')).toBe('timezone=Asia/Tokyo');
    // The setting is local to that request's transaction.
    expect((await api.get('/public/request_info?select=tz')).json).not.toEqual([{ tz: 'Asia/Tokyo' }]);
  });
  it('rejects an inverted range', async () => {
    const r = await api.get('/public/tasks', { Range: '5-1' });
    expect(r.status).toBe(416);
  });
});

describe('media types', () => {
  it('answers text/csv', async () => {
    const r = await api.get('/public/clients?select=id,name,phone&order=id', { Accept: 'text/csv' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.text).toBe('id,name,phone\n1,"Acme Corp",+1-555-0101\n2,"TechStart Inc",+1-555-0102\n3,"Global Solutions",');
  });
  it('answers a single object, or 406 PGRST116', async () => {
    const one = await api.get('/public/clients?select=id,name&id=eq.1', { Accept: 'application/vnd.pgrst.object+json' });
    expect(one.status).toBe(200);
    expect(one.json).toEqual({ id: 1, name: 'Acme Corp' });
    expect(one.headers.get('content-type')).toContain('application/vnd.pgrst.object+json');
    const many = await api.get('/public/clients', { Accept: 'application/vnd.pgrst.object+json' });
    expect(many.status).toBe(406);
    expect(many.json).toMatchObject({ code: 'PGRST116', details: 'The result contains 3 rows' });
  });
  it('strips nulls', async () => {
    const r = await api.get('/public/clients?select=id,phone&id=eq.3', { Accept: 'application/vnd.pgrst.array+json;nulls=stripped' });
    expect(r.json).toEqual([{ id: 3 }]);
  });
  it('refuses an unknown media type with 406 PGRST107', async () => {
    const r = await api.get('/public/clients', { Accept: 'text/xml' });
    expect(r.status).toBe(406);
    expect(r.json).toMatchObject({ code: 'PGRST107' });
  });
  it('HEAD answers headers without a body', async () => {
    const r = await api.get('/public/clients', { Prefer: 'count=exact' }, 'HEAD');
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers.get('content-range')).toBe('0-2/3');
  });
  it('reports Server-Timing for parse, plan, query and render', async () => {
    const r = await api.get('/public/clients');
    expect(r.headers.get('server-timing')).toMatch(/^parse;dur=[\d.]+, plan;dur=[\d.]+, query;dur=[\d.]+, render;dur=[\d.]+$/);
  });
});

describe('identifiers that need quoting', () => {
  it('reads, filters and orders columns with spaces, quotes and capitals', async () => {
    expect(await rows('/public/Odd%20Names?select=Weird Col,"quote\\"d",UPPER&order=UPPER.desc')).toEqual([
      { 'Weird Col': 'y', 'quote"d': 2, UPPER: 20 },
      { 'Weird Col': 'x', 'quote"d': 1, UPPER: 10 },
    ]);
    expect(await rows('/public/Odd%20Names?select=UPPER&"Weird Col"=eq.x')).toEqual([{ UPPER: 10 }]);
    expect(await rows('/public/Odd%20Names?select=UPPER&or=("quote\\"d".eq.2)')).toEqual([{ UPPER: 20 }]);
  });
});

describe('other methods and shapes', () => {
  it('answers OPTIONS with the allowed methods', async () => {
    const r = await api.get('/public/clients', {}, 'OPTIONS');
    expect(r.status).toBe(200);
    expect(r.headers.get('allow')).toBe('OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE');
  });
  it('returns empty objects for an empty select', async () => {
    expect(await rows('/public/clients?select=&id=lt.3')).toEqual([{}, {}]);
  });
});

describe('schemas and errors', () => {
  it('serves another exposed schema by path or Accept-Profile', async () => {
    expect(await rows('/api/notes')).toEqual([{ id: 1, text: 'from the api schema' }]);
    expect(await rows('/notes', { 'Accept-Profile': 'api' })).toEqual([{ id: 1, text: 'from the api schema' }]);
  });
  it('refuses a schema outside pgrst.db_schemas with 406 PGRST106', async () => {
    for (const r of [await api.get('/private/secrets'), await api.get('/secrets', { 'Accept-Profile': 'private' })]) {
      expect(r.status).toBe(406);
      expect(r.json).toEqual({
        code: 'PGRST106',
        message: 'Invalid schema: private',
        details: null,
        hint: 'Only the following schemas are exposed: public, api',
      });
      expect(r.headers.get('proxy-status')).toBe('PostgREST; error=PGRST106');
    }
  });
  it('answers an unknown table with 404 and a hint', async () => {
    const r = await api.get('/public/client');
    expect(r.status).toBe(404);
    expect(r.json).toEqual({
      code: 'PGRST205',
      message: "Could not find the table 'public.client' in the schema cache",
      details: null,
      hint: "Perhaps you meant the table 'public.clients'",
    });
  });
  it('refuses methods PostgREST does not serve with 405', async () => {
    const r = await api.get('/public/clients', { 'Content-Type': 'application/json' }, 'PURGE');
    expect(r.status).toBe(405);
    expect(r.json).toMatchObject({ code: 'PGRST117' });
  });
});

describe('JSON paths as PostgREST reads them', () => {
  it('names a path by its last key; an array index names nothing (`tags->>0` is `tags`)', async () => {
    expect(await rows('/public/documents?select=data->list->>0,data->a->>b,tags->>0&id=eq.1')).toEqual([
      { list: '10', b: 'x', tags: 'pets' },
    ]);
    expect(await rows('/public/documents?select=data->list->0&id=eq.1')).toEqual([{ list: 10 }]);
  });
  it('uses arrows on arrays and composites (their JSON form), in select, filters and order', async () => {
    expect(await rows('/public/sites?select=id,city:at->>city,first:codes->0&order=at->zip')).toEqual([
      { id: 2, city: 'Rome', first: 1 },
      { id: 1, city: 'Oslo', first: 7 },
    ]);
    expect(await rows('/public/sites?select=id&at->>city=eq.Oslo&codes->>1=eq.8')).toEqual([{ id: 1 }]);
  });
  it('answers Vary on success, as PostgREST does', async () => {
    expect((await api.get('/public/sites?select=id')).headers.get('vary')).toBe('Accept, Prefer, Range');
  });
});
