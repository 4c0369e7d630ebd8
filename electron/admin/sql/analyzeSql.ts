/**
 * Splits and classifies SQL with PostgreSQL's own parser: libpg-query, the server's grammar
 * (scan.l, gram.y and PL/pgSQL's) compiled to WebAssembly, so dollar quotes, E'' strings, nested
 * comments, BEGIN ATOMIC bodies and DO blocks are read exactly as the server reads them.
 *
 * It runs in main, not in the renderer: main must parse anyway to enforce the protected-branch
 * guard and to run statements one at a time (never trusting what the renderer says about the
 * text), and the WebAssembly module (1.7 MB) would otherwise weigh on the sandboxed renderer's
 * first load and need 'wasm-unsafe-eval' in its CSP. The editor asks main (`sql.analyze`).
 */
import { loadModule, parsePlPgSQLSync, parseSync } from 'libpg-query';
import type { SqlAnalysis, SqlStatementInfo, StatementKind } from '../../../shared/contract/sqlStatements';

/** Loads the WebAssembly module once; every analysis awaits it (a few hundred ms, first time only). */
let loaded: Promise<void> | undefined;
export function loadSqlParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

export async function analyzeSql(text: string): Promise<SqlAnalysis> {
  await loadSqlParser();
  return analyzeLoaded(text);
}

type Node = Record<string, unknown>;

function analyzeLoaded(text: string): SqlAnalysis {
  const offsets = charOffsets(text);
  let stmts: { stmt?: Node; stmt_location?: number; stmt_len?: number }[];
  try {
    stmts = (parseSync(text) as unknown as { stmts?: typeof stmts }).stmts ?? [];
  } catch (err) {
    const details = (err as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails;
    return {
      kind: 'syntaxError',
      message: details?.message ?? (err as Error).message,
      // Error positions are in characters (code points), as Postgres reports them; statement locations in bytes.
      position: details ? utf16OffsetOfCodePoint(text, details.cursorPosition) + 1 : null,
    };
  }
  const bytes = Buffer.byteLength(text);
  const out: SqlStatementInfo[] = [];
  for (const s of stmts) {
    if (!s.stmt) continue;
    const startByte = s.stmt_location ?? 0;
    // stmt_len 0 (left out) means "to the end of the text".
    const endByte = s.stmt_len ? startByte + s.stmt_len : bytes;
    const start = offsets(startByte);
    const raw = text.slice(start, offsets(endByte));
    out.push({ ...classify(s.stmt), start, end: start + raw.trimEnd().length });
  }
  return { kind: 'ok', statements: out };
}

/** What one parsed statement is. */
export function classify(stmt: Node): Omit<SqlStatementInfo, 'start' | 'end'> {
  const [node, body] = only(stmt);
  const findings = { destructive: [] as string[], escapes: [] as string[] };
  walk(stmt, findings);
  return {
    command: commandOf(node, body),
    kind: kindOf(node, body),
    destructive: [...new Set(findings.destructive)],
    escapesIdentity: findings.escapes[0] ?? null,
  };
}

function only(n: Node): [string, Node] {
  const key = Object.keys(n)[0] ?? '';
  return [key, (n[key] ?? {}) as Node];
}

const READ_NODES = new Set(['SelectStmt', 'VariableShowStmt']);
const WRITE_NODES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'CallStmt', 'DoStmt', 'ExecuteStmt']);
const SESSION_NODES = new Set(['VariableSetStmt', 'DiscardStmt']);
const OTHER_NODES = new Set([
  'VacuumStmt',
  'LockStmt',
  'ListenStmt',
  'UnlistenStmt',
  'NotifyStmt',
  'CheckPointStmt',
  'PrepareStmt',
  'DeallocateStmt',
  'DeclareCursorStmt',
  'FetchStmt',
  'ClosePortalStmt',
  'LoadStmt',
  'ClusterStmt',
  'ReindexStmt',
  'ConstraintsSetStmt',
]);

function kindOf(node: string, body: Node): StatementKind {
  if (node === 'SelectStmt') return body.intoClause ? 'schema' : modifiesData(body) ? 'write' : 'read';
  if (node === 'ExplainStmt') return hasOption(body, 'analyze') && modifiesData(body.query) ? 'write' : 'read';
  if (READ_NODES.has(node)) return 'read';
  if (WRITE_NODES.has(node)) return 'write';
  if (node === 'TransactionStmt') return 'transaction';
  if (SESSION_NODES.has(node)) return 'session';
  if (OTHER_NODES.has(node)) return 'other';
  return 'schema';
}

/** A data-modifying statement anywhere inside (a DELETE in a CTE, a SELECT … FOR UPDATE). */
function modifiesData(n: unknown): boolean {
  let found = false;
  visit(n, (key, value) => {
    if (['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'lockingClause', 'intoClause'].includes(key) && value) found = true;
    return !found;
  });
  return found;
}

/** "SELECT", "DROP TABLE", "CREATE FUNCTION": the node name in words, with the object for DROP. */
function commandOf(node: string, body: Node): string {
  const words = node
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
  if (node === 'DropStmt' && typeof body.removeType === 'string')
    return `DROP ${body.removeType.replace(/^OBJECT_/, '').replace(/_/g, ' ')}`;
  if (node === 'VariableShowStmt') return 'SHOW';
  if (node === 'VariableSetStmt') return body.kind === 'VAR_RESET' || body.kind === 'VAR_RESET_ALL' ? 'RESET' : 'SET';
  if (node === 'TransactionStmt' && typeof body.kind === 'string') return body.kind.replace(/^TRANS_STMT_/, '').replace(/_/g, ' ');
  return words;
}

interface Findings {
  destructive: string[];
  escapes: string[];
}

/** Nodes whose contents are defined, not run: a function body, a rule, a prepared statement. */
const DEFINES_ONLY = new Set(['CreateFunctionStmt', 'RuleStmt', 'PrepareStmt', 'CreateTrigStmt', 'ViewStmt']);

/** Visits every node; the walker stops descending where `f` returns false. */
function visit(n: unknown, f: (key: string, value: unknown) => boolean): void {
  if (Array.isArray(n)) {
    for (const x of n) visit(x, f);
  } else if (n && typeof n === 'object') {
    for (const [k, v] of Object.entries(n as Node)) {
      if (f(k, v)) visit(v, f);
    }
  }
}

/** Everything in the statement that destroys data or steps out of an identity's run, at any depth. */
function walk(tree: unknown, findings: Findings): void {
  visit(tree, (key, value) => {
    const v = (value ?? {}) as Node;
    if (DEFINES_ONLY.has(key)) return false;
    if (key === 'ExplainStmt') {
      // Without ANALYZE the statement is only planned.
      if (hasOption(v, 'analyze')) walk(v.query, findings);
      return false;
    }
    if (key.startsWith('Drop') && key.endsWith('Stmt')) findings.destructive.push(dropReason(key, v));
    switch (key) {
      case 'TruncateStmt':
        findings.destructive.push(`TRUNCATE ${relationNames(v.relations)}`);
        break;
      case 'DeleteStmt':
        if (!v.whereClause) findings.destructive.push(`DELETE without WHERE on ${relationName(v.relation)}`);
        break;
      case 'UpdateStmt':
        if (!v.whereClause) findings.destructive.push(`UPDATE without WHERE on ${relationName(v.relation)}`);
        break;
      case 'MergeStmt':
        if (JSON.stringify(v.mergeWhenClauses ?? []).includes('CMD_DELETE'))
          findings.destructive.push(`MERGE that deletes from ${relationName(v.relation)}`);
        break;
      case 'AlterTableCmd':
        if (v.subtype === 'AT_DropColumn') findings.destructive.push(`DROP COLUMN ${String(v.name ?? '')}`);
        break;
      case 'TransactionStmt':
        findings.escapes.push('it ends or starts a transaction, and the role switch lasts only as long as the transaction');
        break;
      case 'VariableSetStmt':
        if (v.kind === 'VAR_RESET_ALL' || v.name === 'role' || v.name === 'session_authorization')
          findings.escapes.push('it changes the role');
        break;
      case 'DiscardStmt':
        findings.escapes.push('it resets the session, role included');
        break;
      case 'FuncCall':
        if (isSetConfigOfRole(v)) findings.escapes.push('set_config changes the role');
        break;
      case 'DoStmt':
        walkDoBlock(v, findings);
        return false;
      default:
        break;
    }
    return true;
  });
}

function hasOption(n: unknown, name: string): boolean {
  const options = ((n ?? {}) as Node).options;
  return Array.isArray(options) && options.some((o) => ((o as Node).DefElem as Node | undefined)?.defname === name);
}

function dropReason(key: string, v: Node): string {
  if (key === 'DropStmt') {
    const what = typeof v.removeType === 'string' ? v.removeType.replace(/^OBJECT_/, '').replace(/_/g, ' ') : 'OBJECT';
    const names = Array.isArray(v.objects) ? v.objects.map(objectName).filter(Boolean).join(', ') : '';
    return `DROP ${what}${names ? ` ${names}` : ''}`;
  }
  if (key === 'DropdbStmt') return `DROP DATABASE ${String(v.dbname ?? '')}`;
  return key
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

function objectName(o: unknown): string {
  const strings: string[] = [];
  visit(o, (k, v) => {
    if (k === 'sval' && typeof v === 'string') strings.push(v);
    return true;
  });
  return strings.join('.');
}

function relationName(r: unknown): string {
  const rel = (r ?? {}) as { schemaname?: string; relname?: string };
  return rel.schemaname ? `${rel.schemaname}.${rel.relname ?? ''}` : (rel.relname ?? '?');
}

function relationNames(list: unknown): string {
  return Array.isArray(list) ? list.map((x) => relationName((x as Node).RangeVar)).join(', ') : '';
}

function isSetConfigOfRole(call: Node): boolean {
  const name = Array.isArray(call.funcname) ? call.funcname.map(objectName).join('.') : '';
  if (name !== 'set_config' && name !== 'pg_catalog.set_config') return false;
  const first = (Array.isArray(call.args) ? call.args[0] : undefined) as Node | undefined;
  const constant = ((first?.A_Const as Node | undefined)?.sval as Node | undefined)?.sval;
  // A setting named by an expression could be the role: refuse what cannot be told.
  return (
    typeof constant !== 'string' || constant.trim().toLowerCase() === 'role' || constant.trim().toLowerCase() === 'session_authorization'
  );
}

/**
 * A DO block runs its body now: parse it with PL/pgSQL's own parser and look at every SQL
 * statement and expression inside. Dynamic SQL (EXECUTE) and other languages cannot be checked,
 * so they count as destructive and as stepping out of an identity's run.
 */
function walkDoBlock(v: Node, findings: Findings): void {
  const args = Array.isArray(v.args) ? (v.args as Node[]).map((a) => (a.DefElem ?? {}) as Node) : [];
  const arg = (name: string) => ((args.find((a) => a.defname === name)?.arg as Node | undefined)?.String as Node | undefined)?.sval;
  const language = String(arg('language') ?? 'plpgsql').toLowerCase();
  const body = String(arg('as') ?? '');
  const unknowable = (why: string) => {
    findings.destructive.push(`DO block ${why}`);
    findings.escapes.push(`a DO block ${why}`);
  };
  if (language !== 'plpgsql') return unknowable(`in ${language}, which Pier cannot check`);
  let tree: unknown;
  try {
    tree = parsePlPgSQLSync(`CREATE FUNCTION pg_temp.pier_do() RETURNS void LANGUAGE plpgsql AS ${dollarQuote(body)}`);
  } catch (err) {
    return unknowable(`that Pier cannot read (${(err as Error).message})`);
  }
  visit(tree, (key, value) => {
    if (key === 'PLpgSQL_stmt_dynexecute' || key === 'PLpgSQL_stmt_dynfors') {
      unknowable('runs dynamic SQL (EXECUTE), which Pier cannot check');
      return false;
    }
    if (key === 'PLpgSQL_expr') {
      const e = value as { query?: string; parseMode?: number };
      if (typeof e.query === 'string') walkEmbedded(e.query, e.parseMode ?? 0, findings);
      return false;
    }
    return true;
  });
}

/** A statement or expression inside PL/pgSQL (parse mode 0: a statement; otherwise an expression or assignment). */
function walkEmbedded(query: string, parseMode: number, findings: Findings): void {
  const text = parseMode === 0 ? query : `SELECT ${query.replace(/^[^:]*:=/, '')}`;
  try {
    walk(parseSync(text), findings);
  } catch {
    // An expression PL/pgSQL accepted but plain SQL does not (e.g. a bare cursor name): nothing to check in it.
  }
}

function utf16OffsetOfCodePoint(text: string, codePoint: number): number {
  let i = 0;
  for (let n = 0; n < codePoint && i < text.length; n++) i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return i;
}

function dollarQuote(body: string): string {
  let tag = '$pier$';
  for (let i = 0; body.includes(tag); i++) tag = `$pier${i}$`;
  return `${tag}${body}${tag}`;
}

/**
 * The parser reports byte offsets into the UTF-8 text; JavaScript strings count UTF-16 code
 * units. Returns a byte → string-offset function (identity for ASCII text).
 */
function charOffsets(text: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (b) => Math.min(b, text.length);
  const byteAt: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    byteAt.push(bytes);
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      byteAt.push(bytes);
      i++;
    } else bytes += 3;
  }
  byteAt.push(bytes);
  return (b) => {
    let lo = 0;
    let hi = byteAt.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (byteAt[mid]! <= b) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}
