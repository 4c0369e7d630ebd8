/**
 * The OpenAPI 2.0 (Swagger) description PostgREST serves at the schema root: a path per
 * relation and function, definitions with column types, keys and comments, and row-filter
 * parameters. Built from the schema cache, narrowed to what the caller's role may use.
 */
import type { Column, Relation, Routine, SchemaCache } from '../schema-cache/SchemaCache';

export interface RolePrivileges {
  readonly relations: readonly {
    readonly name: string;
    readonly select: boolean;
    readonly insert: boolean;
    readonly update: boolean;
    readonly delete: boolean;
  }[];
  readonly routines: readonly string[];
}

type Json = Record<string, unknown>;

/** Postgres type → Swagger type/format, as PostgREST maps them. */
function swaggerType(c: { readonly type: string; readonly typeName?: string }): Json {
  const t = c.type.replace(/\(.*\)/, '').trim();
  if (t.endsWith('[]')) return { type: 'array', items: swaggerType({ type: t.slice(0, -2) }), format: c.type };
  switch (t) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return { type: 'integer', format: t };
    case 'numeric':
    case 'real':
    case 'double precision':
      return { type: 'number', format: t };
    case 'boolean':
      return { type: 'boolean', format: t };
    case 'json':
    case 'jsonb':
      return { format: t };
    default:
      return { type: 'string', format: c.type };
  }
}

function definition(relation: Relation, cache: SchemaCache): Json {
  const properties: Json = {};
  for (const c of relation.columns) {
    const notes: string[] = [];
    if (relation.primaryKey.includes(c.name)) notes.push('This is a Primary Key.<pk/>');
    const fk = cache.foreignKeys.find(
      (f) => f.table.schema === relation.schema && f.table.name === relation.name && f.columns.length === 1 && f.columns[0] === c.name,
    );
    if (fk)
      notes.push(
        `This is a Foreign Key to \`${fk.references.name}.${fk.referencedColumns[0]}\`.<fk table='${fk.references.name}' column='${fk.referencedColumns[0]}'/>`,
      );
    const description = [c.comment, notes.length > 0 ? `Note:\n${notes.join('\n')}` : null].filter((x) => x).join('\n\n');
    properties[c.name] = {
      ...swaggerType(c),
      ...(c.default !== null && { default: c.default }),
      ...(description !== '' && { description }),
    };
  }
  const required = relation.columns.filter((c) => !c.nullable && c.default === null).map((c) => c.name);
  return {
    ...(relation.comment && { description: relation.comment }),
    ...(required.length > 0 && { required }),
    properties,
    type: 'object',
  };
}

const ref = (name: string) => ({ $ref: `#/parameters/${name}` });

function relationPath(relation: Relation, may: RolePrivileges['relations'][number]): Json {
  const filters = relation.columns.map((c: Column) => ref(`rowFilter.${relation.name}.${c.name}`));
  const tags = [relation.name];
  const path: Json = {};
  if (may.select) {
    path['get'] = {
      tags,
      ...(relation.comment && { summary: relation.comment }),
      parameters: [
        ...filters,
        ref('select'),
        ref('order'),
        ref('range'),
        ref('rangeUnit'),
        ref('offset'),
        ref('limit'),
        ref('preferCount'),
      ],
      responses: {
        '200': { description: 'OK', schema: { type: 'array', items: { $ref: `#/definitions/${relation.name}` } } },
        '206': { description: 'Partial Content' },
      },
    };
  }
  const body = { $ref: `#/parameters/body.${relation.name}` };
  if (may.insert)
    path['post'] = { tags, parameters: [body, ref('select'), ref('preferPost')], responses: { '201': { description: 'Created' } } };
  if (may.update)
    path['patch'] = { tags, parameters: [...filters, body, ref('preferReturn')], responses: { '204': { description: 'No Content' } } };
  if (may.delete)
    path['delete'] = { tags, parameters: [...filters, ref('preferReturn')], responses: { '204': { description: 'No Content' } } };
  return path;
}

function routinePath(routines: readonly Routine[]): Json {
  const r = routines[0]!;
  const inputs = r.params.filter((p) => (p.mode === 'i' || p.mode === 'b' || p.mode === 'v') && p.name !== '');
  const properties: Json = {};
  for (const p of inputs) properties[p.name] = swaggerType(p);
  const required = inputs.filter((p) => !p.hasDefault).map((p) => p.name);
  const tags = ['(rpc) ' + r.name];
  const path: Json = {
    post: {
      tags,
      ...(r.comment && { summary: r.comment }),
      parameters: [
        { in: 'body', name: 'args', required: true, schema: { type: 'object', properties, ...(required.length > 0 && { required }) } },
        ref('preferParams'),
      ],
      produces: ['application/json', 'application/vnd.pgrst.object+json'],
      responses: { '200': { description: 'OK' } },
    },
  };
  if (r.volatility !== 'volatile') {
    path['get'] = {
      tags,
      parameters: inputs.map((p) => ({ in: 'query', name: p.name, required: !p.hasDefault, ...swaggerType(p) })),
      responses: { '200': { description: 'OK' } },
    };
  }
  return path;
}

const COMMON_PARAMETERS: Json = {
  select: { name: 'select', description: 'Filtering Columns', required: false, in: 'query', type: 'string' },
  order: { name: 'order', description: 'Ordering', required: false, in: 'query', type: 'string' },
  range: { name: 'Range', description: 'Limiting and Pagination', required: false, in: 'header', type: 'string' },
  rangeUnit: {
    name: 'Range-Unit',
    description: 'Limiting and Pagination',
    required: false,
    default: 'items',
    in: 'header',
    type: 'string',
  },
  offset: { name: 'offset', description: 'Limiting and Pagination', required: false, in: 'query', type: 'string' },
  limit: { name: 'limit', description: 'Limiting and Pagination', required: false, in: 'query', type: 'string' },
  preferParams: {
    name: 'Prefer',
    description: 'Preference',
    required: false,
    enum: ['params=single-object'],
    in: 'header',
    type: 'string',
  },
  preferReturn: {
    name: 'Prefer',
    description: 'Preference',
    required: false,
    enum: ['return=representation', 'return=minimal', 'return=none'],
    in: 'header',
    type: 'string',
  },
  preferCount: { name: 'Prefer', description: 'Preference', required: false, enum: ['count=none'], in: 'header', type: 'string' },
  preferPost: {
    name: 'Prefer',
    description: 'Preference',
    required: false,
    enum: ['return=representation', 'return=minimal', 'return=none', 'resolution=ignore-duplicates', 'resolution=merge-duplicates'],
    in: 'header',
    type: 'string',
  },
};

export function openApiDocument(cache: SchemaCache, schema: string, may: RolePrivileges): Json {
  const paths: Json = {
    '/': {
      get: {
        tags: ['Introspection'],
        summary: 'OpenAPI description (this document)',
        produces: ['application/openapi+json', 'application/json'],
        responses: { '200': { description: 'OK' } },
      },
    },
  };
  const definitions: Json = {};
  const parameters: Json = { ...COMMON_PARAMETERS };
  const allowed = new Map(may.relations.map((r) => [r.name, r]));
  const relations = [...cache.relations.values()]
    .filter((r) => r.schema === schema && allowed.has(r.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const relation of relations) {
    const privileges = allowed.get(relation.name)!;
    if (!privileges.select && !privileges.insert && !privileges.update && !privileges.delete) continue;
    paths[`/${relation.name}`] = relationPath(relation, privileges);
    definitions[relation.name] = definition(relation, cache);
    parameters[`body.${relation.name}`] = {
      name: relation.name,
      description: relation.name,
      required: false,
      in: 'body',
      schema: { $ref: `#/definitions/${relation.name}` },
    };
    for (const c of relation.columns) {
      parameters[`rowFilter.${relation.name}.${c.name}`] = { name: c.name, required: false, format: c.type, in: 'query', type: 'string' };
    }
  }
  const executable = new Set(may.routines);
  const byName = new Map<string, Routine[]>();
  for (const r of cache.routines) if (r.schema === schema && executable.has(r.name)) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  for (const name of [...byName.keys()].sort()) paths[`/rpc/${name}`] = routinePath(byName.get(name)!);
  return {
    swagger: '2.0',
    info: {
      description: `Data API for the ${schema} schema, served by Pier (PostgREST-compatible).`,
      title: 'Pier Data API',
      version: '1.0',
    },
    basePath: '/',
    schemes: ['http'],
    consumes: ['application/json', 'application/vnd.pgrst.object+json;nulls=stripped', 'application/vnd.pgrst.object+json', 'text/csv'],
    produces: ['application/json', 'application/vnd.pgrst.object+json;nulls=stripped', 'application/vnd.pgrst.object+json', 'text/csv'],
    paths,
    definitions,
    parameters,
    externalDocs: { description: 'PostgREST Documentation', url: 'https://postgrest.org/en/stable/references/api.html' },
  };
}
