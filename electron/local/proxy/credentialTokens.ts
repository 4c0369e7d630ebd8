import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { SignJWT, jwtVerify } from 'jose';

/** The audience of database credentials: only Pier's Postgres proxy accepts them. */
const AUDIENCE = 'pier-postgres';
const ALG = 'HS256';
const KEY_FILE = path.join('secrets', 'credential-signing-key');

/** What a database credential says: who may log in, where it was issued, until when. */
export interface CredentialClaims {
  /** The identity, which is also its Postgres role. */
  readonly identity: string;
  /** The endpoint it was issued for (`projects/p/branches/b/endpoints/e`); connections route there unless told otherwise. */
  readonly endpoint: string;
  /** The uid of that endpoint's project: the credential is good on that project's endpoints only. */
  readonly projectUid: string;
  readonly expiresAt: Date;
}

export type VerifiedCredential =
  | ({ readonly ok: true } & CredentialClaims)
  | { readonly ok: false; readonly reason: 'expired'; readonly identity: string; readonly expiredAt: Date }
  | { readonly ok: false; readonly reason: 'not-a-credential' };

/**
 * Database credentials as Lakebase has them: a short-lived signed token used as the Postgres
 * password. Nothing is stored per credential and no role changes, so any number coexist, each
 * valid until its own expiry, and they survive a restart of Pier. Signed with a key of their own
 * (HS256, `secrets/credential-signing-key`, 0600) rather than the OIDC issuer's: a credential
 * handed to an app opens the database, never the management API or the Data API.
 */
export class CredentialTokens {
  private constructor(private readonly key: Uint8Array) {}

  static async open(dataDir: string): Promise<CredentialTokens> {
    const file = path.join(dataDir, KEY_FILE);
    let key: Buffer;
    try {
      key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      key = randomBytes(32);
      try {
        await writeFile(file, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (raced) {
        // Another opener of the same data folder made it first: use theirs.
        if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
        key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
      }
    }
    if (key.length < 32) throw new Error(`The credential signing key ${file} is too short; delete it to make a new one.`);
    return new CredentialTokens(key);
  }

  /** A credential valid from `now` for `ttlSeconds`. */
  async issue(
    claims: Omit<CredentialClaims, 'expiresAt'>,
    ttlSeconds: number,
    now = Date.now(),
  ): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
    const token = await new SignJWT({ ep: claims.endpoint, proj: claims.projectUid })
      .setProtectedHeader({ alg: ALG, typ: 'JWT' })
      .setSubject(claims.identity)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomBytes(9).toString('base64url'))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** Checks a password that may be a credential; anything not signed by this Pier is `not-a-credential`. */
  async verify(token: string, now = Date.now()): Promise<VerifiedCredential> {
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return { ok: false, reason: 'not-a-credential' };
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALG],
        audience: AUDIENCE,
        currentDate: new Date(now),
        clockTolerance: 0,
      });
      if (typeof payload.sub !== 'string' || typeof payload.ep !== 'string' || typeof payload.proj !== 'string' || !payload.exp)
        return { ok: false, reason: 'not-a-credential' };
      return { ok: true, identity: payload.sub, endpoint: payload.ep, projectUid: payload.proj, expiresAt: new Date(payload.exp * 1000) };
    } catch (err) {
      const e = err as { code?: string; payload?: { sub?: unknown; exp?: number } };
      if (e.code === 'ERR_JWT_EXPIRED' && typeof e.payload?.sub === 'string' && e.payload.exp)
        return { ok: false, reason: 'expired', identity: e.payload.sub, expiredAt: new Date(e.payload.exp * 1000) };
      return { ok: false, reason: 'not-a-credential' };
    }
  }
}
