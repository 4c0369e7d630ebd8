import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatResourceName, parseResourceName, type ResourceName } from './resourceName';
import { applyUpdateMask, buildUpdateMask, diffSpec } from './updateMask';

const id = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);

const endpointSpec = fc
  .record(
    {
      endpoint_type: fc.constant('ENDPOINT_TYPE_READ_WRITE'),
      autoscaling_limit_min_cu: fc.constantFrom(0.5, 1, 2),
      autoscaling_limit_max_cu: fc.constantFrom(1, 2, 4, 8),
      disabled: fc.boolean(),
      settings: fc.record({
        pg_settings: fc.dictionary(fc.constantFrom('work_mem', 'statement_timeout', 'search_path'), fc.string({ maxLength: 5 })),
      }),
    },
    { requiredKeys: ['endpoint_type'] },
  )
  .chain((base) =>
    fc.oneof(
      fc.constant(base),
      fc.constantFrom('60s', '300s').map((d) => ({ ...base, suspend_timeout_duration: d })),
      fc.constant({ ...base, no_suspension: true }),
    ),
  );

describe('update masks (properties)', () => {
  it('diff → mask → apply turns any endpoint spec into any other (same type)', () => {
    fc.assert(
      fc.property(endpointSpec, endpointSpec, (before, after) => {
        // A PATCH sets values; it cannot unset a plain field (masked-but-absent is refused), so
        // the edit keeps every field the spec had (oneof members may switch).
        const oneof = ['suspend_timeout_duration', 'no_suspension'];
        const hasGroup = (spec: object) => oneof.some((k) => k in spec);
        fc.pre(Object.keys(before).every((k) => oneof.includes(k) || k in after) && (!hasGroup(before) || hasGroup(after)));
        const changes = diffSpec('endpoint', before, after);
        const mask = buildUpdateMask('endpoint', changes);
        if (mask.length === 0) {
          expect(before).toEqual(after);
          return;
        }
        expect(applyUpdateMask('endpoint', before, changes, mask)).toEqual({ ok: true, value: after });
      }),
    );
  });

  it('resource names round-trip', () => {
    const name: fc.Arbitrary<ResourceName> = fc.oneof(
      id.map((projectId) => ({ kind: 'project' as const, projectId })),
      fc.tuple(id, id).map(([projectId, branchId]) => ({ kind: 'branch' as const, projectId, branchId })),
      fc.tuple(id, id, id).map(([projectId, branchId, endpointId]) => ({ kind: 'endpoint' as const, projectId, branchId, endpointId })),
      fc.tuple(id, id, id).map(([projectId, branchId, roleId]) => ({ kind: 'role' as const, projectId, branchId, roleId })),
      fc.tuple(id, id, id).map(([projectId, branchId, databaseId]) => ({ kind: 'database' as const, projectId, branchId, databaseId })),
      fc.tuple(id, id, id).map(([projectId, branchId, databaseId]) => ({ kind: 'dataApi' as const, projectId, branchId, databaseId })),
    );
    fc.assert(
      fc.property(name, (n) => {
        expect(parseResourceName(formatResourceName(n))).toEqual(n);
      }),
    );
  });

  it('names with anything outside the id alphabet never parse', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /[^a-z0-9-]/.test(s) && !s.includes('/')),
        (bad) => {
          expect(parseResourceName(`projects/${bad}`)).toBeUndefined();
          expect(parseResourceName(`projects/p/branches/${bad}`)).toBeUndefined();
        },
      ),
    );
  });
});
