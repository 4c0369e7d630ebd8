import { describe, expect, it } from 'vitest';
import { jwtConfigOf } from './jwtConfigOf';
import { readPostgrestConfig } from './readPostgrestConfig';

const file = (entries: Record<string, string | number | boolean>) => new Map(Object.entries(entries));

describe('readPostgrestConfig', () => {
  it("has PostgREST's defaults", () => {
    const r = readPostgrestConfig(new Map(), {});
    expect(r).toMatchObject({
      ok: true,
      value: {
        dbUri: 'postgresql://',
        dbSchemas: ['public'],
        dbPool: 10,
        jwtRoleClaimKey: '.role',
        dbTxEnd: 'commit',
        dbExtraSearchPath: ['public'],
        dbPlanEnabled: false,
        dbAggregatesEnabled: false,
        dbPreparedStatements: true,
        dbChannel: 'pgrst',
        dbChannelEnabled: true,
        openapiMode: 'follow-privileges',
        serverPort: 3000,
        serverTimingEnabled: false,
        clientErrorVerbosity: 'verbose',
      },
    });
  });

  it('lets PGRST_* variables override the file, and in-database settings override both', () => {
    const r = readPostgrestConfig(
      file({ 'db-schemas': 'a', 'db-max-rows': 5, 'db-plan-enabled': false, 'app.settings.x': 'file' }),
      { PGRST_DB_SCHEMAS: 'b, c', PGRST_APP_SETTINGS_X: 'env', PGRST_DB_PLAN_ENABLED: 'true', HOME: '/root' },
      new Map([['db-max-rows', '7']]),
    );
    expect(r).toMatchObject({
      ok: true,
      value: { dbSchemas: ['b', 'c'], dbMaxRows: 7, dbPlanEnabled: true, appSettings: [['app.settings.x', 'env']] },
    });
  });

  it('reads the old names PostgREST still accepts', () => {
    const r = readPostgrestConfig(file({ 'db-schema': 'api', 'max-rows': 10, 'role-claim-key': '.sub' }), {});
    expect(r).toMatchObject({ ok: true, value: { dbSchemas: ['api'], dbMaxRows: 10, jwtRoleClaimKey: '.sub' } });
  });

  it('refuses unknown keys and keys it does not implement, naming them', () => {
    const r = readPostgrestConfig(file({ 'db-urii': 'x', 'server-unix-socket': '/tmp/s' }), { PGRST_DB_SHEMAS: 'x' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toBe(
      "Unknown PostgREST settings: db-urii, PGRST_DB_SHEMAS. Not supported by Pier's PostgREST mode: server-unix-socket; remove it.",
    );
  });

  it.each([
    [{ 'db-pool': 'ten' }, /db-pool must be a whole number/],
    [{ 'db-tx-end': 'sometimes' }, /db-tx-end must be one of commit, commit-allow-override/],
    [{ 'db-schemas': 'public, pg_catalog' }, /db-schemas does not allow schema: 'pg_catalog'/],
    [{ 'openapi-mode': 'open' }, /openapi-mode must be one of/],
    [{ 'db-plan-enabled': 'maybe' }, /db-plan-enabled must be true or false/],
  ])('refuses invalid values: %j', (entries, message) => {
    const r = readPostgrestConfig(file(entries), {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(message);
  });
});

describe('jwtConfigOf (jwt-secret forms)', () => {
  const secret = 'reallyreallyreallyreallyverysafe';
  it('a text secret of 32 characters or more', () => {
    expect(jwtConfigOf(secret, false, undefined)).toEqual({ ok: true, value: { secretKeys: [new Uint8Array(Buffer.from(secret))] } });
    expect(jwtConfigOf('short', false, undefined)).toMatchObject({
      ok: false,
      error: { message: 'The JWT secret must be at least 32 characters long.' },
    });
  });

  it('a base64 secret, URL-safe alphabet included', () => {
    const bytes = Buffer.from(Array.from({ length: 40 }, (_, i) => 250 - i));
    expect(jwtConfigOf(bytes.toString('base64url'), true, 'me')).toEqual({
      ok: true,
      value: { audience: 'me', secretKeys: [new Uint8Array(bytes)] },
    });
  });

  it('a JWK and a JWKS: symmetric keys as bytes, public keys as JWKs (private members dropped)', () => {
    const oct = { kty: 'oct', k: Buffer.from(secret).toString('base64url') };
    expect(jwtConfigOf(JSON.stringify(oct), false, undefined)).toEqual({
      ok: true,
      value: { secretKeys: [new Uint8Array(Buffer.from(secret))] },
    });
    const ec = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private' };
    expect(jwtConfigOf(JSON.stringify({ keys: [oct, ec] }), false, undefined)).toEqual({
      ok: true,
      value: { secretKeys: [new Uint8Array(Buffer.from(secret))], publicKeys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
    });
  });
});
