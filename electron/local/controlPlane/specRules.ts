import type { BranchSpec, EndpointSpec, ProjectDefaultEndpointSettings, ProjectSpec } from '../../../shared/management';
import { applyUpdateMask, maskErrorMessage, type MaskedKind } from '../../../shared/management';
import { isPostgresMajor, POSTGRES_MAJORS } from '../postgres/binaries';
import { ApiFailure, invalidParameter } from './apiFailure';
import { durationIn, isObject, parseTimestamp } from './wireValues';

/** Reads an optional object field of the body, refusing other types. */
export function objectField(body: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw invalidParameter(`Field '${field}' must be an object.`);
  return v;
}

function checkCu(prefix: string, min: unknown, max: unknown): void {
  for (const [f, v] of [
    ['autoscaling_limit_min_cu', min],
    ['autoscaling_limit_max_cu', max],
  ] as const) {
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v === 0.5 || (Number.isInteger(v) && v >= 1 && v <= 112))) {
      throw invalidParameter(`Field '${prefix}${f}' must be 0.5 or a whole number of CU from 1 to 112, got ${JSON.stringify(v)}.`);
    }
  }
  if (typeof min === 'number' && typeof max === 'number') {
    if (min > max)
      throw invalidParameter(`Field '${prefix}autoscaling_limit_min_cu' (${min}) must not exceed autoscaling_limit_max_cu (${max}).`);
    if (max <= 64 && max - min > 16)
      throw invalidParameter(`Autoscaling range ${min}–${max} CU is too wide: max − min must be at most 16.`);
  }
}

function checkSuspension(prefix: string, s: { suspend_timeout_duration?: unknown; no_suspension?: unknown }): void {
  if (s.suspend_timeout_duration !== undefined && s.no_suspension === true) {
    throw invalidParameter(`Fields '${prefix}suspend_timeout_duration' and '${prefix}no_suspension' are mutually exclusive; set one.`);
  }
  if (s.suspend_timeout_duration !== undefined) durationIn(`${prefix}suspend_timeout_duration`, s.suspend_timeout_duration, 60, 604800);
  if (s.no_suspension !== undefined && typeof s.no_suspension !== 'boolean')
    throw invalidParameter(`Field '${prefix}no_suspension' must be a boolean.`);
}

function checkPgSettings(field: string, v: unknown): void {
  if (v === undefined) return;
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === 'string'))
    throw invalidParameter(`Field '${field}' must map setting names to strings.`);
}

export function checkProjectSpec(s: ProjectSpec): void {
  if (s.display_name !== undefined && (typeof s.display_name !== 'string' || s.display_name.length < 1 || s.display_name.length > 256)) {
    throw invalidParameter(`Field 'spec.display_name' must be 1 to 256 characters.`);
  }
  if (s.pg_version !== undefined && !isPostgresMajor(s.pg_version)) {
    throw invalidParameter(`Field 'spec.pg_version' must be one of ${POSTGRES_MAJORS.join(', ')}, got ${JSON.stringify(s.pg_version)}.`);
  }
  if (s.history_retention_duration !== undefined)
    durationIn('spec.history_retention_duration', s.history_retention_duration, 172800, 3024000);
  const d = s.default_endpoint_settings;
  if (d !== undefined) {
    if (!isObject(d)) throw invalidParameter(`Field 'spec.default_endpoint_settings' must be an object.`);
    checkCu('spec.default_endpoint_settings.', d.autoscaling_limit_min_cu, d.autoscaling_limit_max_cu);
    checkSuspension('spec.default_endpoint_settings.', d);
    checkPgSettings('spec.default_endpoint_settings.pg_settings', d.pg_settings);
  }
  if (s.enable_pg_native_login !== undefined && typeof s.enable_pg_native_login !== 'boolean')
    throw invalidParameter(`Field 'spec.enable_pg_native_login' must be a boolean.`);
  if (s.custom_tags !== undefined && (!Array.isArray(s.custom_tags) || !s.custom_tags.every(isObject))) {
    throw invalidParameter(`Field 'spec.custom_tags' must be a list of {key, value}.`);
  }
}

/** Branch expiration oneof: exactly one of ttl / expire_time / no_expiry=true. */
export function checkBranchExpiration(s: BranchSpec, now = Date.now()): void {
  const set = (['ttl', 'expire_time', 'no_expiry'] as const).filter((k) => s[k] !== undefined);
  if (set.length > 1)
    throw invalidParameter(`Set only one of 'spec.ttl', 'spec.expire_time' and 'spec.no_expiry' (got ${set.join(', ')}).`);
  if (s.no_expiry !== undefined && s.no_expiry !== true)
    throw invalidParameter(`Field 'spec.no_expiry' can only be true; use ttl or expire_time for an expiring branch.`);
  if (s.ttl !== undefined) durationIn('spec.ttl', s.ttl, 1, 30 * 86400);
  if (s.expire_time !== undefined) {
    const t = parseTimestamp('spec.expire_time', s.expire_time).getTime();
    if (t <= now) throw invalidParameter(`Field 'spec.expire_time' must be in the future.`);
    if (t > now + 30 * 86400_000) throw invalidParameter(`Field 'spec.expire_time' must be at most 30 days ahead.`);
  }
  if (s.is_protected !== undefined && typeof s.is_protected !== 'boolean')
    throw invalidParameter(`Field 'spec.is_protected' must be a boolean.`);
}

export const ENDPOINT_TYPES = ['ENDPOINT_TYPE_READ_WRITE', 'ENDPOINT_TYPE_READ_ONLY'] as const;
const LEGACY_TYPES: Record<string, string> = { READ_WRITE: 'ENDPOINT_TYPE_READ_WRITE', READ_ONLY: 'ENDPOINT_TYPE_READ_ONLY' };

export function normalizeEndpointType(t: unknown): string | undefined {
  return typeof t === 'string' ? (LEGACY_TYPES[t] ?? t) : undefined;
}

export function checkEndpointSpec(s: EndpointSpec): void {
  if (!(ENDPOINT_TYPES as readonly string[]).includes(s.endpoint_type ?? '')) {
    if (s.endpoint_type === undefined)
      throw invalidParameter(`Field 'endpoint.spec.endpoint_type' is required, expected non-default value (not "")!`);
    throw invalidParameter(
      `Field 'spec.endpoint_type' must be ENDPOINT_TYPE_READ_WRITE or ENDPOINT_TYPE_READ_ONLY, got ${JSON.stringify(s.endpoint_type)}.`,
    );
  }
  checkCu('spec.', s.autoscaling_limit_min_cu, s.autoscaling_limit_max_cu);
  checkSuspension('spec.', s);
  if (s.disabled !== undefined && typeof s.disabled !== 'boolean') throw invalidParameter(`Field 'spec.disabled' must be a boolean.`);
  if (s.group !== undefined) {
    const g = s.group as unknown;
    if (!isObject(g) || !Number.isInteger(g.min) || (g.min as number) < 1 || g.max !== g.min) {
      throw invalidParameter(`Field 'spec.group' needs whole numbers min ≥ 1 and max equal to min.`);
    }
  }
  checkPgSettings('spec.settings.pg_settings', s.settings?.pg_settings);
}

/** Fills endpoint fields the request left out from the project's defaults; one suspension member wins. */
export function endpointDefaults(given: EndpointSpec, defaults: ProjectDefaultEndpointSettings | undefined): EndpointSpec {
  const hasSuspension = given.suspend_timeout_duration !== undefined || given.no_suspension !== undefined;
  const spec: EndpointSpec = {
    ...given,
    endpoint_type: normalizeEndpointType(given.endpoint_type),
    autoscaling_limit_min_cu: given.autoscaling_limit_min_cu ?? defaults?.autoscaling_limit_min_cu ?? 1,
    autoscaling_limit_max_cu: given.autoscaling_limit_max_cu ?? defaults?.autoscaling_limit_max_cu ?? given.autoscaling_limit_min_cu ?? 1,
    disabled: given.disabled ?? false,
  };
  if (given.settings === undefined && defaults?.pg_settings) spec.settings = { pg_settings: { ...defaults.pg_settings } };
  if (!hasSuspension) {
    if (defaults?.no_suspension) spec.no_suspension = true;
    else spec.suspend_timeout_duration = defaults?.suspend_timeout_duration ?? '86400s';
  }
  if (spec.no_suspension === false) delete spec.no_suspension;
  return spec;
}

/** `update_mask` from the query string, applied with the shared mask rules; errors in the service's words. */
export function maskedUpdate<S extends object>(kind: MaskedKind, current: S, body: Record<string, unknown>, query: URLSearchParams): S {
  const maskText = query.get('update_mask') ?? '';
  const mask = maskText
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const patch = objectField(body, 'spec') ?? {};
  const result = applyUpdateMask(kind, current, patch, mask);
  if (!result.ok) throw new ApiFailure('INVALID_PARAMETER_VALUE', maskErrorMessage(result.error));
  return result.value;
}
