import { describe, expect, it } from 'vitest';
import { applyUpdateMask, buildUpdateMask, diffSpec, maskErrorMessage, parseUpdateMask, type MaskedKind } from './updateMask';

describe('buildUpdateMask', () => {
  it.each<[MaskedKind, object, string[]]>([
    ['branch', { is_protected: true }, ['spec.is_protected']],
    ['branch', { ttl: '3600s' }, ['spec.expiration']],
    ['branch', { no_expiry: true, is_protected: false }, ['spec.expiration', 'spec.is_protected']],
    ['endpoint', { autoscaling_limit_max_cu: 4, suspend_timeout_duration: '300s' }, ['spec.autoscaling_limit_max_cu', 'spec.suspension']],
    ['endpoint', { no_suspension: true }, ['spec.suspension']],
    ['endpoint', { settings: { pg_settings: { work_mem: '64MB' } } }, ['spec.settings.pg_settings']],
    ['endpoint', { group: { min: 2, max: 2 } }, ['spec.group.max', 'spec.group.min']],
    ['role', { attributes: { createdb: true } }, ['spec.attributes.createdb']],
    ['role', { membership_roles: [] }, ['spec.membership_roles']],
    ['project', { display_name: 'x', custom_tags: [] }, ['spec.custom_tags', 'spec.display_name']],
    [
      'project',
      { default_endpoint_settings: { no_suspension: true, autoscaling_limit_min_cu: 1 } },
      ['spec.default_endpoint_settings.autoscaling_limit_min_cu', 'spec.default_endpoint_settings.suspension'],
    ],
    ['dataApi', { db_schemas: ['api'], db_max_rows: 100 }, ['spec.db_max_rows', 'spec.db_schemas']],
    ['database', { role: 'projects/p/branches/b/roles/r', ignored: undefined }, ['spec.role']],
  ])('%s %j → %j', (kind, changes, mask) => {
    expect(buildUpdateMask(kind, changes)).toEqual(mask);
  });
});

describe('diffSpec', () => {
  it.each<[MaskedKind, object, object, object]>([
    [
      'endpoint',
      { autoscaling_limit_max_cu: 2, disabled: false },
      { autoscaling_limit_max_cu: 4, disabled: false },
      { autoscaling_limit_max_cu: 4 },
    ],
    [
      'branch',
      { is_protected: false, ttl: '3600s' },
      { is_protected: false, expire_time: '2030-01-01T00:00:00Z' },
      { expire_time: '2030-01-01T00:00:00Z' },
    ],
    [
      'role',
      { attributes: { createdb: false, bypassrls: false } },
      { attributes: { createdb: true, bypassrls: false } },
      { attributes: { createdb: true } },
    ],
    [
      'endpoint',
      { settings: { pg_settings: { a: '1' } } },
      { settings: { pg_settings: { a: '1', b: '2' } } },
      { settings: { pg_settings: { a: '1', b: '2' } } },
    ],
    ['dataApi', { db_schemas: ['public'] }, { db_schemas: ['public'] }, {}],
  ])('%s: %j → %j is %j', (kind, before, after, diff) => {
    expect(diffSpec(kind, before, after)).toEqual(diff);
  });
});

describe('applyUpdateMask', () => {
  it('applies at the leaf, leaving siblings alone', () => {
    const current = { postgres_role: 'r', attributes: { createdb: false, bypassrls: true } };
    expect(applyUpdateMask('role', current, { attributes: { createdb: true } }, ['spec.attributes.createdb'])).toEqual({
      ok: true,
      value: { postgres_role: 'r', attributes: { createdb: true, bypassrls: true } },
    });
    // The input is not modified.
    expect(current.attributes.createdb).toBe(false);
  });

  it('ignores body fields outside the mask', () => {
    const r = applyUpdateMask(
      'endpoint',
      { autoscaling_limit_max_cu: 1, disabled: false },
      { autoscaling_limit_max_cu: 4, disabled: true },
      ['spec.autoscaling_limit_max_cu'],
    );
    expect(r).toEqual({ ok: true, value: { autoscaling_limit_max_cu: 4, disabled: false } });
  });

  it('replaces a oneof group as a unit', () => {
    expect(applyUpdateMask('branch', { is_protected: true, ttl: '3600s' }, { no_expiry: true }, ['spec.expiration'])).toEqual({
      ok: true,
      value: { is_protected: true, no_expiry: true },
    });
    expect(
      applyUpdateMask(
        'project',
        { default_endpoint_settings: { no_suspension: true, autoscaling_limit_min_cu: 1 } },
        { default_endpoint_settings: { suspend_timeout_duration: '300s' } },
        ['spec.default_endpoint_settings.suspension'],
      ),
    ).toEqual({ ok: true, value: { default_endpoint_settings: { suspend_timeout_duration: '300s', autoscaling_limit_min_cu: 1 } } });
  });

  it('replaces maps and lists whole; an empty list clears', () => {
    expect(applyUpdateMask('project', { custom_tags: [{ key: 'a', value: '1' }] }, { custom_tags: [] }, ['spec.custom_tags'])).toEqual({
      ok: true,
      value: { custom_tags: [] },
    });
    expect(
      applyUpdateMask('endpoint', { settings: { pg_settings: { a: '1' } } }, { settings: { pg_settings: { b: '2' } } }, [
        'spec.settings.pg_settings',
      ]),
    ).toEqual({
      ok: true,
      value: { settings: { pg_settings: { b: '2' } } },
    });
  });

  // The project Terraform manages: what GET shows after create with the local defaults.
  const stored = {
    display_name: 'Original Name',
    pg_version: 16,
    history_retention_duration: '604800s',
    default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 4, suspend_timeout_duration: '300s' },
    default_branch: 'projects/p/branches/production',
    enable_pg_native_login: false,
    custom_tags: [{ key: 'team', value: 'a' }],
  };

  it('`spec` applies what the body sets and keeps what it leaves out (Terraform’s full-spec PATCH)', () => {
    // Exactly Terraform's body and mask (Databricks CLI acceptance test postgres_projects/update_display_name).
    const body = {
      default_endpoint_settings: { autoscaling_limit_max_cu: 4, autoscaling_limit_min_cu: 0.5, suspend_timeout_duration: '300s' },
      display_name: 'Updated Name',
      history_retention_duration: '604800s',
      pg_version: 16,
    };
    expect(applyUpdateMask('project', stored, body, ['initial_branch_spec', 'initial_endpoint_spec', 'spec'])).toEqual({
      ok: true,
      value: { ...stored, display_name: 'Updated Name' },
    });
    // A oneof member in the body replaces its group; other nested fields stay.
    expect(applyUpdateMask('project', stored, { default_endpoint_settings: { no_suspension: true } }, ['spec'])).toEqual({
      ok: true,
      value: { ...stored, default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 4, no_suspension: true } },
    });
    // An empty spec changes nothing (the Data API's refresh-only update).
    expect(applyUpdateMask('dataApi', { db_schemas: ['public'] }, {}, ['spec'])).toEqual({ ok: true, value: { db_schemas: ['public'] } });
  });

  it('`spec` accepts immutable fields unchanged and refuses them changed', () => {
    const branch = { source_branch: 'projects/p/branches/production', is_protected: false, no_expiry: true };
    expect(applyUpdateMask('branch', branch, { source_branch: branch.source_branch, is_protected: true, ttl: '3600s' }, ['spec'])).toEqual({
      ok: true,
      value: { source_branch: branch.source_branch, is_protected: true, ttl: '3600s' },
    });
    const role = { postgres_role: 'app_role', auth_method: 'PG_PASSWORD_SCRAM_SHA_256', attributes: { createdb: false } };
    expect(applyUpdateMask('role', role, { postgres_role: 'app_role', attributes: { createdb: true } }, ['spec'])).toEqual({
      ok: true,
      value: { ...role, attributes: { createdb: true } },
    });
    const renamed = applyUpdateMask('role', role, { postgres_role: 'other' }, ['spec']);
    expect(renamed.ok || maskErrorMessage(renamed.error)).toBe("Field 'spec.postgres_role' is immutable and cannot be updated.");
  });

  it('`*` needs every updatable leaf in the body; then applies it', () => {
    const minimal = applyUpdateMask('project', stored, { display_name: 'x', pg_version: 16 }, ['*']);
    expect(minimal.ok).toBe(false);
    if (!minimal.ok)
      expect(maskErrorMessage(minimal.error)).toMatch(/^Field 'spec\.[a-z_.]+' is in update_mask but not provided in request$/);
    const full = {
      display_name: 'Full',
      history_retention_duration: '172800s',
      default_endpoint_settings: { autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 2, no_suspension: true },
      default_branch: 'projects/p/branches/production',
      enable_pg_native_login: true,
      budget_policy_id: 'bp',
      compute_provisioner: 'cp',
    };
    const r = applyUpdateMask('project', stored, full, ['*']);
    expect(r).toEqual({ ok: true, value: { ...stored, ...full } });
    // pg_version is never wiped by `*`.
    expect(r.ok && r.value.pg_version).toBe(16);
  });

  it('a message path replaces that message, whose oneof groups must be in the body', () => {
    expect(
      applyUpdateMask('project', stored, { default_endpoint_settings: { autoscaling_limit_max_cu: 8, no_suspension: true } }, [
        'spec.default_endpoint_settings',
      ]),
    ).toEqual({ ok: true, value: { ...stored, default_endpoint_settings: { autoscaling_limit_max_cu: 8, no_suspension: true } } });
    const r = applyUpdateMask('project', stored, { default_endpoint_settings: { autoscaling_limit_max_cu: 8 } }, [
      'spec.default_endpoint_settings',
    ]);
    expect(r.ok || maskErrorMessage(r.error)).toBe(
      "Field 'spec.default_endpoint_settings.suspension' is in update_mask but not provided in request",
    );
  });

  it('accepts both spellings of the project suspension group', () => {
    for (const path of ['spec.default_endpoint_settings.suspension', 'spec.project_default_settings.suspension']) {
      expect(applyUpdateMask('project', stored, { default_endpoint_settings: { no_suspension: true } }, [path])).toEqual({
        ok: true,
        value: {
          ...stored,
          default_endpoint_settings: { autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 4, no_suspension: true },
        },
      });
    }
  });

  it.each<[MaskedKind, object, object, string[], string]>([
    ['branch', {}, {}, [], `Field 'update_mask' is required, expected non-default value (not "")!`],
    ['branch', {}, { is_protected: true }, ['spec.nope'], "Unknown field path in update_mask: 'spec.nope'"],
    ['branch', {}, { ttl: '60s' }, ['spec.ttl'], "Unknown field path in update_mask: 'spec.ttl'"],
    ['branch', {}, { is_protected: true }, ['is_protected'], "Unknown field path in update_mask: 'is_protected'"],
    ['branch', {}, {}, ['spec.is_protected'], "Field 'spec.is_protected' is in update_mask but not provided in request"],
    [
      'branch',
      {},
      { is_protected: null },
      ['spec.is_protected'],
      "Field 'spec.is_protected' is in update_mask but not provided in request",
    ],
    ['branch', {}, {}, ['spec.expiration'], "Field 'spec.expiration' is in update_mask but not provided in request"],
    [
      'branch',
      {},
      { ttl: '60s', no_expiry: true },
      ['spec.expiration'],
      "Only one of ttl, expire_time, no_expiry may be set for 'spec.expiration'.",
    ],
    ['branch', {}, { ttl: '60s', no_expiry: true }, ['spec'], "Only one of ttl, expire_time, no_expiry may be set for 'spec.expiration'."],
    [
      'branch',
      { source_branch: 'a' },
      { source_branch: 'b' },
      ['spec.source_branch'],
      "Field 'spec.source_branch' is immutable and cannot be updated.",
    ],
    ['project', { pg_version: 16 }, { pg_version: 17 }, ['spec'], "Field 'spec.pg_version' is immutable and cannot be updated."],
    [
      'endpoint',
      { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE' },
      { endpoint_type: 'ENDPOINT_TYPE_READ_ONLY' },
      ['spec.endpoint_type'],
      "Field 'spec.endpoint_type' is immutable and cannot be updated.",
    ],
    [
      'project',
      {},
      { default_endpoint_settings: { suspend_timeout_duration: '60s' } },
      ['spec.default_endpoint_settings.suspend_timeout_duration'],
      "Unknown field path in update_mask: 'spec.default_endpoint_settings.suspend_timeout_duration'",
    ],
    [
      'role',
      { postgres_role: 'r' },
      { postgres_role: 'r' },
      ['spec.postgres_role'],
      "Unknown field path in update_mask: 'spec.postgres_role'",
    ],
    ['role', {}, { auth_method: 'NO_LOGIN' }, ['spec.auth_method'], "Unknown field path in update_mask: 'spec.auth_method'"],
    [
      'role',
      {},
      { attributes: { createdb: true } },
      ['spec.attributes', 'spec.attributes.createdb'],
      "update_mask names both 'spec.attributes' and 'spec.attributes.createdb'; name the message or its fields, not both.",
    ],
    [
      'project',
      {},
      { display_name: 'x' },
      ['spec', 'spec.display_name'],
      "update_mask names both 'spec' and 'spec.display_name'; name the message or its fields, not both.",
    ],
    ['project', {}, { display_name: 'x', colour: 'red' }, ['spec'], "Unknown field 'spec.colour' in the request body."],
    [
      'project',
      {},
      { default_endpoint_settings: { no_suspension: true, turbo: true } },
      ['spec.default_endpoint_settings'],
      "Unknown field 'spec.default_endpoint_settings.turbo' in the request body.",
    ],
    // initial_* are the project's create-only fields; a branch has none.
    ['branch', {}, { is_protected: true }, ['initial_branch_spec'], "Unknown field path in update_mask: 'initial_branch_spec'"],
  ])('%s rejects %j ← %j with %j', (kind, current, patch, mask, message) => {
    const r = applyUpdateMask(kind, current, patch, mask);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(maskErrorMessage(r.error)).toBe(message);
  });

  it('round-trips: diff → mask → apply reproduces the edited spec', () => {
    const before = {
      endpoint_type: 'ENDPOINT_TYPE_READ_WRITE',
      autoscaling_limit_min_cu: 1,
      autoscaling_limit_max_cu: 2,
      suspend_timeout_duration: '300s',
      settings: { pg_settings: { a: '1' } },
    };
    const after = {
      endpoint_type: 'ENDPOINT_TYPE_READ_WRITE',
      autoscaling_limit_min_cu: 1,
      autoscaling_limit_max_cu: 4,
      no_suspension: true,
      settings: { pg_settings: { a: '2' } },
    };
    const changes = diffSpec('endpoint', before, after);
    expect(applyUpdateMask('endpoint', before, changes, buildUpdateMask('endpoint', changes))).toEqual({ ok: true, value: after });
  });
});

describe('parseUpdateMask', () => {
  it.each([
    ['spec.a,spec.b', ['spec.a', 'spec.b']],
    [' spec.a , ,spec.b ', ['spec.a', 'spec.b']],
    ['', []],
    [undefined, []],
  ])('%j → %j', (text, paths) => {
    expect(parseUpdateMask(text)).toEqual(paths);
  });
});
