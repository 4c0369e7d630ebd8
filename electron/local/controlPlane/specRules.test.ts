import { describe, expect, it } from 'vitest';
import type { EndpointSpec } from '../../../shared/management';
import { checkBranchExpiration, checkEndpointSpec, checkProjectSpec, endpointDefaults, maskedUpdate } from './specRules';

const rw = (extra: EndpointSpec = {}): EndpointSpec => ({ endpoint_type: 'ENDPOINT_TYPE_READ_WRITE', ...extra });

describe('checkEndpointSpec', () => {
  it.each<[string, EndpointSpec]>([
    ['minimal', rw()],
    ['0.5 CU', rw({ autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 0.5 })],
    ['range of 16', rw({ autoscaling_limit_min_cu: 4, autoscaling_limit_max_cu: 20 })],
    ['suspension', rw({ suspend_timeout_duration: '60s' })],
    ['no suspension', rw({ no_suspension: true })],
    ['read only, HA group', { endpoint_type: 'ENDPOINT_TYPE_READ_ONLY', group: { min: 2, max: 2 } }],
  ])('accepts %s', (_, spec) => {
    expect(() => checkEndpointSpec(spec)).not.toThrow();
  });

  it.each<[string, EndpointSpec, RegExp]>([
    ['missing type', {}, /endpoint_type' is required/],
    ['unknown type', { endpoint_type: 'FAST' }, /endpoint_type/],
    ['0.7 CU', rw({ autoscaling_limit_min_cu: 0.7 }), /0\.5 or a whole number/],
    ['min above max', rw({ autoscaling_limit_min_cu: 4, autoscaling_limit_max_cu: 2 }), /must not exceed/],
    ['range of 17', rw({ autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 18 }), /at most 16/],
    ['suspend too short', rw({ suspend_timeout_duration: '59s' }), /between 60s and 604800s/],
    ['both suspension fields', rw({ suspend_timeout_duration: '60s', no_suspension: true }), /mutually exclusive/],
    ['group max ≠ min', rw({ group: { min: 1, max: 2 } }), /max equal to min/],
  ])('refuses %s', (_, spec, message) => {
    expect(() => checkEndpointSpec(spec)).toThrow(message);
  });
});

describe('endpointDefaults', () => {
  it('inherits the project defaults and lets one suspension member win', () => {
    const defaults = { autoscaling_limit_min_cu: 2, autoscaling_limit_max_cu: 4, suspend_timeout_duration: '600s' };
    expect(endpointDefaults({ endpoint_type: 'READ_ONLY' }, defaults)).toEqual({
      endpoint_type: 'ENDPOINT_TYPE_READ_ONLY',
      autoscaling_limit_min_cu: 2,
      autoscaling_limit_max_cu: 4,
      disabled: false,
      suspend_timeout_duration: '600s',
    });
    expect(endpointDefaults(rw({ no_suspension: true }), defaults)).toMatchObject({ no_suspension: true });
    expect(endpointDefaults(rw({ no_suspension: true }), defaults).suspend_timeout_duration).toBeUndefined();
  });
});

describe('checkBranchExpiration', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([{}, { ttl: '3600s' }, { expire_time: '2026-01-02T00:00:00Z' }, { no_expiry: true }])('accepts %j', (spec) => {
    expect(() => checkBranchExpiration(spec, now)).not.toThrow();
  });
  it.each<[object, RegExp]>([
    [{ ttl: '3600s', no_expiry: true }, /only one/],
    [{ no_expiry: false }, /can only be true/],
    [{ expire_time: '2025-12-31T00:00:00Z' }, /future/],
    [{ ttl: '2592001s' }, /between/],
  ])('refuses %j', (spec, message) => {
    expect(() => checkBranchExpiration(spec, now)).toThrow(message);
  });
});

describe('checkProjectSpec', () => {
  it.each([16, 17, 18])('accepts pg_version %i', (pg_version) => {
    expect(() => checkProjectSpec({ pg_version })).not.toThrow();
  });

  it.each<[object, RegExp]>([
    [{ display_name: '' }, /1 to 256/],
    [{ pg_version: 15 }, /must be one of 16, 17, 18, got 15/],
    [{ pg_version: '17' }, /must be one of 16, 17, 18/],
    [{ history_retention_duration: '3600s' }, /between 172800s and 3024000s/],
    [{ default_endpoint_settings: { autoscaling_limit_min_cu: 0.25 } }, /default_endpoint_settings\.autoscaling_limit_min_cu/],
  ])('refuses %j', (spec, message) => {
    expect(() => checkProjectSpec(spec)).toThrow(message);
  });
});

describe('maskedUpdate', () => {
  const current = rw({ autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 2, suspend_timeout_duration: '300s' });
  const q = (mask: string) => new URLSearchParams({ update_mask: mask });

  it('applies the suspension group and leaves the rest', () => {
    expect(maskedUpdate('endpoint', current, { spec: { no_suspension: true, autoscaling_limit_max_cu: 9 } }, q('spec.suspension'))).toEqual(
      rw({ autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 2, no_suspension: true }),
    );
  });

  it.each([
    ['spec.autoscaling_limit_max_cu', {}, /is in update_mask but not provided in request/],
    ['spec.endpoint_type', { endpoint_type: 'ENDPOINT_TYPE_READ_ONLY' }, /immutable/],
    ['spec.nothing', { nothing: 1 }, /Unknown field path in update_mask: 'spec.nothing'/],
  ])('refuses mask %s', (mask, spec, message) => {
    expect(() => maskedUpdate('endpoint', current, { spec }, q(mask))).toThrow(message);
  });
});
