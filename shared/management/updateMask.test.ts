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
      ['spec.default_endpoint_settings.autoscaling_limit_min_cu', 'spec.project_default_settings.suspension'],
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

  it('replaces the whole spec for `spec` and `*`', () => {
    for (const path of ['spec', '*']) {
      expect(
        applyUpdateMask(
          'endpoint',
          { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE', disabled: true },
          { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE', autoscaling_limit_max_cu: 2 },
          [path],
        ),
      ).toEqual({
        ok: true,
        value: { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE', autoscaling_limit_max_cu: 2 },
      });
    }
  });

  it.each<[MaskedKind, object, object, string[], string]>([
    ['branch', {}, {}, [], `Field 'update_mask' is required, expected non-default value (not "")!`],
    ['branch', {}, { is_protected: true }, ['spec.nope'], "Invalid update_mask path 'spec.nope': no such updatable field."],
    ['branch', {}, { ttl: '60s' }, ['spec.ttl'], "Invalid update_mask path 'spec.ttl': no such updatable field."],
    ['branch', {}, { is_protected: true }, ['is_protected'], "Invalid update_mask path 'is_protected': no such updatable field."],
    ['branch', {}, {}, ['spec.is_protected'], "Field 'spec.is_protected' is in update_mask but not set in the request body."],
    ['branch', {}, {}, ['spec.expiration'], "Field 'spec.expiration' is in update_mask but not set in the request body."],
    [
      'branch',
      {},
      { ttl: '60s', no_expiry: true },
      ['spec.expiration'],
      "Only one of ttl, expire_time, no_expiry may be set for 'spec.expiration'.",
    ],
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
