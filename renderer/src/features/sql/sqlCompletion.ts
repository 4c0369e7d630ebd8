import { assertNever } from '../../../../shared/contract/result';
import type { SqlCatalog } from '../../../../shared/contract/sql';
import type { CompletionEntry } from '../../ui/codeEditor/CodeEditor';

/**
 * Completion that knows where the cursor is. Statements are split and classified by PostgreSQL's
 * parser in main, but completion runs on every keystroke over text that does not parse yet
 * (`SELECT * FROM cl`), so it reads tokens itself: enough to tell what comes after FROM or
 * JOIN, which relation an alias names, and what was typed last. Nothing here decides what runs.
 */

export type CompletionContext =
  /** After FROM, JOIN, INTO, UPDATE, TABLE (and a comma in a FROM list): relations. */
  | { kind: 'relation'; schema: string | null }
  /** After `qualifier.`: the columns of the relation it names (an alias or a table). */
  | { kind: 'column'; relation: RelationRef }
  /** Anywhere else: keywords, the columns of the relations in the statement, relations, functions. */
  | { kind: 'general'; inScope: RelationRef[] };

export interface RelationRef {
  readonly schema: string | null;
  readonly name: string;
  readonly alias: string | null;
}

interface Token {
  readonly kind: 'word' | 'quoted' | 'punct';
  readonly text: string;
  /** Unquoted, folded the way Postgres folds it (lower case unless quoted). */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** Tokens of SQL text, skipping strings and comments (which never hold names to complete). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      // Comments nest in PostgreSQL.
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'" || ((c === 'E' || c === 'e') && text[i + 1] === "'")) {
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      while (i < text.length) {
        if (escapes && text[i] === '\\') i += 2;
        else if (text[i] === "'" && text[i + 1] === "'") i += 2;
        else if (text[i] === "'") break;
        else i++;
      }
      i++;
    } else if (c === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(text.slice(i, i + 64))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64))![0];
      const close = text.indexOf(tag, i + tag.length);
      i = close < 0 ? text.length : close + tag.length;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length) {
        if (text[j] === '"' && text[j + 1] === '"') {
          value += '"';
          j += 2;
        } else if (text[j] === '"') break;
        else value += text[j++];
      }
      out.push({ kind: 'quoted', text: text.slice(i, j + 1), value, start: i, end: Math.min(j + 1, text.length) });
      i = j + 1;
    } else if (/[\p{L}_]/u.test(c)) {
      const m = /^[\p{L}\p{N}_$]+/u.exec(text.slice(i))![0];
      out.push({ kind: 'word', text: m, value: m.toLowerCase(), start: i, end: i + m.length });
      i += m.length;
    } else {
      out.push({ kind: 'punct', text: c, value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return out;
}

const RELATION_AFTER = new Set(['from', 'join', 'into', 'update', 'table']);
/** Words that end a FROM list or cannot be an alias. */
const CLAUSE_WORDS = new Set([
  'where',
  'group',
  'order',
  'having',
  'limit',
  'offset',
  'on',
  'using',
  'join',
  'left',
  'right',
  'inner',
  'outer',
  'full',
  'cross',
  'natural',
  'lateral',
  'union',
  'intersect',
  'except',
  'window',
  'for',
  'set',
  'values',
  'returning',
  'select',
  'from',
  'as',
  'fetch',
  'default',
]);

/** The statement around `offset`: between the semicolons (outside strings and comments) before and after it. */
function statementTokens(tokens: Token[], offset: number): Token[] {
  let from = 0;
  let to = tokens.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct' || t.text !== ';') continue;
    if (t.end <= offset) from = i + 1;
    else {
      to = i;
      break;
    }
  }
  return tokens.slice(from, to);
}

/** The relations a statement reads or writes, with their aliases: `FROM clients c JOIN public.projects AS p`. */
export function relationsInScope(tokens: Token[]): RelationRef[] {
  const out: RelationRef[] = [];
  let inFromList = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const word = t.kind === 'word' ? t.value : null;
    const startsRelation = (word !== null && RELATION_AFTER.has(word)) || (inFromList && t.text === ',');
    if (word === 'from' || word === 'join' || word === 'update' || word === 'into') inFromList = word === 'from';
    else if (word !== null && CLAUSE_WORDS.has(word)) inFromList = false;
    if (!startsRelation) continue;
    const first = tokens[i + 1];
    if (!first || first.kind === 'punct') continue;
    let schema: string | null = null;
    let name = first.value;
    let j = i + 2;
    if (tokens[j]?.text === '.' && tokens[j + 1] && tokens[j + 1]!.kind !== 'punct') {
      schema = name;
      name = tokens[j + 1]!.value;
      j += 2;
    }
    if (tokens[j]?.kind === 'word' && tokens[j]!.value === 'as') j++;
    const aliasTok = tokens[j];
    const alias =
      aliasTok && (aliasTok.kind === 'quoted' || (aliasTok.kind === 'word' && !CLAUSE_WORDS.has(aliasTok.value))) ? aliasTok.value : null;
    out.push({ schema, name, alias });
  }
  return out;
}

/** What the cursor at `offset` is completing. */
export function completionContext(text: string, offset: number): CompletionContext {
  const statement = statementTokens(tokenize(text), offset);
  const before = statement.filter((t) => t.end <= offset);
  // The word being typed (touching the cursor) is not context.
  const last = before[before.length - 1];
  const typing = last && last.kind !== 'punct' && last.end === offset ? 1 : 0;
  const prev = before[before.length - 1 - typing];
  const inScope = relationsInScope(statement);
  if (prev?.text === '.') {
    const qualifier = before[before.length - 2 - typing];
    if (qualifier && qualifier.kind !== 'punct') {
      const q = qualifier.value;
      const twoBack = before[before.length - 3 - typing];
      const prevWord = before[before.length - 4 - typing];
      // `FROM schema.` lists the schema's relations.
      if (twoBack && twoBack.kind === 'word' && RELATION_AFTER.has(twoBack.value)) return { kind: 'relation', schema: q };
      if (prevWord === undefined && twoBack?.text === ',') return { kind: 'relation', schema: q };
      const byAlias = inScope.find((r) => r.alias === q) ?? inScope.find((r) => r.alias === null && r.name === q);
      return { kind: 'column', relation: byAlias ?? { schema: null, name: q, alias: null } };
    }
  }
  if (prev?.kind === 'word' && RELATION_AFTER.has(prev.value)) return { kind: 'relation', schema: null };
  if (prev?.text === ',') {
    // A comma in a FROM list (the last clause word before it is FROM).
    const clause = [...before.slice(0, before.length - 1 - typing)]
      .reverse()
      .find((t) => t.kind === 'word' && (CLAUSE_WORDS.has(t.value) || RELATION_AFTER.has(t.value)));
    if (clause?.value === 'from') return { kind: 'relation', schema: null };
  }
  return { kind: 'general', inScope };
}

export const SQL_KEYWORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS NULL',
  'IS NOT NULL',
  'LIKE',
  'ILIKE',
  'BETWEEN',
  'EXISTS',
  'JOIN',
  'LEFT JOIN',
  'INNER JOIN',
  'ON',
  'USING',
  'GROUP BY',
  'ORDER BY',
  'HAVING',
  'LIMIT',
  'OFFSET',
  'DISTINCT',
  'AS',
  'ASC',
  'DESC',
  'NULLS LAST',
  'UNION ALL',
  'WITH',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'INSERT INTO',
  'VALUES',
  'RETURNING',
  'UPDATE',
  'SET',
  'DELETE FROM',
  'CREATE TABLE',
  'ALTER TABLE',
  'DROP TABLE',
  'EXPLAIN',
  'current_user',
];

/** Postgres needs quotes for names that are not all lower-case letters, digits and underscores, or are keywords. */
export function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
const RESERVED = new Set([
  'select',
  'from',
  'where',
  'table',
  'user',
  'order',
  'group',
  'limit',
  'offset',
  'join',
  'on',
  'and',
  'or',
  'not',
  'all',
  'as',
  'to',
  'with',
  'end',
  'case',
]);

/** The entries to offer at `offset`, most likely first. */
export function completionsAt(text: string, offset: number, catalog: SqlCatalog | undefined): CompletionEntry[] {
  const ctx = completionContext(text, offset);
  const relations = catalog?.relations ?? [];
  const relationEntry = (r: SqlCatalog['relations'][number], qualify: boolean): CompletionEntry => {
    const name = qualify && r.schema !== 'public' ? `${quoteIdentifier(r.schema)}.${quoteIdentifier(r.name)}` : quoteIdentifier(r.name);
    return { label: name, kind: 'table', detail: `${r.schema} · ${KIND_WORD[r.kind] ?? r.kind}`, insertText: name };
  };
  const find = (ref: RelationRef) =>
    relations.find((r) => r.name === ref.name && (ref.schema === null ? r.schema === 'public' : r.schema === ref.schema)) ??
    relations.find((r) => r.name === ref.name);
  switch (ctx.kind) {
    case 'relation':
      return ctx.schema === null
        ? relations.map((r) => relationEntry(r, true))
        : relations.filter((r) => r.schema === ctx.schema).map((r) => relationEntry(r, false));
    case 'column': {
      const rel = find(ctx.relation);
      if (rel) return rel.columns.map((c) => ({ label: quoteIdentifier(c.name), kind: 'column', detail: `${rel.name} · ${c.type}` }));
      // Not a relation: perhaps a schema (`SELECT public.`).
      return relations.filter((r) => r.schema === ctx.relation.name).map((r) => relationEntry(r, false));
    }
    case 'general': {
      const out: CompletionEntry[] = [];
      const seen = new Set<string>();
      for (const ref of ctx.inScope) {
        const rel = find(ref);
        if (!rel) continue;
        for (const c of rel.columns) {
          const label = quoteIdentifier(c.name);
          if (seen.has(label)) continue;
          seen.add(label);
          out.push({ label, kind: 'column', detail: `${ref.alias ?? rel.name} · ${c.type}` });
        }
      }
      out.push(...SQL_KEYWORDS.map((k): CompletionEntry => ({ label: k, kind: 'keyword' })));
      out.push(...relations.map((r) => relationEntry(r, true)));
      for (const f of catalog?.functions ?? []) {
        if (f.schema === 'pg_catalog' || f.schema === 'public')
          out.push({ label: f.name, kind: 'function', detail: f.schema, insertText: `${f.name}(` });
      }
      return out;
    }
    default:
      return assertNever(ctx, 'completion context');
  }
}

const KIND_WORD: Record<string, string> = { r: 'table', v: 'view', m: 'materialized view', f: 'foreign table', p: 'partitioned table' };
