import { describe, expect, it } from 'vitest';
import {
  endpointHost,
  normalizeBranch,
  normalizeCredential,
  normalizeEndpointType,
  normalizeListPage,
  normalizeOperation,
  normalizeProject,
  normalizeRole,
  toInt64,
} from './normalize';

describe('lenient reading', () => {
  it.each<[unknown, number | undefined]>([
    [42, 42],
    ['8796093022208', 8796093022208],
    [' 7 ', 7],
    ['1.5', 1.5],
    ['12abc', undefined],
    [null, undefined],
    [Number.NaN, undefined],
  ])('int64 %j → %j', (v, n) => {
    expect(toInt64(v)).toBe(n);
  });

  it.each([
    ['READ_WRITE', 'ENDPOINT_TYPE_READ_WRITE'],
    ['READ_ONLY', 'ENDPOINT_TYPE_READ_ONLY'],
    ['ENDPOINT_TYPE_READ_ONLY', 'ENDPOINT_TYPE_READ_ONLY'],
    ['ENDPOINT_TYPE_SOMETHING_NEW', 'ENDPOINT_TYPE_SOMETHING_NEW'],
  ])('endpoint type %s → %s', (v, t) => {
    expect(normalizeEndpointType(v)).toBe(t);
  });

  it.each([
    ['current', { status: { hosts: { host: 'a.example.com' } } }, 'a.example.com'],
    ['status.host', { status: { host: 'b.example.com' } }, 'b.example.com'],
    ['flat', { host: 'c.example.com' }, 'c.example.com'],
    ['none', {}, undefined],
  ])('endpoint host from the %s shape', (_, e, host) => {
    expect(endpointHost(e)).toBe(host);
  });

  it('derives missing short ids from the name, top level and in status', () => {
    expect(normalizeProject({ name: 'projects/p1' })).toEqual({ name: 'projects/p1', project_id: 'p1', status: { project_id: 'p1' } });
    expect(normalizeRole({ name: 'projects/p/branches/b/roles/r', status: { role_id: 'r' } })).toMatchObject({ role_id: 'r' });
  });

  it('keeps unknown fields and enum values, converts int64 strings, maps the removed BranchSpec.default', () => {
    expect(
      normalizeBranch({
        name: 'projects/p/branches/b',
        future_field: 1,
        spec: { default: true },
        status: { current_state: 'HIBERNATING', logical_size_bytes: '2048' },
      }),
    ).toEqual({
      name: 'projects/p/branches/b',
      branch_id: 'b',
      future_field: 1,
      spec: { default: true },
      status: { branch_id: 'b', current_state: 'HIBERNATING', logical_size_bytes: 2048, default: true },
    });
  });

  it.each<[unknown, boolean]>([
    [{ name: 'op', done: false }, false],
    [{ name: 'op' }, false],
    [{ name: 'op', response: {} }, true],
    [{ name: 'op', error: { error_code: 7, message: 'x' } }, true],
    [{ done: 'true' }, true],
  ])('operation %j is done: %s', (raw, done) => {
    expect(normalizeOperation(raw).done).toBe(done);
  });

  it('error codes in operations become strings; credentials accept the older expiration_time', () => {
    expect(normalizeOperation({ done: true, error: { error_code: 7 } }).error?.error_code).toBe('7');
    expect(normalizeCredential({ token: 't', expiration_time: '2030-01-01T00:00:00Z' }).expire_time).toBe('2030-01-01T00:00:00Z');
  });

  it.each<[unknown, { items: unknown[]; nextPageToken?: string }]>([
    [{}, { items: [] }],
    [
      { roles: [{ name: 'projects/p/branches/b/roles/r' }], next_page_token: '' },
      { items: [{ name: 'projects/p/branches/b/roles/r', role_id: 'r', status: { role_id: 'r' } }] },
    ],
    [
      { roles: [], next_page_token: 'abc' },
      { items: [], nextPageToken: 'abc' },
    ],
    ['garbage', { items: [] }],
  ])('list page %j', (raw, page) => {
    expect(normalizeListPage(raw, 'roles', normalizeRole)).toEqual(page);
  });
});
