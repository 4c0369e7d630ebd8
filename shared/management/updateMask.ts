import type { Result } from '../contract/result';
/**
 * update_mask helpers (reference §5). Clients build a mask from the fields a user changed; the local
 * server applies a mask to a stored resource. Both use one table of spec fields per resource so they
 * agree on leaves, whole-value fields (maps, lists) and oneof groups.
 *
 * How the service applies a mask, and where each rule comes from (the fact sheet, Databricks'
 * CLI acceptance tests and test server, the Terraform provider; where they disagree, the
 * behaviour probed against real workspaces wins):
 * - `spec` is a lenient replace: every field the body's spec sets is applied, a field it leaves
 *   out keeps its value (CLI PR #6767 `update_mask_spec`, "the omitted scalar is preserved, not
 *   reset"; Terraform's docs: "the server-side value persists"). The fact sheet's "replace the
 *   whole spec" is what wiped `default_branch` and `pg_version`; it is not followed.
 *   Immutable fields are accepted when unchanged and refused when changed (the service was seen
 *   to ignore a changed `postgres_role` silently; Pier refuses rather than ignore input).
 * - `*` names every updatable leaf, each of which must then be in the body (CLI PR #6767
 *   `update_mask_star`: a minimal body is "rejected field by field"); a oneof group is satisfied
 *   by any member; maps and lists may be left out.
 * - A path naming a message below `spec` (`spec.default_endpoint_settings`) replaces that message
 *   whole, and its oneof groups must be in the body (CLI PR #6440, probed on a real workspace).
 * - Leaves apply at the leaf; a oneof member can only be masked through its group path, which
 *   for project defaults is `spec.default_endpoint_settings.suspension` (the error a real
 *   workspace gave in CLI PR #6440); the documented `spec.project_default_settings.suspension`
 *   is accepted too.
 * - Terraform's project mask `initial_branch_spec,initial_endpoint_spec,spec` is accepted: the
 *   `initial_*` fields only apply at creation, so they change nothing (Databricks' CLI
 *   acceptance tests run it against real workspaces; an older service refused it, Terraform
 *   provider issue #5481).
 * - Role `postgres_role`, `auth_method` and `identity_type` cannot be named in a mask ("Unknown
 *   field path in update_mask", the CLI's resources.yml).
 * - A mask naming a message and one of its fields is refused (the CLI's dresources/util.go).
 * Messages use the service's words where they are known: "Unknown field path in update_mask: 'x'"
 * and "Field 'x' is in update_mask but not provided in request".
 */

export type MaskedKind = 'project' | 'branch' | 'endpoint' | 'role' | 'database' | 'dataApi';

/** leaf: scalar; whole: map or list (only maskable as a whole); nested message: its own fields. */
type FieldShape = 'leaf' | 'whole' | { readonly [field: string]: FieldShape };

interface OneofGroup {
  /** Mask path of the group, e.g. `spec.expiration`. */
  readonly path: string;
  /** Other spellings the server accepts for the same group. */
  readonly aliases: readonly string[];
  /** Dotted path (below `spec`) of the message holding the members. */
  readonly at: string;
  readonly members: readonly string[];
}

interface MaskSchema {
  readonly spec: { readonly [field: string]: FieldShape };
  readonly groups: readonly OneofGroup[];
  /** Paths below `spec` that cannot change after create. */
  readonly immutable: readonly string[];
  /** Paths below `spec` that cannot be named in a mask at all (still accepted unchanged in a `spec` replace). */
  readonly unmaskable?: readonly string[];
  /** Top-level fields that only apply at creation: a mask may name them, and they change nothing. */
  readonly createOnly?: readonly string[];
}

const endpointGroup: FieldShape = { min: 'leaf', max: 'leaf', enable_readable_secondaries: 'leaf' };

const SCHEMAS: Readonly<Record<MaskedKind, MaskSchema>> = {
  project: {
    spec: {
      display_name: 'leaf',
      pg_version: 'leaf',
      history_retention_duration: 'leaf',
      default_endpoint_settings: {
        autoscaling_limit_min_cu: 'leaf',
        autoscaling_limit_max_cu: 'leaf',
        suspend_timeout_duration: 'leaf',
        no_suspension: 'leaf',
        pg_settings: 'whole',
      },
      default_branch: 'leaf',
      enable_pg_native_login: 'leaf',
      budget_policy_id: 'leaf',
      custom_tags: 'whole',
      compute_provisioner: 'leaf',
    },
    groups: [
      {
        // The path a real workspace names (CLI PR #6440); the documented spelling is accepted too.
        path: 'spec.default_endpoint_settings.suspension',
        aliases: ['spec.project_default_settings.suspension'],
        at: 'default_endpoint_settings',
        members: ['suspend_timeout_duration', 'no_suspension'],
      },
    ],
    immutable: ['pg_version'],
    createOnly: ['initial_branch_spec', 'initial_endpoint_spec', 'initial_database_spec', 'initial_role_spec'],
  },
  branch: {
    spec: {
      source_branch: 'leaf',
      source_branch_lsn: 'leaf',
      source_branch_time: 'leaf',
      source_snapshot: 'leaf',
      is_protected: 'leaf',
      ttl: 'leaf',
      expire_time: 'leaf',
      no_expiry: 'leaf',
    },
    groups: [{ path: 'spec.expiration', aliases: [], at: '', members: ['ttl', 'expire_time', 'no_expiry'] }],
    immutable: ['source_branch', 'source_branch_lsn', 'source_branch_time', 'source_snapshot'],
  },
  endpoint: {
    spec: {
      endpoint_type: 'leaf',
      autoscaling_limit_min_cu: 'leaf',
      autoscaling_limit_max_cu: 'leaf',
      suspend_timeout_duration: 'leaf',
      no_suspension: 'leaf',
      disabled: 'leaf',
      group: endpointGroup,
      settings: { pg_settings: 'whole' },
    },
    groups: [{ path: 'spec.suspension', aliases: [], at: '', members: ['suspend_timeout_duration', 'no_suspension'] }],
    immutable: ['endpoint_type'],
  },
  role: {
    spec: {
      postgres_role: 'leaf',
      identity_type: 'leaf',
      auth_method: 'leaf',
      attributes: { createdb: 'leaf', createrole: 'leaf', bypassrls: 'leaf' },
      membership_roles: 'whole',
    },
    groups: [],
    immutable: ['postgres_role', 'identity_type', 'auth_method'],
    unmaskable: ['postgres_role', 'identity_type', 'auth_method'],
  },
  database: {
    spec: { postgres_database: 'leaf', role: 'leaf' },
    groups: [],
    immutable: [],
  },
  dataApi: {
    spec: {
      db_schemas: 'whole',
      db_extra_search_path: 'whole',
      db_max_rows: 'leaf',
      db_aggregates_enabled: 'leaf',
      jwt_role_claim_key: 'leaf',
      jwt_cache_max_lifetime: 'leaf',
      openapi_mode: 'leaf',
      server_cors_allowed_origins: 'whole',
      server_timing_enabled: 'leaf',
      db_anon_role: 'leaf',
    },
    groups: [],
    immutable: [],
  },
};

type Json = unknown;
type JsonObject = Record<string, Json>;

/** Specs are JSON values, so a JSON round trip is a faithful deep copy. */
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function groupOf(schema: MaskSchema, at: string, field: string): OneofGroup | undefined {
  return schema.groups.find((g) => g.at === at && g.members.includes(field));
}

/**
 * The mask for a PATCH, from the spec fields the user changed (`changes` is a partial spec holding
 * only those). Leaves become `spec.a.b`, maps/lists are masked whole, oneof members become their
 * group path. Unknown fields are masked as given (the server decides). Paths are sorted and unique.
 */
export function buildUpdateMask(kind: MaskedKind, changes: object): string[] {
  const schema = SCHEMAS[kind];
  const paths = new Set<string>();
  const walk = (value: JsonObject, shape: { readonly [f: string]: FieldShape } | undefined, at: string): void => {
    for (const [field, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const group = groupOf(schema, at, field);
      const sub = at === '' ? field : `${at}.${field}`;
      if (group) {
        paths.add(group.path);
        continue;
      }
      const fieldShape = shape?.[field];
      if (fieldShape !== undefined && fieldShape !== 'leaf' && fieldShape !== 'whole' && isObject(v)) {
        walk(v, fieldShape, sub);
      } else {
        paths.add(`spec.${sub}`);
      }
    }
  };
  walk(changes as JsonObject, schema.spec, '');
  return [...paths].sort();
}

/**
 * The spec fields that differ between what the form started with and what the user left it at,
 * as a partial spec ready for `buildUpdateMask` and the PATCH body. Oneof groups are carried whole
 * (every member of `after`), because the server replaces the group as a unit.
 */
export function diffSpec(kind: MaskedKind, before: object, after: object): JsonObject {
  const schema = SCHEMAS[kind];
  const walk = (b: JsonObject, a: JsonObject, shape: { readonly [f: string]: FieldShape } | undefined, at: string): JsonObject => {
    const out: JsonObject = {};
    const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
    for (const field of keys) {
      const [bv, av] = [b[field], a[field]];
      if (deepEqual(bv, av)) continue;
      const group = groupOf(schema, at, field);
      if (group) {
        for (const m of group.members) if (a[m] !== undefined) out[m] = a[m];
        continue;
      }
      const fieldShape = shape?.[field];
      if (fieldShape !== undefined && fieldShape !== 'leaf' && fieldShape !== 'whole' && isObject(av)) {
        const inner = walk(isObject(bv) ? bv : {}, av, fieldShape, at === '' ? field : `${at}.${field}`);
        if (Object.keys(inner).length > 0) out[field] = inner;
      } else if (av !== undefined) {
        out[field] = av;
      }
    }
    return out;
  };
  return walk(before as JsonObject, after as JsonObject, schema.spec, '');
}

export type MaskError =
  | { readonly kind: 'missingMask' }
  | { readonly kind: 'unknownPath'; readonly path: string }
  | { readonly kind: 'missingValue'; readonly path: string }
  | { readonly kind: 'immutable'; readonly path: string }
  | { readonly kind: 'oneofConflict'; readonly path: string; readonly members: readonly string[] }
  /** A field in the body that the resource does not have, inside a part the mask replaces. */
  | { readonly kind: 'unknownField'; readonly path: string }
  | { readonly kind: 'overlap'; readonly parent: string; readonly child: string };

export type MaskResult<T> = Result<T, MaskError>;

/** A person-readable message in the server's style (`INVALID_PARAMETER_VALUE`). */
export function maskErrorMessage(error: MaskError): string {
  switch (error.kind) {
    case 'missingMask':
      return `Field 'update_mask' is required, expected non-default value (not "")!`;
    case 'unknownPath':
      return `Unknown field path in update_mask: '${error.path}'`;
    case 'missingValue':
      return `Field '${error.path}' is in update_mask but not provided in request`;
    case 'immutable':
      return `Field '${error.path}' is immutable and cannot be updated.`;
    case 'oneofConflict':
      return `Only one of ${error.members.join(', ')} may be set for '${error.path}'.`;
    case 'unknownField':
      return `Unknown field '${error.path}' in the request body.`;
    case 'overlap':
      return `update_mask names both '${error.parent}' and '${error.child}'; name the message or its fields, not both.`;
    default: {
      const never: never = error;
      throw new Error(`Unexpected mask error: ${JSON.stringify(never)}`);
    }
  }
}

/** Splits the `update_mask` query value: comma-separated, blanks dropped. */
export function parseUpdateMask(mask: string | undefined | null): string[] {
  return (mask ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

const getAt = (obj: JsonObject, path: readonly string[]): Json => {
  let cur: Json = obj;
  for (const seg of path) {
    if (!isObject(cur)) return undefined;
    cur = Object.hasOwn(cur, seg) ? cur[seg] : undefined;
  }
  // JSON null is the proto3 default: the same as leaving the field out.
  return cur === null ? undefined : cur;
};

/** Sets a value at a path, creating messages on the way; mutates `obj` (callers pass a clone). */
const setAt = (obj: JsonObject, path: readonly string[], value: Json): void => {
  let cur = obj;
  for (const seg of path.slice(0, -1)) {
    const next = cur[seg];
    if (!isObject(next)) cur[seg] = {};
    cur = cur[seg] as JsonObject;
  }
  const last = path.at(-1);
  if (last === undefined) return;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
};

type MessageShape = { readonly [field: string]: FieldShape };

function shapeAt(schema: MaskSchema, path: readonly string[]): FieldShape | undefined {
  let shape: FieldShape = schema.spec;
  for (const seg of path) {
    if (shape === 'leaf' || shape === 'whole') return undefined;
    const next: FieldShape | undefined = Object.hasOwn(shape, seg) ? shape[seg] : undefined;
    if (next === undefined) return undefined;
    shape = next;
  }
  return shape;
}

const isMessage = (shape: FieldShape | undefined): shape is MessageShape => shape !== undefined && shape !== 'leaf' && shape !== 'whole';

/** A path below `spec` as mask text. */
const specPath = (segs: readonly string[]) => ['spec', ...segs].join('.');

/** The oneof group a field belongs to, by the message it sits in. */
function groupOfField(schema: MaskSchema, message: readonly string[], field: string): OneofGroup | undefined {
  return schema.groups.find((g) => g.at === message.join('.') && g.members.includes(field));
}

/** Every leaf `*` asks for: scalar leaves (not immutable) and oneof groups; maps and lists may be left out. */
function starLeaves(schema: MaskSchema): { readonly paths: string[]; readonly groups: OneofGroup[] } {
  const paths: string[] = [];
  const groups = new Set<OneofGroup>();
  const walk = (shape: MessageShape, at: readonly string[]) => {
    for (const [field, sub] of Object.entries(shape)) {
      const segs = [...at, field];
      const group = groupOfField(schema, at, field);
      if (group) groups.add(group);
      else if (isMessage(sub)) walk(sub, segs);
      else if (sub === 'leaf' && !schema.immutable.includes(segs.join('.'))) paths.push(specPath(segs));
    }
  };
  walk(schema.spec, []);
  return { paths, groups: [...groups] };
}

/**
 * Copies what `patch` sets below `at` into `result`, leaving what it does not set (the lenient
 * replace of `spec` and `*`). Oneof members replace their group; maps and lists are taken whole;
 * immutable fields may only repeat their current value; unknown fields are refused.
 */
function mergeSet(
  schema: MaskSchema,
  shape: MessageShape,
  at: readonly string[],
  patch: JsonObject,
  current: JsonObject,
  result: JsonObject,
): MaskError | undefined {
  const seenGroups = new Map<OneofGroup, string>();
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined || value === null) continue;
    const segs = [...at, field];
    const sub = Object.hasOwn(shape, field) ? shape[field] : undefined;
    if (sub === undefined) return { kind: 'unknownField', path: specPath(segs) };
    if (schema.immutable.includes(segs.join('.'))) {
      if (!deepEqual(value, getAt(current, segs))) return { kind: 'immutable', path: specPath(segs) };
      continue;
    }
    const group = groupOfField(schema, at, field);
    if (group) {
      if (seenGroups.has(group)) return { kind: 'oneofConflict', path: group.path, members: group.members };
      seenGroups.set(group, field);
      for (const m of group.members) setAt(result, [...at, m], undefined);
      setAt(result, segs, clone(value));
    } else if (isMessage(sub) && isObject(value)) {
      const err = mergeSet(schema, sub, segs, value, current, result);
      if (err) return err;
    } else {
      setAt(result, segs, clone(value));
    }
  }
  return undefined;
}

/** Fields of `value` (a message's body) that the message does not have, at any depth. */
function unknownFieldIn(shape: MessageShape, at: readonly string[], value: JsonObject): string | undefined {
  for (const [field, v] of Object.entries(value)) {
    const sub = Object.hasOwn(shape, field) ? shape[field] : undefined;
    if (sub === undefined) return specPath([...at, field]);
    if (isMessage(sub) && isObject(v)) {
      const inner = unknownFieldIn(sub, [...at, field], v);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * Applies a PATCH's `update_mask` to the stored spec and returns the new spec (see the header for
 * the rules and their sources). `mask` holds resource-relative paths; `patchSpec` is the body's
 * `spec`. Nothing is applied unless the whole mask is valid.
 */
export function applyUpdateMask<S extends object>(
  kind: MaskedKind,
  currentSpec: S,
  patchSpec: object,
  mask: readonly string[],
): MaskResult<S> {
  const schema = SCHEMAS[kind];
  if (mask.length === 0) return { ok: false, error: { kind: 'missingMask' } };
  const current = currentSpec as JsonObject;
  const patch = (isObject(patchSpec as Json) ? patchSpec : {}) as JsonObject;
  const result = clone(current);
  const paths = [...new Set(mask)];
  // A message and one of its own fields in the same mask.
  for (const parent of paths) {
    const child = paths.find((p) => p !== parent && (parent === '*' || p.startsWith(parent + '.')));
    if (child) return { ok: false, error: { kind: 'overlap', parent, child } };
  }

  for (const path of paths) {
    if (schema.createOnly?.includes(path)) continue;
    if (path === '*') {
      const { paths: leaves, groups } = starLeaves(schema);
      for (const leaf of leaves) {
        if (getAt(patch, leaf.split('.').slice(1)) === undefined) return { ok: false, error: { kind: 'missingValue', path: leaf } };
      }
      for (const g of groups) {
        const at = g.at === '' ? [] : g.at.split('.');
        if (g.members.every((m) => getAt(patch, [...at, m]) === undefined))
          return { ok: false, error: { kind: 'missingValue', path: g.path } };
      }
    }
    if (path === '*' || path === 'spec') {
      const err = mergeSet(schema, schema.spec, [], patch, current, result);
      if (err) return { ok: false, error: err };
      continue;
    }
    const group = schema.groups.find((g) => g.path === path || g.aliases.includes(path));
    if (group) {
      const at = group.at === '' ? [] : group.at.split('.');
      const set = group.members.filter((m) => getAt(patch, [...at, m]) !== undefined);
      if (set.length === 0) return { ok: false, error: { kind: 'missingValue', path } };
      if (set.length > 1) return { ok: false, error: { kind: 'oneofConflict', path, members: group.members } };
      for (const m of group.members) setAt(result, [...at, m], clone(getAt(patch, [...at, m])));
      continue;
    }
    if (!path.startsWith('spec.')) return { ok: false, error: { kind: 'unknownPath', path } };
    const segs = path.slice('spec.'.length).split('.');
    const shape = shapeAt(schema, segs);
    // Members of a oneof can only be masked through their group path.
    const inGroup = groupOfField(schema, segs.slice(0, -1), segs.at(-1) ?? '') !== undefined;
    if (shape === undefined || inGroup || schema.unmaskable?.includes(segs.join('.'))) {
      return { ok: false, error: { kind: 'unknownPath', path } };
    }
    const value = getAt(patch, segs);
    if (value === undefined) return { ok: false, error: { kind: 'missingValue', path } };
    if (schema.immutable.includes(segs.join('.'))) {
      if (!deepEqual(value, getAt(current, segs))) return { ok: false, error: { kind: 'immutable', path } };
      continue;
    }
    if (isMessage(shape)) {
      // A whole message: replaced by the body's, whose oneof groups must be there.
      if (!isObject(value)) return { ok: false, error: { kind: 'missingValue', path } };
      const unknown = unknownFieldIn(shape, segs, value);
      if (unknown) return { ok: false, error: { kind: 'unknownField', path: unknown } };
      for (const g of schema.groups.filter((x) => x.at === segs.join('.'))) {
        if (g.members.every((m) => getAt(value, [m]) === undefined)) return { ok: false, error: { kind: 'missingValue', path: g.path } };
        if (g.members.filter((m) => getAt(value, [m]) !== undefined).length > 1)
          return { ok: false, error: { kind: 'oneofConflict', path: g.path, members: g.members } };
      }
    }
    setAt(result, segs, clone(value));
  }
  return { ok: true, value: result as S };
}
