import type { Result } from '../contract/result';
/**
 * update_mask helpers (reference §5). Clients build a mask from the fields a user changed; the local
 * server applies a mask to a stored resource. Both use one table of spec fields per resource so they
 * agree on leaves, whole-value fields (maps, lists) and oneof groups.
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
        // Documented spelling; `spec.default_endpoint_settings.suspension` may be the real one (unconfirmed).
        path: 'spec.project_default_settings.suspension',
        aliases: ['spec.default_endpoint_settings.suspension'],
        at: 'default_endpoint_settings',
        members: ['suspend_timeout_duration', 'no_suspension'],
      },
    ],
    immutable: ['pg_version'],
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
    immutable: [],
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
  | { readonly kind: 'oneofConflict'; readonly path: string; readonly members: readonly string[] };

export type MaskResult<T> = Result<T, MaskError>;

/** A person-readable message in the server's style (`INVALID_PARAMETER_VALUE`). */
export function maskErrorMessage(error: MaskError): string {
  switch (error.kind) {
    case 'missingMask':
      return `Field 'update_mask' is required, expected non-default value (not "")!`;
    case 'unknownPath':
      return `Invalid update_mask path '${error.path}': no such updatable field.`;
    case 'missingValue':
      return `Field '${error.path}' is in update_mask but not set in the request body.`;
    case 'immutable':
      return `Field '${error.path}' is immutable and cannot be updated.`;
    case 'oneofConflict':
      return `Only one of ${error.members.join(', ')} may be set for '${error.path}'.`;
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
    cur = cur[seg];
  }
  return cur;
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

function shapeAt(schema: MaskSchema, path: readonly string[]): FieldShape | undefined {
  let shape: FieldShape = schema.spec;
  for (const seg of path) {
    if (shape === 'leaf' || shape === 'whole') return undefined;
    const next: FieldShape | undefined = shape[seg];
    if (next === undefined) return undefined;
    shape = next;
  }
  return shape;
}

/**
 * Applies a PATCH: copies the masked paths of `patch.spec` into `current.spec`, at the leaf, and
 * returns the new spec. `spec` and `*` replace the whole spec; oneof group paths replace the group
 * (members absent from the patch are cleared). Masked paths must be set in the patch; immutable
 * fields may not change (setting them to their current value is allowed, as a full-spec PATCH does).
 */
export function applyUpdateMask<S extends object>(
  kind: MaskedKind,
  currentSpec: S,
  patchSpec: object,
  mask: readonly string[],
): MaskResult<S> {
  const schema = SCHEMAS[kind];
  if (mask.length === 0) return { ok: false, error: { kind: 'missingMask' } };
  const result = clone(currentSpec) as JsonObject;
  const patch = patchSpec as JsonObject;
  const checkImmutables = (): MaskError | undefined => {
    for (const f of schema.immutable) {
      const path = f.split('.');
      const pv = getAt(patch, path);
      if (pv !== undefined && !deepEqual(pv, getAt(currentSpec as JsonObject, path))) return { kind: 'immutable', path: `spec.${f}` };
    }
    return undefined;
  };

  for (const path of mask) {
    if (path === 'spec' || path === '*') {
      const err = checkImmutables();
      if (err) return { ok: false, error: err };
      for (const k of Object.keys(result)) delete result[k];
      Object.assign(result, clone(patch));
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
    const inGroup = schema.groups.some((g) => g.at === segs.slice(0, -1).join('.') && g.members.includes(segs.at(-1) ?? ''));
    if (shape === undefined || inGroup) return { ok: false, error: { kind: 'unknownPath', path } };
    const value = getAt(patch, segs);
    if (value === undefined) return { ok: false, error: { kind: 'missingValue', path } };
    if (schema.immutable.includes(segs.join('.')) && !deepEqual(value, getAt(currentSpec as JsonObject, segs))) {
      return { ok: false, error: { kind: 'immutable', path } };
    }
    setAt(result, segs, clone(value));
  }
  return { ok: true, value: result as S };
}
