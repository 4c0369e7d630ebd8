import { describe, expect, it } from 'vitest';
import { dataApiChanges, dataApiFormFrom } from './dataApiForm';

const current = dataApiFormFrom({ dbSchemas: ['public'], maxRows: 1000, aggregatesEnabled: false, jwtRoleClaimKey: '.sub' });

describe('dataApiChanges', () => {
  it('sends nothing when nothing changed, and only the edited settings otherwise', () => {
    expect(dataApiChanges(current, current)).toEqual({ ok: true, settings: {} });
    expect(dataApiChanges({ ...current, dbSchemas: 'public, api ', aggregatesEnabled: true }, current)).toEqual({
      ok: true,
      settings: { dbSchemas: ['public', 'api'], aggregatesEnabled: true },
    });
  });

  it('sends every setting that has a value when enabling', () => {
    const enabling = dataApiChanges(dataApiFormFrom({}), null);
    expect(enabling).toEqual({
      ok: true,
      settings: { dbSchemas: ['public'], extraSearchPath: [], aggregatesEnabled: false, corsOrigins: [], serverTimingEnabled: false },
    });
  });

  it.each([
    [{ dbSchemas: ' , ' }, 'dbSchemas'],
    [{ maxRows: '-1' }, 'maxRows'],
    [{ maxRows: '1.5' }, 'maxRows'],
    [{ jwtRoleClaimKey: 'sub' }, 'jwtRoleClaimKey'],
  ])('refuses %j', (change, field) => {
    const r = dataApiChanges({ ...current, ...change }, current);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual([field]);
  });
});
