/**
 * The URL codec, reading half: PostgREST query-string syntax → ReadQuery. Every failure is a
 * QuerySyntaxError naming the parameter and the offending position (the engine answers it as
 * PostgREST's 400 PGRST100); nothing here knows the schema.
 */
import {
  AGGREGATES,
  IS_VALUES,
  type AggregateName,
  type EmbedPath,
  type FieldRef,
  type FilterCondition,
  type FilterNode,
  type JsonStep,
  type OrderTerm,
  type ReadQuery,
  type SelectItem,
} from './ast';
import { isNameChar } from './grammar';
import { isOperatorName, OPERATORS } from './operators';

/**
 * A query string PostgREST would refuse, in its words: `message` and `details` as PostgREST
 * writes them, `param` the query parameter it is in, `hint` how to write it instead.
 */
export interface QuerySyntaxError {
  readonly kind: 'querySyntax';
  readonly param: string;
  readonly message: string;
  readonly details: string;
  readonly hint: string;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: QuerySyntaxError };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });

/** Raised inside the parser only; parseQuery turns it into a Result. */
class SyntaxFailure {
  constructor(
    readonly position: number,
    readonly expected: string,
  ) {}
}

/** A position in one parameter's text with the few moves the grammar needs. */
class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(n = 0): string | undefined {
    return this.s[this.i + n];
  }
  startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }
  eat(t: string): boolean {
    if (!this.startsWith(t)) return false;
    this.i += t.length;
    return true;
  }
  expect(t: string): void {
    if (!this.eat(t)) throw new SyntaxFailure(this.i, `"${t}"`);
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\n' || this.peek() === '\t' || this.peek() === '\r') this.i++;
  }
  fail(expected: string): never {
    throw new SyntaxFailure(this.i, expected);
  }
}

interface Name {
  readonly text: string;
  readonly quoted: boolean;
}

function readQuoted(c: Cursor): string {
  c.expect('"');
  let out = '';
  while (true) {
    const ch = c.peek();
    if (ch === undefined) c.fail("closing '\"'");
    c.i++;
    if (ch === '"') return out;
    if (ch === '\\') {
      const next = c.peek();
      if (next === undefined) c.fail('an escaped character');
      out += next;
      c.i++;
    } else {
      out += ch;
    }
  }
}

function readName(c: Cursor, what = 'a name'): Name {
  if (c.peek() === '"') return { text: readQuoted(c), quoted: true };
  const start = c.i;
  while (isNameChar(c.s, c.i)) c.i++;
  const text = c.s.slice(start, c.i).trim();
  if (text === '') {
    c.i = start;
    c.fail(what);
  }
  return { text, quoted: false };
}

function readJsonPath(c: Cursor): JsonStep[] {
  const steps: JsonStep[] = [];
  while (c.startsWith('->')) {
    const arrow = c.eat('->>') ? '->>' : (c.expect('->'), '->');
    steps.push({ arrow, key: readName(c, 'a JSON key').text });
  }
  return steps;
}

function readField(c: Cursor): FieldRef {
  const name = readName(c, 'a column name').text;
  return { name, json: readJsonPath(c) };
}

function readCast(c: Cursor): string | undefined {
  if (!c.eat('::')) return undefined;
  const start = c.i;
  while (/[\p{L}\p{N}_]/u.test(c.peek() ?? '')) c.i++;
  if (c.i === start) c.fail('a type name');
  return c.s.slice(start, c.i);
}

// ── select ─────────────────────────────────────────────────────────────────────────────────

function readSelectList(c: Cursor, nested: boolean): SelectItem[] {
  const items: SelectItem[] = [];
  c.skipSpace();
  if (c.done || (nested && c.peek() === ')')) return items;
  while (true) {
    c.skipSpace();
    items.push(readSelectItem(c));
    c.skipSpace();
    if (!c.eat(',')) break;
  }
  return items;
}

function readSelectItem(c: Cursor): SelectItem {
  if (c.eat('*')) return { kind: 'star' };
  if (c.eat('...')) {
    const e = readEmbedTail(c, readName(c, 'a relation name'), undefined, true);
    if (!e) c.fail('"(" after a spread relation');
    return e;
  }
  let first = readName(c, 'a column or relation name');
  let alias: string | undefined;
  // `alias:name`; `::` is a cast, not an alias.
  if (c.peek() === ':' && c.peek(1) !== ':') {
    c.i++;
    alias = first.text;
    c.skipSpace();
    first = readName(c, 'a column or relation name');
  }
  if (!first.quoted && first.text === 'count' && c.eat('()')) {
    const cast = readCast(c);
    return { kind: 'count', ...(alias !== undefined && { alias }), ...(cast !== undefined && { cast }) };
  }
  const embed = readEmbedTail(c, first, alias, false);
  if (embed) return embed;
  const field: FieldRef = { name: first.text, json: readJsonPath(c) };
  const cast = readCast(c);
  let aggregate: AggregateName | undefined;
  let aggregateCast: string | undefined;
  if (c.peek() === '.') {
    const at = c.i;
    c.i++;
    const fn = AGGREGATES.find((a) => c.startsWith(a + '()'));
    if (!fn) {
      c.i = at + 1;
      c.fail(`an aggregate (${AGGREGATES.map((a) => a + '()').join(', ')})`);
    }
    c.i += fn.length + 2;
    aggregate = fn;
    aggregateCast = readCast(c);
  }
  return {
    kind: 'field',
    field,
    ...(alias !== undefined && { alias }),
    ...(cast !== undefined && { cast }),
    ...(aggregate !== undefined && { aggregate }),
    ...(aggregateCast !== undefined && { aggregateCast }),
  };
}

/** After a relation name: `!hint`, `!inner`/`!left`, then `(items)`; undefined when not an embed. */
function readEmbedTail(c: Cursor, relation: Name, alias: string | undefined, spread: boolean): SelectItem | undefined {
  if (c.peek() !== '!' && c.peek() !== '(') return undefined;
  let hint: string | undefined;
  let join: 'inner' | 'left' | undefined;
  // At most one hint and one join type, in either order: `rel!hint!inner` or `rel!inner!hint`.
  while (c.eat('!')) {
    const n = readName(c, 'a hint or "inner"/"left"');
    if (!n.quoted && (n.text === 'inner' || n.text === 'left')) {
      if (join) c.fail('"("');
      join = n.text;
    } else {
      if (hint !== undefined) c.fail('"("');
      hint = n.text;
    }
  }
  c.expect('(');
  const select = readSelectList(c, true);
  c.skipSpace();
  c.expect(')');
  return {
    kind: 'embed',
    relation: relation.text,
    ...(alias !== undefined && { alias }),
    ...(hint !== undefined && { hint }),
    ...(join !== undefined && { join }),
    spread,
    select,
  };
}

// ── filters ────────────────────────────────────────────────────────────────────────────────

function readQuotedList(c: Cursor): string[] {
  c.expect('(');
  const items: string[] = [];
  if (c.eat(')')) return items;
  while (true) {
    if (c.peek() === '"') {
      items.push(readQuoted(c));
    } else {
      const start = c.i;
      while (!c.done && c.peek() !== ',' && c.peek() !== ')') c.i++;
      items.push(c.s.slice(start, c.i));
    }
    if (c.eat(')')) return items;
    c.expect(',');
  }
}

/** `[not.]op[(modifier)].value`; `inTree` switches to the quoting rules of or/and trees. */
function readCondition(c: Cursor, field: FieldRef, inTree: boolean): FilterCondition {
  const negated = c.eat('not.');
  const start = c.i;
  while (/[a-z]/.test(c.peek() ?? '')) c.i++;
  const op = c.s.slice(start, c.i);
  if (!isOperatorName(op)) {
    c.i = start;
    c.fail(
      'an operator (eq, neq, gt, gte, lt, lte, like, ilike, match, imatch, in, is, isdistinct, fts, plfts, phfts, wfts, cs, cd, ov, sl, sr, nxr, nxl, adj)',
    );
  }
  const spec = OPERATORS[op];
  let quantifier: 'any' | 'all' | undefined;
  let language: string | undefined;
  if (c.eat('(')) {
    const mStart = c.i;
    while (!c.done && c.peek() !== ')') c.i++;
    const mod = c.s.slice(mStart, c.i);
    c.expect(')');
    // A configuration name; digits alone would be read by Postgres as an object id.
    if (spec.shape === 'fts' && /^[\p{L}_][\p{L}\p{N}_]*$/u.test(mod)) language = mod;
    else if (spec.quantifiable && (mod === 'any' || mod === 'all')) quantifier = mod;
    else {
      c.i = mStart;
      c.fail(spec.shape === 'fts' ? 'a text search language' : spec.quantifiable ? '"any" or "all"' : '"."');
    }
  }
  c.expect('.');
  let value: string | string[];
  if (spec.shape === 'list') {
    value = readQuotedList(c);
  } else if (spec.shape === 'is') {
    const vStart = c.i;
    while (/[a-zA-Z_]/.test(c.peek() ?? '')) c.i++;
    const v = c.s.slice(vStart, c.i).toLowerCase();
    if (!(IS_VALUES as readonly string[]).includes(v)) {
      c.i = vStart;
      c.fail('null, not_null, true, false or unknown');
    }
    value = v;
  } else if (!inTree) {
    value = c.s.slice(c.i);
    c.i = c.s.length;
  } else if (c.peek() === '"') {
    value = readQuoted(c);
  } else if (c.peek() === '{') {
    const vStart = c.i;
    while (!c.done && c.peek() !== '}') c.i++;
    c.expect('}');
    value = c.s.slice(vStart, c.i);
  } else {
    const vStart = c.i;
    while (!c.done && c.peek() !== ',' && c.peek() !== ')') c.i++;
    value = c.s.slice(vStart, c.i);
  }
  return {
    kind: 'condition',
    field,
    negated,
    operator: op,
    ...(quantifier !== undefined && { quantifier }),
    ...(language !== undefined && { language }),
    value,
  };
}

function readTreeChildren(c: Cursor): FilterNode[] {
  c.expect('(');
  const children: FilterNode[] = [];
  while (true) {
    c.skipSpace();
    children.push(readTreeNode(c));
    c.skipSpace();
    if (c.eat(')')) return children;
    c.expect(',');
  }
}

function readTreeNode(c: Cursor): FilterNode {
  const at = c.i;
  const negated = c.eat('not.');
  for (const kind of ['and', 'or'] as const) {
    if (c.startsWith(kind + '(')) {
      c.i += kind.length;
      return { kind, negated, children: readTreeChildren(c) };
    }
  }
  c.i = at;
  const field = readField(c);
  c.expect('.');
  return readCondition(c, field, true);
}

// ── order ──────────────────────────────────────────────────────────────────────────────────

function readOrder(c: Cursor): OrderTerm[] {
  const terms: OrderTerm[] = [];
  while (true) {
    c.skipSpace();
    const first = readName(c, 'a column name');
    let relation: string | undefined;
    let field: FieldRef;
    if (c.eat('(')) {
      relation = first.text;
      field = readField(c);
      c.expect(')');
    } else {
      field = { name: first.text, json: readJsonPath(c) };
    }
    let direction: 'asc' | 'desc' | undefined;
    let nulls: 'first' | 'last' | undefined;
    if (c.eat('.asc')) direction = 'asc';
    else if (c.eat('.desc')) direction = 'desc';
    if (c.eat('.nullsfirst')) nulls = 'first';
    else if (c.eat('.nullslast')) nulls = 'last';
    terms.push({
      ...(relation !== undefined && { relation }),
      field,
      ...(direction !== undefined && { direction }),
      ...(nulls !== undefined && { nulls }),
    });
    c.skipSpace();
    if (c.done) return terms;
    if (!c.eat(',')) c.fail('",", ".asc", ".desc", ".nullsfirst" or ".nullslast"');
  }
}

// ── the query string ───────────────────────────────────────────────────────────────────────

/** Parameters a read ignores (they belong to writes), not filters. */
const WRITE_KEYS = new Set(['columns', 'on_conflict']);
const EMBEDDABLE_KEYS = new Set(['order', 'limit', 'offset', 'and', 'or']);

/**
 * What the parameters of a query string are read as. `relation`: a table or view, and a POST to a
 * function — every parameter that is not reserved is a filter. `functionRead`: a GET or HEAD of a
 * function, where a parameter whose value is no operator expression is an argument (PostgREST).
 */
export type QueryTarget = 'relation' | 'functionRead';

/**
 * PostgREST's test for "this value is an operator expression" when a function read could also
 * take it as an argument: its parser commits once it has read `not.`, `in.`, `is.`,
 * `isdistinct.`, or a whole operator with its modifier and the dot; anything else is an argument.
 */
const OPERATOR_START =
  /^(?:not\.|in\.|is\.|isdistinct\.|(?:fts|plfts|phfts|wfts)(?:\([\p{L}\p{N}_ $]+\))?\.|(?:neq|cs|cd|ov|sl|sr|nxr|nxl|adj)\.|(?:eq|gte|gt|lte|lt|like|ilike|match|imatch)(?:\((?:any|all)\))?\.)/u;

export function startsOperatorExpression(value: string): boolean {
  return OPERATOR_START.test(value);
}

/** Whether the key is one the reader handles itself (select, order, limit, …), not a filter. */
export function isReservedParam(key: string): boolean {
  if (key === 'select' || WRITE_KEYS.has(key)) return true;
  return EMBEDDABLE_KEYS.has(key.slice(key.lastIndexOf('.') + 1));
}

type Key =
  | { kind: 'select' }
  | { kind: 'order' | 'limit' | 'offset'; path: string[] }
  | { kind: 'tree'; path: string[]; op: 'and' | 'or'; negated: boolean }
  | { kind: 'filter'; path: string[]; field: FieldRef }
  | { kind: 'ignored' };

function readKey(c: Cursor): Key {
  const whole = c.s;
  if (whole === 'select' || WRITE_KEYS.has(whole)) {
    c.i = whole.length;
    return { kind: whole === 'select' ? 'select' : 'ignored' };
  }
  const segments: Name[] = [];
  while (true) {
    segments.push(readName(c, 'a column or relation name'));
    if (!c.eat('.')) break;
  }
  const json = readJsonPath(c);
  if (!c.done) c.fail('"." or the end of the key');
  const last = segments[segments.length - 1]!;
  const plainLast = last.quoted ? undefined : last.text;
  const prev = segments[segments.length - 2];
  if (json.length === 0 && (plainLast === 'and' || plainLast === 'or')) {
    const negated = prev !== undefined && !prev.quoted && prev.text === 'not';
    const path = segments.slice(0, negated ? -2 : -1).map((s) => s.text);
    return { kind: 'tree', path, op: plainLast, negated };
  }
  const path = segments.slice(0, -1).map((s) => s.text);
  if (json.length === 0 && (plainLast === 'order' || plainLast === 'limit' || plainLast === 'offset')) {
    return { kind: plainLast, path };
  }
  return { kind: 'filter', path, field: { name: last.text, json } };
}

/** How to write the parameter instead; every syntax error names its parameter. */
function hintFor(what: string, param: string): string {
  if (what === 'filter') {
    return `The query parameter '${param}' is read as a filter: write it as ${param}=operator.value, e.g. ${param}=eq.1 (not.eq.1 negates).`;
  }
  return `Check the query parameter '${param}'.`;
}

function syntaxError(what: string, param: string, input: string, f: SyntaxFailure): QuerySyntaxError {
  const found = input[f.position];
  return {
    kind: 'querySyntax',
    param,
    message: `"failed to parse ${what} (${input})" (line 1, column ${f.position + 1})`,
    details: `unexpected ${found === undefined ? 'end of input' : JSON.stringify(found)} expecting ${f.expected}`,
    hint: hintFor(what, param),
  };
}

function run<T>(what: string, param: string, input: string, parse: (c: Cursor) => T): ParseResult<T> {
  const c = new Cursor(input);
  try {
    const v = parse(c);
    if (!c.done) c.fail('the end of the parameter');
    return ok(v);
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: syntaxError(what, param, input, e) };
    throw e;
  }
}

export function parseSelect(text: string): ParseResult<SelectItem[]> {
  return run('select parameter', 'select', text, (c) => readSelectList(c, false));
}

export function parseOrder(text: string, param = 'order'): ParseResult<OrderTerm[]> {
  return run('order', param, text, readOrder);
}

/** A filter's value side, e.g. `not.in.(1,2)` for field `id`. */
export function parseFilterValue(field: FieldRef, text: string, param = field.name): ParseResult<FilterCondition> {
  return run('filter', param, text, (c) => readCondition(c, field, false));
}

/** An `or`/`and` tree's value side, e.g. `(a.eq.1,b.gt.2)`. */
export function parseTree(op: 'and' | 'or', negated: boolean, text: string, param: string = op): ParseResult<FilterNode> {
  return run('logic tree', param, text, (c) => ({ kind: op, negated, children: readTreeChildren(c) }));
}

/** A negative limit reads (the engine refuses it with PGRST103, as PostgREST does); offsets cannot be. */
function parsePaging(what: 'limit' | 'offset', param: string, text: string): ParseResult<number> {
  return run(`${what} parameter`, param, text, (c: Cursor) => {
    const m = (what === 'limit' ? /^-?\d{1,15}/ : /^\d{1,15}/).exec(c.s);
    if (!m) c.fail(what === 'limit' ? 'an integer' : 'a non-negative integer');
    c.i = m[0].length;
    return Number(m[0]);
  });
}

/**
 * `a=1&b=2` → pairs, decoded as URLSearchParams does (`+` is a space). A key without `=` has the
 * empty value: it is refused like any other empty filter, never silently skipped.
 */
export function splitQueryString(query: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of (query.startsWith('?') ? query.slice(1) : query).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decodeComponent(rawKey), decodeComponent(rawValue)]);
  }
  return out;
}

function decodeComponent(s: string): string {
  // Most names and values have nothing to decode (asked for every parameter of every request).
  if (!s.includes('%') && !s.includes('+')) return s;
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Malformed escapes are kept as written, as URLSearchParams does.
    return spaced;
  }
}

function samePath(a: EmbedPath, b: EmbedPath): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * Reads a whole query string (without `?`) or its decoded parameters, as PostgREST does: every
 * parameter that is not reserved (select, order, limit, offset, and, or, columns, on_conflict)
 * is a filter, and one that does not parse is an error naming it. Only a function read
 * (`functionRead`) keeps a parameter whose value is no operator expression, as an argument in
 * `params`. `columns` and `on_conflict` belong to writes and are skipped here.
 */
export function parseQuery(query: string | Iterable<readonly [string, string]>, target: QueryTarget = 'relation'): ParseResult<ReadQuery> {
  const entries = typeof query === 'string' ? splitQueryString(query) : query;
  let select: SelectItem[] | undefined;
  const filters: { path: EmbedPath; node: FilterNode }[] = [];
  const order: { path: EmbedPath; terms: OrderTerm[] }[] = [];
  const paging: { path: EmbedPath; limit?: number; offset?: number }[] = [];
  const params: [string, string][] = [];
  for (const [key, value] of entries) {
    const k = run('tree path', key, key, readKey);
    if (!k.ok) return k;
    const spec = k.value;
    switch (spec.kind) {
      case 'ignored':
        break;
      case 'select': {
        const r = parseSelect(value);
        if (!r.ok) return r;
        select = r.value;
        break;
      }
      case 'order': {
        const r = parseOrder(value, key);
        if (!r.ok) return r;
        const existing = order.findIndex((o) => samePath(o.path, spec.path));
        if (existing >= 0) order.splice(existing, 1);
        order.push({ path: spec.path, terms: r.value });
        break;
      }
      case 'limit':
      case 'offset': {
        const r = parsePaging(spec.kind, key, value);
        if (!r.ok) return r;
        const page = paging.find((p) => samePath(p.path, spec.path));
        if (page) page[spec.kind] = r.value;
        else paging.push({ path: spec.path, [spec.kind]: r.value });
        break;
      }
      case 'tree': {
        const r = parseTree(spec.op, spec.negated, value, key);
        if (!r.ok) return r;
        filters.push({ path: spec.path, node: r.value });
        break;
      }
      case 'filter': {
        if (target === 'functionRead' && !startsOperatorExpression(value)) {
          // PostgREST names the argument by the field alone, whatever path the key has.
          params.push([spec.field.name, value]);
          break;
        }
        const r = parseFilterValue(spec.field, value, key);
        if (!r.ok) return r;
        filters.push({ path: spec.path, node: r.value });
        break;
      }
    }
  }
  return ok({ ...(select !== undefined && { select }), filters, order, paging, ...(params.length > 0 && { params }) });
}
