import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

let api: EngineServer;

/** Functions over a row: computed fields (one value) and computed relationships (rows of a table). */
const COMPUTED_SQL = `
CREATE FUNCTION full_label(clients) RETURNS text LANGUAGE sql STABLE AS $$ SELECT $1.name || ' (' || $1.company || ')' $$;
CREATE FUNCTION open_tasks(projects) RETURNS SETOF tasks LANGUAGE sql STABLE AS $$ SELECT * FROM tasks WHERE project_id = $1.id AND status <> 'completed' $$;
CREATE FUNCTION lead_task(projects) RETURNS SETOF tasks LANGUAGE sql STABLE ROWS 1 AS $$ SELECT * FROM tasks WHERE project_id = $1.id ORDER BY id LIMIT 1 $$;
CREATE FUNCTION owner(projects) RETURNS clients LANGUAGE sql STABLE AS $$ SELECT * FROM clients WHERE id = $1.client_id $$;
-- Named like the table it returns: it overrides the foreign key's relationship, as in PostgREST.
CREATE FUNCTION shipments(shipment_events) RETURNS SETOF shipments LANGUAGE sql STABLE AS $$ SELECT * FROM shipments WHERE order_no = $1.order_no AND false $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO pier_engine_anon;
`;

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_embeds', (await fixtureSql()) + COMPUTED_SQL);
  api = await startEngineServer(url);
});
afterAll(async () => {
  await api?.close();
});

const rows = async (q: string) => {
  const r = await api.get(q);
  expect(r.status, r.text).toBe(200);
  return r.json;
};

describe('embedding through foreign keys', () => {
  it('many-to-one gives an object', async () => {
    expect(await rows('/public/projects?select=name,clients(name)&id=eq.3')).toEqual([
      { name: 'Database Migration', clients: { name: 'TechStart Inc' } },
    ]);
  });
  it('one-to-many gives an array, empty when there is nothing', async () => {
    expect(await rows('/public/projects?select=name,tasks(title)&id=in.(2,4)&order=id&tasks.order=id')).toEqual([
      { name: 'Mobile App Development', tasks: [{ title: 'Requirements gathering' }] },
      { name: 'API Integration', tasks: [{ title: 'API documentation' }] },
    ]);
    expect(await rows('/public/users?select=name,messages!sender_id(body)&id=eq.3')).toEqual([
      { name: 'Cid', messages: [{ body: 'note to self' }] },
    ]);
  });
  it('one-to-one gives an object both ways, null when missing', async () => {
    expect(await rows('/public/clients?select=id,client_profiles(industry)&order=id')).toEqual([
      { id: 1, client_profiles: { industry: 'Manufacturing' } },
      { id: 2, client_profiles: { industry: 'Software' } },
      { id: 3, client_profiles: null },
    ]);
    expect(await rows('/public/client_profiles?select=industry,clients(name)&client_id=eq.2')).toEqual([
      { industry: 'Software', clients: { name: 'TechStart Inc' } },
    ]);
  });
  it('many-to-many goes through the junction table', async () => {
    expect(await rows('/public/users?select=name,teams(name)&order=id&teams.order=id')).toEqual([
      { name: 'Ann', teams: [{ name: 'Red' }, { name: 'Blue' }] },
      { name: 'Bob', teams: [{ name: 'Blue' }] },
      { name: 'Cid', teams: [] },
    ]);
    expect(await rows('/public/teams?select=name,users(name)&id=eq.2&users.order=name.desc')).toEqual([
      { name: 'Blue', users: [{ name: 'Bob' }, { name: 'Ann' }] },
    ]);
  });
  it('aliases an embed and its columns', async () => {
    expect(await rows('/public/projects?select=title:name,owner:clients(label:name)&id=eq.1')).toEqual([
      { title: 'Website Redesign', owner: { label: 'Acme Corp' } },
    ]);
  });
  it('embeds by foreign-key column', async () => {
    expect(await rows('/public/projects?select=name,client_id(name)&id=eq.4')).toEqual([
      { name: 'API Integration', client_id: { name: 'Global Solutions' } },
    ]);
  });
  it('refuses an ambiguous embed with 300 PGRST201 listing the candidates', async () => {
    const r = await api.get('/public/messages?select=body,users(name)');
    expect(r.status).toBe(300);
    expect(r.json).toEqual({
      code: 'PGRST201',
      message: "Could not embed because more than one relationship was found for 'messages' and 'users'",
      details: [
        {
          cardinality: 'many-to-one',
          embedding: 'messages with users',
          relationship: 'messages_receiver_fkey using messages(receiver_id) and users(id)',
        },
        {
          cardinality: 'many-to-one',
          embedding: 'messages with users',
          relationship: 'messages_sender_fkey using messages(sender_id) and users(id)',
        },
      ],
      hint: "Try changing 'users' to one of the following: 'users!messages_receiver_fkey', 'users!messages_sender_fkey'. Find the desired relationship in the 'details' key.",
    });
  });
  it('disambiguates with a constraint or column hint', async () => {
    expect(await rows('/public/messages?select=body,from:users!messages_sender_fkey(name),to:users!receiver_id(name)&id=eq.1')).toEqual([
      { body: 'hi Bob', from: { name: 'Ann' }, to: { name: 'Bob' } },
    ]);
  });
  it('embeds self-references as PostgREST does: the table name (or a hint) the children, the key column the parent', async () => {
    // The hint names the children's key column: these are the reports, not the manager.
    expect(await rows('/public/employees?select=name,reports:employees!manager_id(name)&order=id&reports.order=id')).toEqual([
      { name: 'Boss', reports: [{ name: 'Dana' }, { name: 'Eli' }] },
      { name: 'Dana', reports: [] },
      { name: 'Eli', reports: [] },
    ]);
    expect(await rows('/public/employees?select=name,employees(name)&id=eq.1&employees.order=id')).toEqual([
      { name: 'Boss', employees: [{ name: 'Dana' }, { name: 'Eli' }] },
    ]);
    expect(await rows('/public/employees?select=name,manager:manager_id(name)&order=id')).toEqual([
      { name: 'Boss', manager: null },
      { name: 'Dana', manager: { name: 'Boss' } },
      { name: 'Eli', manager: { name: 'Boss' } },
    ]);
    const byId = await api.get('/public/employees?select=name,employees!id(name)');
    expect({ status: byId.status, code: (byId.json as { code: string }).code }).toEqual({ status: 400, code: 'PGRST200' });
  });
  it('!inner keeps only parents with matching children; the default keeps all', async () => {
    expect(await rows('/public/clients?select=name,projects!inner(name)&projects.status=eq.completed')).toEqual([
      { name: 'Global Solutions', projects: [{ name: 'API Integration' }] },
    ]);
    expect(await rows('/public/clients?select=name,projects!left(name)&projects.status=eq.completed&order=id')).toEqual([
      { name: 'Acme Corp', projects: [] },
      { name: 'TechStart Inc', projects: [] },
      { name: 'Global Solutions', projects: [{ name: 'API Integration' }] },
    ]);
  });
  it('spreads a to-one embed into the parent', async () => {
    expect(await rows('/public/projects?select=name,...clients(client:name,company)&id=eq.2')).toEqual([
      { name: 'Mobile App Development', client: 'Acme Corp', company: 'Acme Corporation' },
    ]);
  });
  it('keeps spread rows whose columns are null under !inner, and drops parents without a match', async () => {
    // Global Solutions has no phone: its project must stay.
    expect(await rows('/public/projects?select=name,...clients!inner(phone)&client_id=eq.3')).toEqual([
      { name: 'API Integration', phone: null },
    ]);
    expect(await rows('/public/clients?select=id,...client_profiles!inner(industry)&order=id')).toEqual([
      { id: 1, industry: 'Manufacturing' },
      { id: 2, industry: 'Software' },
    ]);
  });
  it('spreads a to-many embed as arrays of its columns, in its order; aggregates inside it are refused', async () => {
    expect(
      await rows('/public/clients?select=name,...projects(project:name,budget)&id=in.(1,2)&order=id&projects.order=budget.desc'),
    ).toEqual([
      { name: 'Acme Corp', project: ['Mobile App Development', 'Website Redesign'], budget: [75000, 25000] },
      { name: 'TechStart Inc', project: ['Database Migration'], budget: [40000] },
    ]);
    expect(await rows('/public/teams?select=name,...users(id)&id=eq.1')).toEqual([{ name: 'Red', id: [1] }]);
    // No children: empty arrays; !inner keeps only parents with some.
    expect(await rows('/public/users?select=name,...teams(team:name)&id=eq.3')).toEqual([{ name: 'Cid', team: [] }]);
    expect(await rows('/public/users?select=id,...teams!inner(team:name)&order=id')).toEqual([
      { id: 1, team: ['Red', 'Blue'] },
      { id: 2, team: ['Blue'] },
    ]);
    const r = await api.get('/public/clients?select=name,...projects(budget.sum())');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      code: 'PGRST127',
      message: 'Feature not implemented',
      details: 'Aggregates are not implemented for one-to-many or many-to-many spreads.',
    });
  });
  it('names an embedded relation <name>_<depth> in column errors, as PostgREST', async () => {
    const r = await api.get('/public/clients?select=name,projects(nam)');
    expect(r.json).toEqual({
      code: '42703',
      details: null,
      hint: 'Perhaps you meant to reference the column "projects_1.name".',
      message: 'column projects_1.nam does not exist',
    });
  });
  it('filters, orders and pages embedded resources', async () => {
    expect(await rows('/public/clients?select=name,projects(name)&id=eq.1&projects.order=name.desc&projects.limit=1')).toEqual([
      { name: 'Acme Corp', projects: [{ name: 'Website Redesign' }] },
    ]);
    expect(await rows('/public/clients?select=name,projects(name)&id=eq.1&projects.order=name&projects.offset=1')).toEqual([
      { name: 'Acme Corp', projects: [{ name: 'Website Redesign' }] },
    ]);
    expect(await rows('/public/clients?select=name,projects(name)&id=eq.1&projects.or=(status.eq.planning,budget.lt.1000)')).toEqual([
      { name: 'Acme Corp', projects: [{ name: 'Mobile App Development' }] },
    ]);
  });
  it('names an aliased embed in filters, order and limit by its alias or its relation', async () => {
    expect(await rows('/public/clients?select=name,work:projects(name)&id=eq.1&work.order=name&work.limit=1')).toEqual([
      { name: 'Acme Corp', work: [{ name: 'Mobile App Development' }] },
    ]);
    expect(await rows('/public/clients?select=name,work:projects(name)&id=eq.1&projects.status=eq.active')).toEqual([
      { name: 'Acme Corp', work: [{ name: 'Website Redesign' }] },
    ]);
  });
  it('filters parents by having children with rel=is.null / not.is.null', async () => {
    // An embed that selects nothing only filters: it is not in the rows.
    expect(await rows('/public/clients?select=name,client_profiles()&client_profiles=is.null')).toEqual([{ name: 'Global Solutions' }]);
    expect(await rows('/public/clients?select=id,projects()&projects=not.is.null&order=id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(await rows('/public/clients?select=id,projects(id)&projects.status=eq.active&projects=not.is.null&order=id')).toEqual([
      { id: 1, projects: [{ id: 1 }] },
      { id: 2, projects: [{ id: 3 }] },
    ]);
  });
  it('allows only is.null / not.is.null on an embedded resource itself (PGRST120)', async () => {
    const r = await api.get('/public/clients?select=name,projects(name)&projects=eq.1');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      code: 'PGRST120',
      message: "Bad operator on the 'projects' embedded resource",
      details: 'Only is null or not is null filters are allowed on embedded resources',
      hint: null,
    });
  });
  it('nests to any depth', async () => {
    expect(
      await rows(
        '/public/clients?select=name,projects(name,tasks(title,projects(clients(name))))&id=eq.2&projects.tasks.order=id&projects.tasks.limit=1',
      ),
    ).toEqual([
      {
        name: 'TechStart Inc',
        projects: [{ name: 'Database Migration', tasks: [{ title: 'Schema analysis', projects: { clients: { name: 'TechStart Inc' } } }] }],
      },
    ]);
  });
  it('follows relationships through views, both ways', async () => {
    expect(await rows('/public/active_projects?select=title,clients(name)&order=id')).toEqual([
      { title: 'Website Redesign', clients: { name: 'Acme Corp' } },
      { title: 'Database Migration', clients: { name: 'TechStart Inc' } },
    ]);
    expect(await rows('/public/clients?select=name,active_projects(title)&id=eq.1')).toEqual([
      { name: 'Acme Corp', active_projects: [{ title: 'Website Redesign' }] },
    ]);
  });
  it('joins on composite keys', async () => {
    expect(await rows('/public/shipments?select=item,shipment_events(what)&order=order_no,line_no&shipment_events.order=id')).toEqual([
      { item: 'bolts', shipment_events: [{ what: 'packed' }, { what: 'shipped' }] },
      { item: 'nuts', shipment_events: [{ what: 'packed' }] },
      { item: 'gears', shipment_events: [] },
    ]);
  });
  it('answers an unknown relationship with PGRST200 and a suggestion', async () => {
    const r = await api.get('/public/clients?select=name,projets(name)');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      code: 'PGRST200',
      message: "Could not find a relationship between 'clients' and 'projets' in the schema cache",
      details: "Searched for a foreign key relationship between 'clients' and 'projets' in the schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'projects' instead of 'projets'.",
    });
  });
  it('refuses embedded parameters for resources not embedded (PGRST108) and to-many related order (PGRST118)', async () => {
    const a = await api.get('/public/clients?select=name&projects.limit=1');
    expect(a.status).toBe(400);
    expect(a.json).toMatchObject({ code: 'PGRST108' });
    const b = await api.get('/public/clients?select=name,projects(name)&order=projects(name)');
    expect(b.status).toBe(400);
    expect(b.json).toMatchObject({ code: 'PGRST118' });
  });
  it('counts the parents, not the embedded rows', async () => {
    const r = await api.get('/public/clients?select=name,projects(name)&limit=1', { Prefer: 'count=exact' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('0-0/3');
  });
  it('counts only the parents an !inner embed or rel=not.is.null keeps', async () => {
    const inner = await api.get('/public/clients?select=name,projects!inner(name)&projects.status=eq.completed', { Prefer: 'count=exact' });
    expect(inner.headers.get('content-range')).toBe('0-0/1');
    const present = await api.get('/public/clients?select=name,client_profiles(industry)&client_profiles=not.is.null&limit=1', {
      Prefer: 'count=exact',
    });
    expect(present.headers.get('content-range')).toBe('0-0/2');
  });
  it('renders embeds in CSV as JSON text', async () => {
    const r = await api.get('/public/clients?select=id,client_profiles(industry)&id=eq.1', { Accept: 'text/csv' });
    expect(r.text).toBe('id,client_profiles\n1,"{""industry"":""Manufacturing""}"');
  });
});

describe('computed fields and relationships (functions over a row)', () => {
  it('selects, filters and orders by a computed field; * leaves it out', async () => {
    expect(await rows('/public/clients?select=id,full_label&full_label=like.*Inc*&order=full_label.desc')).toEqual([
      { id: 2, full_label: 'TechStart Inc (TechStart Incorporated)' },
    ]);
    expect(Object.keys(((await rows('/public/clients?id=eq.1')) as object[])[0]!)).not.toContain('full_label');
  });
  it('embeds a set-returning function as a to-many relationship, ROWS 1 and a row result as to-one', async () => {
    expect(
      await rows('/public/projects?select=name,open_tasks(title),lead_task(title),owner(name)&id=in.(1,3)&order=id&open_tasks.order=id'),
    ).toEqual([
      {
        name: 'Website Redesign',
        open_tasks: [{ title: 'Frontend development' }],
        lead_task: { title: 'Design mockups' },
        owner: { name: 'Acme Corp' },
      },
      {
        name: 'Database Migration',
        open_tasks: [{ title: 'Data migration scripts' }],
        lead_task: { title: 'Schema analysis' },
        owner: { name: 'TechStart Inc' },
      },
    ]);
    // Filtered like any embed, and !inner keeps only parents with a row.
    expect(await rows('/public/projects?select=name,open_tasks!inner(title)&open_tasks.title=like.Data*')).toEqual([
      { name: 'Database Migration', open_tasks: [{ title: 'Data migration scripts' }] },
    ]);
  });
  it('a function named like a table overrides the foreign key to it', async () => {
    // The key would give one shipment (an object); the function gives a set, here empty.
    expect(await rows('/public/shipment_events?select=what,shipments(item)&id=eq.1')).toEqual([{ what: 'packed', shipments: [] }]);
  });
});

describe('embed names as PostgREST resolves them', () => {
  it('a target that names no relationship: 400 PGRST200 with a suggestion', async () => {
    const r = await api.get('/public/projects?select=name,client(name)');
    expect({ status: r.status, body: r.json }).toEqual({
      status: 400,
      body: {
        code: 'PGRST200',
        message: "Could not find a relationship between 'projects' and 'client' in the schema cache",
        details:
          "Searched for a foreign key relationship between 'projects' and 'client' in the schema 'public', but no matches were found.",
        hint: "Perhaps you meant 'clients' instead of 'client'.",
      },
    });
    const hinted = await api.get('/public/projects?select=name,clients!nope(name)');
    expect((hinted.json as { details: string }).details).toBe(
      "Searched for a foreign key relationship between 'projects' and 'clients' using the hint 'nope' in the schema 'public', but no matches were found.",
    );
  });
  it('embeds by the foreign key column or the constraint name', async () => {
    expect(await rows('/public/projects?select=name,client_id(name)&id=eq.3')).toEqual([
      { name: 'Database Migration', client_id: { name: 'TechStart Inc' } },
    ]);
    expect(await rows('/public/projects?select=name,projects_client_id_fkey(name)&id=eq.3')).toEqual([
      { name: 'Database Migration', projects_client_id_fkey: { name: 'TechStart Inc' } },
    ]);
    expect(await rows('/public/messages?select=body,users!sender_id(name)&id=eq.1')).toEqual([{ body: 'hi Bob', users: { name: 'Ann' } }]);
  });
  it('two embeds of one name at one level are an error, as in PostgREST (not a silently dropped key)', async () => {
    const r = await api.get('/public/messages?select=body,users!sender_id(name),users!receiver_id(name)');
    expect({ status: r.status, body: r.json }).toEqual({
      status: 400,
      body: { code: '42712', details: null, hint: null, message: 'table name "messages_users_1" specified more than once' },
    });
  });
});
