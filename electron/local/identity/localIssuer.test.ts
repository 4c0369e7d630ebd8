import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createLocalIssuer, OWNER_IDENTITY, DEMO_USER_IDENTITY } from './localIssuer';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pier-issuer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createLocalIssuer', () => {
  it('mints ES256 tokens a JWKS verifier accepts, with the identity as subject', async () => {
    const issuer = await createLocalIssuer({ dataDir: dir, issuerUrl: 'http://127.0.0.1:1/oidc' });
    const token = await issuer.mintToken(DEMO_USER_IDENTITY, { ttlSeconds: 60 });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.publicJwks()));
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe(DEMO_USER_IDENTITY);
    expect(payload.iss).toBe('http://127.0.0.1:1/oidc');
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(issuer.publicJwks().keys[0]).not.toHaveProperty('d');
  });

  it('keeps one key per data folder (file mode 0600) across restarts', async () => {
    const a = await createLocalIssuer({ dataDir: dir, issuerUrl: 'x' });
    const token = await a.mintToken(OWNER_IDENTITY);
    const b = await createLocalIssuer({ dataDir: dir, issuerUrl: 'y' });
    expect(b.publicJwks()).toEqual(a.publicJwks());
    expect(await b.verifyToken(token)).toMatchObject({ ok: true, subject: OWNER_IDENTITY });
    const st = await stat(path.join(dir, 'secrets', 'local-issuer-key.json'));
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('refuses expired, foreign and unknown-identity tokens with a reason', async () => {
    const issuer = await createLocalIssuer({ dataDir: dir, issuerUrl: 'x' });
    const otherDir = await mkdtemp(path.join(os.tmpdir(), 'pier-issuer-'));
    const other = await createLocalIssuer({ dataDir: otherDir, issuerUrl: 'x' });
    await rm(otherDir, { recursive: true, force: true });
    expect(await issuer.verifyToken(await issuer.mintToken(OWNER_IDENTITY, { ttlSeconds: -10 }))).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    expect(await issuer.verifyToken(await other.mintToken(OWNER_IDENTITY))).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await issuer.verifyToken(await issuer.mintToken('stranger@example.com'))).toMatchObject({
      ok: false,
      reason: 'unknown-identity',
    });
    expect(await issuer.verifyToken('not.a.jwt')).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('lists the owner and the demo user, and adds identities durably', async () => {
    const issuer = await createLocalIssuer({ dataDir: dir, issuerUrl: 'x' });
    expect(issuer.identities().map((i) => i.email)).toEqual(expect.arrayContaining([OWNER_IDENTITY, DEMO_USER_IDENTITY]));
    expect(await issuer.addIdentity('not an email')).toMatchObject({ ok: false });
    expect(await issuer.addIdentity('ann@example.com')).toEqual({ ok: true });
    const again = await createLocalIssuer({ dataDir: dir, issuerUrl: 'x' });
    expect(again.hasIdentity('ann@example.com')).toBe(true);
  });

  it('checks client secrets without storing them', async () => {
    const issuer = await createLocalIssuer({ dataDir: dir, issuerUrl: 'x' });
    const secret = await issuer.createClientSecret(OWNER_IDENTITY);
    expect(issuer.checkClientSecret(OWNER_IDENTITY, secret)).toBe(true);
    expect(issuer.checkClientSecret(OWNER_IDENTITY, secret + 'x')).toBe(false);
    expect(issuer.checkClientSecret(DEMO_USER_IDENTITY, secret)).toBe(false);
  });
});
