import { assertNever } from '../../../../shared/contract/result';
import type { FilterCondition, FilterNode, ReadQuery } from '../../../../shared/dataapi/ast';
import {
  serializeCondition,
  serializeField,
  serializeFilter,
  serializeParams,
  serializeSelect,
} from '../../../../shared/dataapi/serializeQuery';
import type { CountMode } from '../../api/dataApi';
import { readableQuery } from './gridQuery';

export type SnippetKind = 'curl' | 'fetch' | 'postgrest-js' | 'supabase-js';
export const SNIPPET_KINDS: readonly SnippetKind[] = ['curl', 'fetch', 'postgrest-js', 'supabase-js'];

export interface SnippetTarget {
  /** `{baseUrl}/{schema}/{table}` is the table's Data API URL. */
  readonly baseUrl: string;
  readonly schema: string;
  readonly table: string;
  readonly query: ReadQuery;
  readonly count: CountMode | null;
  /** Where the Data API runs: says where `$TOKEN` comes from. */
  readonly where: 'local' | 'cloud';
}

/** The exact Data API URL of the current view. */
export function viewUrl(t: SnippetTarget): string {
  const q = readableQuery(t.query);
  return `${t.baseUrl}/${encodeURIComponent(t.schema)}/${encodeURIComponent(t.table)}${q ? `?${q}` : ''}`;
}

/**
 * The same URL with every query key and value percent-encoded (column names such as `ça va`, quotes,
 * spaces), so a command line or HTTP client sends exactly these bytes. PostgREST's own punctuation
 * (`,` `(` `)` `.` `:` `*` `!`) stays readable: it needs no encoding in a query string.
 */
export function requestUrl(t: SnippetTarget): string {
  const q = serializeParams(t.query)
    .map(([k, v]) => `${strictEncode(k)}=${strictEncode(v)}`)
    .join('&');
  return `${t.baseUrl}/${encodeURIComponent(t.schema)}/${encodeURIComponent(t.table)}${q ? `?${q}` : ''}`;
}

export function strictEncode(text: string): string {
  return encodeURIComponent(text).replace(/%2C/g, ',').replace(/%3A/g, ':');
}

/** Where `$TOKEN` (or `TOKEN`) comes from, shown under the snippet. */
export function tokenHint(where: SnippetTarget['where']): string {
  switch (where) {
    case 'local':
      return (
        'TOKEN is a Data API bearer token whose subject is the role the request runs as. Locally, Pier’s own issuer ' +
        'makes them: start with `npm run serve -- --ready-file ready.json`, then ' +
        `TOKEN=$(node -p "require('./ready.json').tokens['user@example.com']").`
      );
    case 'cloud':
      return (
        'TOKEN is a Databricks OAuth token for your identity: `databricks auth token --host <workspace URL>` ' +
        '(Databricks CLI) prints one, or use a personal access token (Settings → Developer → Access tokens).'
      );
    default:
      return assertNever(where, 'snippet location');
  }
}

/** Code that sends the same request; the token stays a placeholder (secrets never reach the renderer). */
export function codeSnippet(kind: SnippetKind, t: SnippetTarget): string {
  const url = requestUrl(t);
  switch (kind) {
    case 'curl':
      return [
        `curl ${shellQuote(url)}`,
        `  -H "Authorization: Bearer $TOKEN"`,
        ...(t.count ? [`  -H 'Prefer: count=${t.count}'`] : []),
      ].join(' \\\n');
    case 'fetch':
      return [
        `const res = await fetch(${js(url)}, {`,
        `  headers: { Authorization: \`Bearer \${TOKEN}\`${t.count ? `, Prefer: ${js(`count=${t.count}`)}` : ''} },`,
        `});`,
        `const rows = await res.json();`,
      ].join('\n');
    case 'postgrest-js':
      return [
        `import { PostgrestClient } from '@supabase/postgrest-js';`,
        ``,
        `const postgrest = new PostgrestClient(${js(`${t.baseUrl}/${t.schema}`)}, {`,
        `  headers: { Authorization: \`Bearer \${TOKEN}\` },`,
        `});`,
        `const { data, error${t.count ? ', count' : ''} } = await postgrest${builderChain(t)};`,
      ].join('\n');
    case 'supabase-js':
      return [
        `import { createClient } from '@supabase/supabase-js';`,
        ``,
        `// supabase-js calls {url}/rest/v1/{table}; map that onto this Data API's {base}/{schema}/{table}.`,
        `const API = ${js(`${t.baseUrl}/${t.schema}`)};`,
        `const supabase = createClient('https://data-api.invalid', 'unused', {`,
        `  accessToken: async () => TOKEN,`,
        `  global: { fetch: (url, init) => fetch(String(url).replace('https://data-api.invalid/rest/v1', API), init) },`,
        `});`,
        `const { data, error${t.count ? ', count' : ''} } = await supabase${builderChain(t)};`,
      ].join('\n');
    default:
      return assertNever(kind, 'snippet kind');
  }
}

/** `.from(…).select(…).filter(…)…` as postgrest-js and supabase-js spell the same request. */
export function builderChain(t: SnippetTarget): string {
  const calls: string[] = [`.from(${js(t.table)})`];
  const selectArgs = t.query.select ? js(serializeSelect(t.query.select)) : t.count ? `'*'` : '';
  if (selectArgs || t.count) calls.push(`.select(${selectArgs}${t.count ? `, { count: ${js(t.count)} }` : ''})`);
  else calls.push('.select()');
  for (const f of t.query.filters) calls.push(filterCall(f.path, f.node));
  for (const o of t.query.order) {
    for (const term of o.terms) {
      const options: string[] = [];
      if (term.direction === 'desc') options.push('ascending: false');
      if (term.nulls) options.push(`nullsFirst: ${term.nulls === 'first'}`);
      const path = term.relation !== undefined ? [...o.path, term.relation] : o.path;
      if (path.length > 0) options.push(`referencedTable: ${js(path.join('.'))}`);
      calls.push(`.order(${js(serializeField(term.field))}${options.length ? `, { ${options.join(', ')} }` : ''})`);
    }
  }
  for (const p of t.query.paging) {
    const ref = p.path.length > 0 ? `, { referencedTable: ${js(p.path.join('.'))} }` : '';
    if (p.offset !== undefined && p.limit !== undefined) calls.push(`.range(${p.offset}, ${p.offset + p.limit - 1}${ref})`);
    else if (p.limit !== undefined) calls.push(`.limit(${p.limit}${ref})`);
    else if (p.offset !== undefined) calls.push(`.range(${p.offset}, ${Number.MAX_SAFE_INTEGER}${ref})`);
  }
  return calls.map((c) => `\n  ${c}`).join('');
}

export function filterCall(path: readonly string[], node: FilterNode): string {
  if (node.kind === 'condition') {
    const column = [...path, serializeField(node.field)].join('.');
    const head = conditionHead(node);
    return `.filter(${js(column)}, ${js(head)}, ${js(serializeCondition(node).slice(head.length + 1))})`;
  }
  // postgrest-js has only `.or()`: any other group goes inside one, as `or=(and(a,b))` means `and=(a,b)`.
  const plainOr = node.kind === 'or' && !node.negated;
  const [, value] = serializeFilter([], plainOr ? node : { kind: 'or', negated: false, children: [node] });
  const ref = path.length > 0 ? `, { referencedTable: ${js(path.join('.'))} }` : '';
  return `.or(${js(value.slice(1, -1))}${ref})`;
}

/** `not.gte`, `eq(any)`, `fts(english)`: the operator part postgrest-js's `.filter()` takes. */
function conditionHead(c: FilterCondition): string {
  const mod = c.language !== undefined ? `(${c.language})` : c.quantifier ? `(${c.quantifier})` : '';
  return (c.negated ? 'not.' : '') + c.operator + mod;
}

export function js(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
