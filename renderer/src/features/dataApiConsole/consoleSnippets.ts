import { assertNever } from '../../../../shared/contract/result';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { parseQuery, splitQueryString } from '../../../../shared/dataapi/parseQuery';
import { serializeSelect } from '../../../../shared/dataapi/serializeQuery';
import { builderChain, filterCall, js, shellQuote, strictEncode } from '../grid/codeSnippets';
import { hasBody, sentHeaders, splitTarget, type ConsoleRequest } from './consoleRequest';

export type ConsoleSnippetKind = 'curl' | 'fetch' | 'postgrest-js';
export const CONSOLE_SNIPPET_KINDS: readonly ConsoleSnippetKind[] = ['curl', 'fetch', 'postgrest-js'];

/**
 * The request's URL with every path segment and query key and value percent-encoded (non-ASCII
 * column names, spaces, quotes), so curl or fetch sends exactly these bytes; PostgREST's own
 * punctuation stays readable (see strictEncode).
 */
export function consoleUrl(baseUrl: string, r: ConsoleRequest): string {
  const { path, rawQuery } = splitTarget(r.target);
  const q = splitQueryString(rawQuery)
    .map(([k, v]) => `${strictEncode(k)}=${strictEncode(v)}`)
    .join('&');
  return `${baseUrl}${path === '/' ? '' : path}${q ? `?${q}` : ''}`;
}

/** The headers a copied request sends: the editor's, the JSON Content-Type a body implies, and the token. */
function snippetHeaders(r: ConsoleRequest): [string, string][] {
  const headers = Object.entries(sentHeaders(r.headers));
  if (sendsBody(r) && !headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
  return headers;
}

function sendsBody(r: ConsoleRequest): boolean {
  return hasBody(r.method) && r.body.trim() !== '';
}

/** Code that sends the same request as the token's identity; the token stays `$TOKEN` (secrets never reach the renderer). */
export function consoleSnippet(kind: ConsoleSnippetKind, baseUrl: string, r: ConsoleRequest): string {
  const url = consoleUrl(baseUrl, r);
  const headers = snippetHeaders(r);
  switch (kind) {
    case 'curl':
      return [
        ['curl', ...(r.method === 'HEAD' ? ['--head'] : r.method === 'GET' ? [] : ['-X', r.method]), shellQuote(url)].join(' '),
        `  -H "Authorization: Bearer $TOKEN"`,
        ...headers.map(([k, v]) => `  -H ${shellQuote(`${k}: ${v}`)}`),
        ...(sendsBody(r) ? [`  --data-raw ${shellQuote(r.body)}`] : []),
      ].join(' \\\n');
    case 'fetch': {
      const headerLines = [`Authorization: \`Bearer \${TOKEN}\``, ...headers.map(([k, v]) => `${js(k)}: ${js(v)}`)];
      return [
        `const res = await fetch(${js(url)}, {`,
        ...(r.method !== 'GET' ? [`  method: ${js(r.method)},`] : []),
        `  headers: {`,
        ...headerLines.map((l) => `    ${l},`),
        `  },`,
        ...(sendsBody(r) ? [`  body: ${js(r.body)},`] : []),
        `});`,
        r.method === 'HEAD' ? `console.log(res.status, res.headers.get('content-range'));` : `const body = await res.text();`,
      ].join('\n');
    }
    case 'postgrest-js':
      return postgrestJs(baseUrl, r);
    default:
      return assertNever(kind, 'console snippet kind');
  }
}

/**
 * The same request in postgrest-js's builder where it has one (reads, insert/upsert, update,
 * delete, rpc); headers it has no builder call for are passed with `.setHeader`, so nothing the
 * console sends is dropped from the copy.
 */
function postgrestJs(baseUrl: string, r: ConsoleRequest): string {
  const { path, rawQuery } = splitTarget(r.target);
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  const [schema = 'public', second, third] = segments;
  const rpc = second === 'rpc' ? third : undefined;
  const table = second !== 'rpc' ? second : undefined;
  const header = (name: string) => snippetHeaders(r).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const prefer = (header('Prefer') ?? '').split(',').map((p) => p.trim());
  const count = prefer.find((p) => p.startsWith('count='))?.slice('count='.length);
  const intro = [
    `import { PostgrestClient } from '@supabase/postgrest-js';`,
    ``,
    `const postgrest = new PostgrestClient(${js(`${baseUrl}/${schema}`)}, {`,
    `  headers: { Authorization: \`Bearer \${TOKEN}\` },`,
    `});`,
  ];
  const parsed = parseQuery(rawQuery, rpc !== undefined ? 'functionRead' : 'relation');
  if (!parsed.ok || (!rpc && !table)) {
    return [...intro, `// postgrest-js has no builder call for this request as written; the fetch snippet sends it exactly.`].join('\n');
  }
  const query: ReadQuery = parsed.value;
  const body = sendsBody(r) ? r.body.trim() : undefined;
  let chain: string;
  if (rpc !== undefined) {
    const options = [
      ...(r.method === 'GET' ? ['get: true'] : []),
      ...(r.method === 'HEAD' ? ['head: true'] : []),
      ...(count ? [`count: ${js(count)}`] : []),
    ];
    const args = body ?? (r.method === 'GET' || r.method === 'HEAD' ? argsOf(query) : '{}');
    chain = `\n  .rpc(${js(rpc)}, ${args}${options.length ? `, { ${options.join(', ')} }` : ''})${readTail(query)}`;
  } else {
    const t = { baseUrl, schema, table: table!, query, count: (count as 'exact' | 'planned' | 'estimated' | undefined) ?? null };
    switch (r.method) {
      case 'GET':
        chain = builderChain({ ...t, where: 'local' });
        break;
      case 'HEAD':
        chain = `\n  .from(${js(table!)})\n  .select(${js(query.select ? serializeSelect(query.select) : '*')}, { head: true${count ? `, count: ${js(count)}` : ''} })${filters(query)}`;
        break;
      case 'POST':
      case 'PUT': {
        const upsert = r.method === 'PUT' || prefer.some((p) => p.startsWith('resolution='));
        const options = prefer.includes('resolution=ignore-duplicates') ? ', { ignoreDuplicates: true }' : '';
        chain = `\n  .from(${js(table!)})\n  .${upsert ? 'upsert' : 'insert'}(${body ?? '{}'}${options})${filters(query)}${returning(prefer, query)}`;
        break;
      }
      case 'PATCH':
        chain = `\n  .from(${js(table!)})\n  .update(${body ?? '{}'})${filters(query)}${returning(prefer, query)}`;
        break;
      case 'DELETE':
        chain = `\n  .from(${js(table!)})\n  .delete()${filters(query)}${returning(prefer, query)}`;
        break;
      default:
        return assertNever(r.method, 'method');
    }
  }
  const extra = snippetHeaders(r).filter(([k]) => !['prefer', 'content-type'].includes(k.toLowerCase()));
  const setHeaders = extra.map(([k, v]) => `\n  .setHeader(${js(k)}, ${js(v)})`).join('');
  return [...intro, `const { data, error${count ? ', count' : ''} } = await postgrest${chain}${setHeaders};`].join('\n');
}

/** `.select(…)` after a write: postgrest-js asks for the representation that way. */
function returning(prefer: readonly string[], query: ReadQuery): string {
  if (!prefer.includes('return=representation')) return '';
  return `\n  .select(${query.select ? js(serializeSelect(query.select)) : ''})`;
}

function readTail(query: ReadQuery): string {
  const chain = builderChain({ baseUrl: '', schema: '', table: '', query, count: null, where: 'local' });
  // Drop the `.from('').select()` the chain starts with: an rpc's result is filtered the same way.
  return chain
    .split('\n')
    .slice(query.select ? 2 : 3)
    .map((l) => `\n${l}`)
    .join('');
}

function filters(query: ReadQuery): string {
  return query.filters.map((f) => `\n  ${filterCall(f.path, f.node)}`).join('');
}

/** A GET rpc's arguments: the parameters that are no operator expression (parseQuery's `params`). */
function argsOf(query: ReadQuery): string {
  const pairs = query.params ?? [];
  return pairs.length ? `{ ${pairs.map(([k, v]) => `${js(k)}: ${js(v)}`).join(', ')} }` : '{}';
}
