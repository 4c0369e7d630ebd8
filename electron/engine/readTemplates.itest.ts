import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { planRequest } from './plan/planRequest';
import { parseRequest } from './request/parseRequest';
import { ReadTemplates, requestShape } from './ReadTemplates';
import type { SchemaCache } from './schema-cache/SchemaCache';
import { buildQuery } from './sql/buildQuery';
import type { SqlQuery } from './sql/SqlQuery';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

let url: string;
/** Remembers read shapes (the default). */
let remembering: EngineServer;
/** Plans every request afresh: the reference. */
let planning: EngineServer;
let cache: SchemaCache;

beforeAll(async () => {
  url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_read_templates', await fixtureSql());
  remembering = await startEngineServer(url);
  planning = await startEngineServer(url, { rememberReadShapes: false });
  cache = (await remembering.engine.schemaCache())!;
});
afterAll(async () => {
  await remembering?.close();
  await planning?.close();
});

const input = (path: string, rawQuery: string, headers: Record<string, string> = {}) => ({ method: 'GET', path, rawQuery, headers });

/** Plans a GET the ordinary way. */
function planned(
  path: string,
  rawQuery: string,
  headers: Record<string, string> = {},
): { plan: ReturnType<typeof planRequest>; sql: SqlQuery | undefined } {
  const parsed = parseRequest(input(path, rawQuery, headers));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const plan = planRequest(parsed.value, cache);
  return { plan, sql: plan.ok ? buildQuery(plan.value) : undefined };
}

function learnFrom(templates: ReadTemplates, path: string, rawQuery: string, headers: Record<string, string> = {}): void {
  const { plan, sql } = planned(path, rawQuery, headers);
  if (!plan.ok || plan.value.kind !== 'read' || !sql) throw new Error('not a read');
  templates.learn(cache, requestShape(input(path, rawQuery, headers)), plan.value, sql, (marked) => planned(path, marked, headers).sql);
}

describe('a remembered read shape', () => {
  it('gives the SQL the planner writes for the new values', () => {
    const templates = new ReadTemplates();
    const path = '/public/clients';
    learnFrom(templates, path, 'select=id,name,projects(id,tasks(title))&id=eq.1&projects.status=neq.done');
    const next = 'select=id,name,projects(id,tasks(title))&id=eq.3&projects.status=neq.it%27s';
    const found = templates.find(cache, requestShape(input(path, next)));
    expect(found?.sql).toEqual(planned(path, next).sql);
    // Another select is another shape.
    expect(templates.find(cache, requestShape(input(path, 'select=id&id=eq.3')))).toBeUndefined();
  });

  it('keeps headers that change the plan in the shape', () => {
    const templates = new ReadTemplates();
    learnFrom(templates, '/public/clients', 'id=eq.1', { prefer: 'count=exact' });
    expect(templates.find(cache, requestShape(input('/public/clients', 'id=eq.2')))).toBeUndefined();
    const found = templates.find(cache, requestShape(input('/public/clients', 'id=eq.2', { prefer: 'count=exact' })));
    expect(found?.sql).toEqual(planned('/public/clients', 'id=eq.2', { prefer: 'count=exact' }).sql);
  });

  it('never stands in for values that change the SQL or are rewritten', () => {
    const templates = new ReadTemplates();
    // like rewrites * to %; is, in and quantified comparisons are not plain values: all stay in the shape.
    const pairs = [
      ['name=like.A*', 'name=like.B*'],
      ['phone=is.null', 'phone=is.not_null'],
      ['id=in.(1,2)', 'id=in.(2,3)'],
      ['id=eq(any).{1,2}', 'id=eq(any).{2,3}'],
    ];
    for (const [learned, other] of pairs) {
      learnFrom(templates, '/public/clients', learned!);
      expect(templates.find(cache, requestShape(input('/public/clients', learned!)))).toBeDefined();
      expect(templates.find(cache, requestShape(input('/public/clients', other!)))).toBeUndefined();
    }
  });

  it('is proven with a marker, so a value that looks like the marker still works', () => {
    const templates = new ReadTemplates();
    learnFrom(templates, '/public/clients', 'name=eq.PierShapeValue0x');
    const found = templates.find(cache, requestShape(input('/public/clients', 'name=eq.Acme%20Corp')));
    expect(found?.sql).toEqual(planned('/public/clients', 'name=eq.Acme%20Corp').sql);
  });
});

const SHAPES: readonly ((v: string) => string)[] = [
  (v) => `/public/clients?id=eq.${v}`,
  (v) => `/public/clients?select=id,name,projects(id,name,tasks(id,title,status))&id=eq.${v}`,
  (v) => `/public/clients?name=neq.${v}&order=id&limit=2`,
  (v) => `/public/projects?select=id,name,clients!inner(name)&clients.name=eq.${v}`,
  (v) => `/public/clients?id=not.gt.${v}&order=id.desc`,
  (v) => `/public/clients?name=like.${v}*`,
  (v) => `/public/tasks?select=title&estimated_hours=gte.${v}&order=id`,
  (v) => `/public/tasks?select=title&status=neq.${v}&priority=eq.high&order=id`,
  (v) => `/public/tasks?select=title&priority=neq.${v}&status=eq.${v}`,
];

const values = fc.oneof(
  fc.constantFrom(
    '1',
    '2',
    '3',
    '40',
    '-1',
    '2.5',
    'high',
    'completed',
    'Acme Corp',
    'TechStart Inc',
    "O'Brien",
    'PierShapeValue0x',
    '',
    'null',
    'é漢字',
    '1,2',
    '(1)',
  ),
  fc.string({ maxLength: 12 }),
);

describe('the engine with remembered shapes answers as the engine without', () => {
  it('for any sequence of reads of the same shapes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(SHAPES.length - 1), values), { minLength: 4, maxLength: 12 }), async (requests) => {
        for (const [shape, value] of requests) {
          const target = SHAPES[shape]!(encodeURIComponent(value));
          const [a, b] = await Promise.all([remembering.get(target), planning.get(target)]);
          expect({ target, status: a.status, body: a.text, range: a.headers.get('content-range') }).toEqual({
            target,
            status: b.status,
            body: b.text,
            range: b.headers.get('content-range'),
          });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('after the schema changes', async () => {
    expect((await remembering.get('/public/clients?select=id,phone&id=eq.1')).json).toEqual([{ id: 1, phone: '+1-555-0101' }]);
    const admin = new (await import('pg')).default.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE clients RENAME COLUMN phone TO telephone');
      await remembering.engine.reloadSchema();
      const r = await remembering.get('/public/clients?select=id,phone&id=eq.2');
      expect(r.status).toBe(400);
      expect((await remembering.get('/public/clients?select=id,telephone&id=eq.2')).json).toEqual([{ id: 2, telephone: '+1-555-0102' }]);
    } finally {
      await admin.query('ALTER TABLE clients RENAME COLUMN telephone TO phone');
      await admin.end();
      await remembering.engine.reloadSchema();
      await planning.engine.reloadSchema();
    }
  });
});
