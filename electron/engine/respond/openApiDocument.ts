/**
 * The OpenAPI 2.0 (Swagger) description PostgREST serves at the schema root, built the way
 * PostgREST builds it: a path per relation the role can reach and per function it may execute,
 * definitions with Swagger types and formats (int32, int64, the Postgres type otherwise), defaults
 * as JSON values, enums, required columns, keys and comments; summaries and descriptions from
 * comments (first line, then the rest), and the document's title from the schema's comment.
 */
import type { Column, Relation, Routine, RoutineParam, SchemaCache } from '../schema-cache/SchemaCache';

export interface RolePrivileges {
  /** The schema's relations the role can reach at all (any table or column privilege, or ownership). */
  readonly relations: readonly { readonly name: string }[];
  readonly routines: readonly string[];
  /** obj_description of the schema, if any. */
  readonly description?: string | null;
}

type Json = Record<string, unknown>;

/** The type as PostgREST names it for Swagger: no length or precision. */
const baseType = (type: string) => type.replace(/\(.*?\)/g, '').trim();

function swaggerType(type: string): string | undefined {
  switch (type) {
    case 'character varying':
    case 'character':
    case 'text':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'smallint':
    case 'integer':
    case 'bigint':
      return 'integer';
    case 'numeric':
    case 'real':
    case 'double precision':
      return 'number';
    case 'json':
    case 'jsonb':
      return undefined;
    default:
      return type.endsWith('[]') ? 'array' : 'string';
  }
}

function swaggerFormat(type: string): string {
  switch (type) {
    case 'smallint':
    case 'integer':
      return 'int32';
    case 'bigint':
      return 'int64';
    default:
      return type;
  }
}

/** type, format and (for arrays) items of a Postgres type. */
function typeAndFormat(fullType: string): Json {
  const t = baseType(fullType);
  const type = swaggerType(t);
  return {
    ...(type !== undefined && { type }),
    format: swaggerFormat(t),
    ...(type === 'array' && { items: { type: swaggerType(t.slice(0, -2)) } }),
  };
}

/**
 * A column default as PostgREST shows it: for string types the literal without its cast and
 * quotes; otherwise the expression when it is a JSON value (a number, true…), else nothing.
 */
function defaultValue(column: Column): { default?: unknown } {
  if (column.default === null) return {};
  const t = baseType(column.type);
  if (swaggerType(t) === 'string') {
    const suffix = `::${t}`;
    const literal = column.default.endsWith(suffix) ? column.default.slice(0, -suffix.length).replace(/^'+|'+$/g, '') : column.default;
    return { default: literal };
  }
  try {
    return { default: JSON.parse(column.default) as unknown };
  } catch {
    return {};
  }
}

/** `first line` → summary, the rest (after blank lines) → description, as PostgREST splits comments. */
function splitComment(comment: string | null): { summary?: string; description?: string } {
  if (comment === null) return {};
  const nl = comment.indexOf('\n');
  if (nl < 0) return { summary: comment };
  const rest = comment.slice(nl).replace(/^\n+/, '');
  return { summary: comment.slice(0, nl), ...(rest !== '' && { description: rest }) };
}

function maxLength(column: Column): { maxLength?: number } {
  const m = /^(?:character varying|character)\((\d+)\)$/.exec(column.type);
  return m ? { maxLength: Number(m[1]) } : {};
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
    const description = notes.length > 0 ? `${c.comment !== null ? `${c.comment}\n\n` : ''}Note:\n${notes.join('\n')}` : c.comment;
    properties[c.name] = {
      ...defaultValue(c),
      ...(description !== null && { description }),
      ...(c.enumValues && { enum: c.enumValues }),
      ...maxLength(c),
      ...typeAndFormat(c.type),
    };
  }
  const required = relation.columns.filter((c) => !c.nullable).map((c) => c.name);
  return {
    ...(relation.comment !== null && { description: relation.comment }),
    ...(required.length > 0 && { required }),
    properties,
    type: 'object',
  };
}

const ref = (name: string) => ({ $ref: `#/parameters/${name}` });

function relationPath(relation: Relation): Json {
  const filters = relation.columns.map((c: Column) => ref(`rowFilter.${relation.name}.${c.name}`));
  const op = { tags: [relation.name], ...splitComment(relation.comment) };
  const path: Json = {
    get: {
      ...op,
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
    },
  };
  // As PostgREST: a relation that takes any write is described with all three.
  const w = relation.writable;
  if (w.insert || w.update || w.delete) {
    const body = ref(`body.${relation.name}`);
    path['post'] = { ...op, parameters: [body, ref('select'), ref('preferPost')], responses: { '201': { description: 'Created' } } };
    path['patch'] = { ...op, parameters: [...filters, body, ref('preferReturn')], responses: { '204': { description: 'No Content' } } };
    path['delete'] = { ...op, parameters: [...filters, ref('preferReturn')], responses: { '204': { description: 'No Content' } } };
  }
  return path;
}

const isInput = (p: RoutineParam) => p.mode === 'i' || p.mode === 'b' || p.mode === 'v';

function routinePath(r: Routine): Json {
  const inputs = r.params.filter(isInput);
  const properties: Json = {};
  for (const p of inputs) properties[p.name] = typeAndFormat(p.type);
  const required = inputs.filter((p) => !p.hasDefault).map((p) => p.name);
  const op = {
    ...splitComment(r.comment),
    tags: ['(rpc) ' + r.name],
    produces: ['application/json', 'application/vnd.pgrst.object+json;nulls=stripped', 'application/vnd.pgrst.object+json'],
    responses: { '200': { description: 'OK' } },
  };
  const path: Json = {
    post: {
      ...op,
      parameters: [
        {
          in: 'body',
          name: 'args',
          required: true,
          schema: {
            ...(r.comment !== null && { description: r.comment }),
            properties,
            ...(required.length > 0 && { required }),
            type: 'object',
          },
        },
        ref('preferParams'),
      ],
    },
  };
  if (r.volatility !== 'volatile') {
    path['get'] = {
      ...op,
      parameters: inputs.map((p) => {
        const t = baseType(p.type);
        const type = swaggerType(t);
        return p.mode === 'v'
          ? {
              in: 'query',
              name: p.name,
              required: !p.hasDefault,
              type: type ?? 'string',
              collectionFormat: 'multi',
              items: { type: swaggerType(t.slice(0, -2)), format: swaggerFormat(t.slice(0, -2)) },
            }
          : {
              in: 'query',
              name: p.name,
              required: !p.hasDefault,
              format: swaggerFormat(t),
              type: type === 'array' || type === undefined ? 'string' : type,
            };
      }),
    };
  }
  return path;
}

const header = (name: string, description: string, extra: Json = {}) => ({
  name,
  description,
  required: false,
  in: 'header',
  type: 'string',
  ...extra,
});
const query = (name: string, description: string) => ({ name, description, required: false, in: 'query', type: 'string' });
const prefer = (values: readonly string[]) => ({
  name: 'Prefer',
  description: 'Preference',
  required: false,
  ...(values.length > 0 && { enum: values }),
  in: 'header',
  type: 'string',
});

const RETURN = ['return=representation', 'return=minimal', 'return=none'];
const COMMON_PARAMETERS: Json = {
  preferParams: prefer([]),
  preferReturn: prefer(RETURN),
  preferCount: prefer(['count=none']),
  preferPost: prefer([...RETURN, 'resolution=ignore-duplicates', 'resolution=merge-duplicates']),
  select: query('select', 'Filtering Columns'),
  on_conflict: query('on_conflict', 'On Conflict'),
  order: query('order', 'Ordering'),
  range: header('Range', 'Limiting and Pagination'),
  rangeUnit: header('Range-Unit', 'Limiting and Pagination', { default: 'items' }),
  offset: query('offset', 'Limiting and Pagination'),
  limit: query('limit', 'Limiting and Pagination'),
};

const MEDIA = ['application/json', 'application/vnd.pgrst.object+json;nulls=stripped', 'application/vnd.pgrst.object+json', 'text/csv'];

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
  const reachable = new Set(may.relations.map((r) => r.name));
  const relations = [...cache.relations.values()]
    .filter((r) => r.schema === schema && reachable.has(r.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const relation of relations) {
    paths[`/${relation.name}`] = relationPath(relation);
    definitions[relation.name] = definition(relation, cache);
    parameters[`body.${relation.name}`] = {
      name: relation.name,
      description: relation.name,
      required: false,
      in: 'body',
      schema: { $ref: `#/definitions/${relation.name}` },
    };
    for (const c of relation.columns) {
      parameters[`rowFilter.${relation.name}.${c.name}`] = {
        name: c.name,
        ...(c.comment !== null && { description: c.comment }),
        required: false,
        in: 'query',
        type: 'string',
      };
    }
  }
  const executable = new Set(may.routines);
  // Overloads share one path; the one with fewest parameters describes it.
  const byName = new Map<string, Routine>();
  for (const r of cache.routines) {
    if (r.schema !== schema || !executable.has(r.name)) continue;
    const seen = byName.get(r.name);
    if (!seen || r.params.filter(isInput).length < seen.params.filter(isInput).length) byName.set(r.name, r);
  }
  for (const name of [...byName.keys()].sort()) paths[`/rpc/${name}`] = routinePath(byName.get(name)!);
  // The schema's comment: its first line is the title, the rest (blank lines dropped) the description.
  const comment = may.description ?? null;
  const nl = comment === null ? -1 : comment.indexOf('\n');
  return {
    swagger: '2.0',
    info: {
      description: comment === null ? 'This is a dynamic API generated by PostgREST' : nl < 0 ? '' : comment.slice(nl).replace(/^\n+/, ''),
      title: comment === null ? 'PostgREST API' : nl < 0 ? comment : comment.slice(0, nl),
      version: 'Pier',
    },
    externalDocs: { description: 'PostgREST Documentation', url: 'https://postgrest.org/en/stable/references/api.html' },
    basePath: '/',
    schemes: ['http'],
    consumes: MEDIA,
    produces: MEDIA,
    paths,
    definitions,
    parameters,
  };
}
