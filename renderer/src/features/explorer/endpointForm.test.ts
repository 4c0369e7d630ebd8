import { describe, expect, it } from 'vitest';
import { checkEndpointForm, INITIAL_ENDPOINT_FORM, type EndpointForm } from './endpointForm';

const target = { workspaceId: 'local', branch: 'projects/local/branches/dev' };
const check = (change: Partial<EndpointForm>) => checkEndpointForm({ ...INITIAL_ENDPOINT_FORM, endpointId: 'replica', ...change }, target);

describe('checkEndpointForm', () => {
  it('creates a read-only endpoint with the project’s defaults', () => {
    expect(check({})).toEqual({ ok: true, input: { ...target, endpointId: 'replica', type: 'READ_ONLY' } });
  });

  it('passes CU limits and a suspend timeout in seconds', () => {
    expect(check({ type: 'READ_WRITE', minCu: '0.5', maxCu: '4', suspend: 'after', suspendMinutes: '10' })).toEqual({
      ok: true,
      input: { ...target, endpointId: 'replica', type: 'READ_WRITE', minCu: 0.5, maxCu: 4, suspendTimeoutSeconds: 600 },
    });
    expect(check({ suspend: 'never' })).toMatchObject({ ok: true, input: { noSuspension: true } });
  });

  it.each([
    [{ endpointId: 'Replica' }, 'endpointId'],
    [{ minCu: '1.5' }, 'minCu'],
    [{ maxCu: '200' }, 'maxCu'],
    [{ minCu: '4', maxCu: '2' }, 'minCu'],
    [{ suspend: 'after', suspendMinutes: '0' }, 'suspendMinutes'],
  ] as const)('refuses %j in %s', (change, field) => {
    const r = check(change);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([field]);
  });
});
