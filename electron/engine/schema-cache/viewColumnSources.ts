/**
 * Which base-table column each column of a view comes from, read from the view's stored
 * query tree (pg_rewrite.ev_action, the text form of the planner's Query node). PostgREST reads
 * the same `resorigtbl`/`resorigcol` fields to let relationships pass through views.
 */

export interface ViewColumnSource {
  /** The view column's position (attnum). */
  readonly position: number;
  readonly tableOid: number;
  readonly columnNumber: number;
}

/**
 * Reads the top-level target list of a `_RETURN` rule's query tree. Only the outermost query's
 * entries count: subqueries in the range table have their own target lists, nested deeper.
 */
export function viewColumnSources(evAction: string): ViewColumnSource[] {
  const out: ViewColumnSource[] = [];
  let depth = 0;
  let i = 0;
  let inTopTargetList = false;
  let targetListDepth = -1;
  while (i < evAction.length) {
    const ch = evAction[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '"') {
      // Quoted strings (e.g. in Const output) may hold brackets.
      i++;
      while (i < evAction.length && evAction[i] !== '"') i += evAction[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '(' || ch === '{') {
      depth++;
      if (inTopTargetList && ch === '{' && depth === targetListDepth + 1 && evAction.startsWith('{TARGETENTRY', i)) {
        const entry = readEntry(evAction, i);
        if (entry) out.push(entry);
      }
    } else if (ch === ')' || ch === '}') {
      depth--;
      if (inTopTargetList && depth < targetListDepth) return out;
    } else if (ch === ':' && depth === 2 && evAction.startsWith(':targetList ', i)) {
      // The outer "({QUERY ...})" puts the top query's fields at depth 2.
      inTopTargetList = true;
      targetListDepth = depth + 1;
    }
    i++;
  }
  return out;
}

function readEntry(s: string, start: number): ViewColumnSource | undefined {
  // Fields of one TARGETENTRY come after its expression, which may nest; find them by name
  // in the entry's own text, which ends at the matching brace.
  let depth = 0;
  let i = start;
  for (; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{' || ch === '(') depth++;
    else if (ch === '}' || ch === ')') {
      depth--;
      if (depth === 0) break;
    }
  }
  const text = s.slice(start, i);
  const tail = text.slice(text.lastIndexOf(':resno '));
  const m = /:resno (\d+) .*?:resorigtbl (\d+) :resorigcol (\d+)/s.exec(tail);
  if (!m) return undefined;
  const tableOid = Number(m[2]);
  if (tableOid === 0) return undefined;
  return { position: Number(m[1]), tableOid, columnNumber: Number(m[3]) };
}
