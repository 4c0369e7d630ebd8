/**
 * Plans and SQL of reads, remembered per request shape. Clients repeat the same read with other
 * values (`clients?id=eq.1`, then `eq.2`, …; the grid's pages), and parsing the query string,
 * resolving embeds and writing the SQL cost more than the rest of the engine's own work. A shape
 * is the request with the values of its plain comparison filters taken out; a request of a known
 * shape gets the remembered plan and SQL text with its own values put in the parameters.
 *
 * A shape is only remembered when it is proven safe: the request is planned a second time with a
 * unique marker in place of each taken-out value, and the SQL must come out identical except that
 * each marker is, as it is, one of the parameters. A value the planner or the SQL rewrites, or one
 * that changes the SQL text, fails the proof and the shape is planned every time.
 */
import { isReservedParam, splitQueryString } from '../../shared/dataapi/parseQuery';
import { OPERATORS, isOperatorName } from '../../shared/dataapi/operators';
import type { ReadPlan } from './plan/ActionPlan';
import type { SchemaCache } from './schema-cache/SchemaCache';
import type { SqlFragment, SqlQuery } from './sql/SqlQuery';

/** What a shape needs of the request (the engine's input, see engine.ts). */
export interface ShapeInput {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** A request's shape and the values taken out of it, in order. */
export interface RequestShape {
  readonly key: string;
  readonly values: readonly string[];
  /** The query string's parameters, decoded, with `values` in place. */
  readonly pairs: readonly (readonly [string, string])[];
  /** Which pairs had their value taken out, and the operator prefix kept (e.g. `not.eq.`). */
  readonly taken: readonly { readonly pair: number; readonly prefix: string }[];
}

interface Template {
  readonly plan: ReadPlan;
  readonly main: FragmentTemplate;
  readonly explain?: FragmentTemplate;
}

interface FragmentTemplate {
  readonly text: string;
  readonly values: readonly unknown[];
  /** [parameter index, taken-out value index]. */
  readonly slots: readonly (readonly [number, number])[];
}

/** Headers that change a read's plan (see parseRequest and planRequest). */
const PLAN_HEADERS = ['accept', 'accept-profile', 'prefer', 'range', 'range-unit'] as const;

/** Remembered shapes per schema cache; past this many the memory starts afresh. */
export const MAX_SHAPES = 500;

const MARKER = 'PierShapeValue';

/**
 * `eq.5`, `not.gt.5`: an operator whose value becomes one parameter as written (no list, pattern,
 * `is` keyword or quantifier to read it). `[prefix, value]`, or undefined for any other filter.
 */
function plainComparison(value: string): [string, string] | undefined {
  const negated = value.startsWith('not.');
  const rest = negated ? value.slice(4) : value;
  const dot = rest.indexOf('.');
  if (dot <= 0) return undefined;
  const op = rest.slice(0, dot);
  if (!isOperatorName(op) || OPERATORS[op].shape !== 'scalar') return undefined;
  return [value.slice(0, (negated ? 4 : 0) + dot + 1), rest.slice(dot + 1)];
}

export function requestShape(req: ShapeInput): RequestShape {
  const pairs = splitQueryString(req.rawQuery);
  const values: string[] = [];
  const taken: { pair: number; prefix: string }[] = [];
  // Each part is written with its length first, so no two different requests share a key.
  const part = (s: string) => `${s.length}:${s}`;
  let key = `${req.method.toUpperCase()} ${part(req.path)}`;
  for (let i = 0; i < pairs.length; i++) {
    const [name, value] = pairs[i]!;
    const plain = isReservedParam(name) ? undefined : plainComparison(value);
    if (plain) {
      taken.push({ pair: i, prefix: plain[0] });
      values.push(plain[1]);
      key += `&${part(name)}${part(plain[0])}?`;
    } else {
      key += `&${part(name)}${part(value)}`;
    }
  }
  for (const h of PLAN_HEADERS) {
    const v = req.headers[h];
    key += v === undefined ? '-' : `|${part(v)}`;
  }
  return { key, values, pairs, taken };
}

/** The query string of the shape with each taken-out value replaced by its marker. */
export function markedQuery(shape: RequestShape): string {
  const pairs = shape.pairs.map(([k, v]) => [k, v]);
  shape.taken.forEach((t, i) => (pairs[t.pair]![1] = `${t.prefix}${MARKER}${i}x`));
  return pairs.map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`).join('&');
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The slots of one fragment, or undefined when `marked` does not prove the shape. */
function fragmentTemplate(real: SqlFragment, marked: SqlFragment, values: readonly string[]): FragmentTemplate | undefined {
  if (real.text !== marked.text || real.values.length !== marked.values.length) return undefined;
  const slots: [number, number][] = [];
  for (const [k, m] of marked.values.entries()) {
    const slot = typeof m === 'string' ? new RegExp(`^${MARKER}(\\d+)x$`).exec(m) : null;
    if (slot) {
      const i = Number(slot[1]);
      if (real.values[k] !== values[i]) return undefined;
      slots.push([k, i]);
    } else if (JSON.stringify(m)?.includes(MARKER) || !sameValue(real.values[k], m)) {
      return undefined;
    }
  }
  return { text: real.text, values: real.values, slots };
}

function fill(t: FragmentTemplate, values: readonly string[]): SqlFragment {
  const out = [...t.values];
  for (const [k, i] of t.slots) out[k] = values[i];
  return { text: t.text, values: out };
}

export class ReadTemplates {
  /** Per schema cache: a reload (DDL) leaves the old shapes behind with the old cache. */
  private readonly byCache = new WeakMap<SchemaCache, Map<string, Template | null>>();

  private shapes(cache: SchemaCache): Map<string, Template | null> {
    let m = this.byCache.get(cache);
    if (!m) {
      m = new Map();
      this.byCache.set(cache, m);
    }
    return m;
  }

  /** The plan and SQL for a request of a remembered shape. */
  find(cache: SchemaCache, shape: RequestShape): { plan: ReadPlan; sql: SqlQuery } | undefined {
    const t = this.byCache.get(cache)?.get(shape.key);
    if (!t) return undefined;
    return { plan: t.plan, sql: { main: fill(t.main, shape.values), ...(t.explain && { explain: fill(t.explain, shape.values) }) } };
  }

  /** Whether the shape was tried already (remembered, or proven not to be safe). */
  known(cache: SchemaCache, shape: RequestShape): boolean {
    return this.byCache.get(cache)?.has(shape.key) ?? false;
  }

  /**
   * Remembers a shape from a read just planned, if `planMarked` (the same request planned with the
   * marked query string) proves it.
   */
  learn(
    cache: SchemaCache,
    shape: RequestShape,
    plan: ReadPlan,
    sql: SqlQuery,
    planMarked: (rawQuery: string) => SqlQuery | undefined,
  ): void {
    const shapes = this.shapes(cache);
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(shape.key, this.prove(shape, plan, sql, planMarked));
  }

  private prove(
    shape: RequestShape,
    plan: ReadPlan,
    sql: SqlQuery,
    planMarked: (rawQuery: string) => SqlQuery | undefined,
  ): Template | null {
    const marked = planMarked(markedQuery(shape));
    if (!marked || (marked.explain === undefined) !== (sql.explain === undefined)) return null;
    const main = fragmentTemplate(sql.main, marked.main, shape.values);
    const explain = sql.explain && marked.explain ? fragmentTemplate(sql.explain, marked.explain, shape.values) : undefined;
    if (!main || (sql.explain && !explain)) return null;
    // Every taken-out value must land in a parameter, or two requests that differ in it would share SQL.
    const used = new Set([...main.slots, ...(explain?.slots ?? [])].map(([, i]) => i));
    if (used.size !== shape.values.length) return null;
    return { plan, main, ...(explain && { explain }) };
  }
}
