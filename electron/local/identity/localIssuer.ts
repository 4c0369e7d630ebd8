import path from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../files/writeFileAtomic';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK } from 'jose';

/** The identity that owns the local workspace; every local project is created as it by default. */
export const OWNER_IDENTITY = 'owner@pier.local';
/** The demo identity of the sample database (its Postgres role is seeded). */
export const DEMO_USER_IDENTITY = 'user@example.com';

const ALG = 'ES256';
const DEFAULT_TTL_SECONDS = 3600;
const EMAIL = /^[^\s@"\\]{1,64}@[^\s@"\\]{1,190}$/;

export interface LocalIdentity {
  /** The identity's user name (an email); also the token subject and its Postgres role name. */
  readonly email: string;
  readonly kind: 'owner' | 'user';
}

export type VerifiedToken =
  | { readonly ok: true; readonly subject: string; readonly expiresAt: Date; readonly scope: string }
  | { readonly ok: false; readonly reason: 'malformed' | 'expired' | 'bad-signature' | 'unknown-identity'; readonly message: string };

export interface MintOptions {
  readonly ttlSeconds?: number;
  readonly scope?: string;
}

/**
 * The local identity provider: one ES256 key made once per data folder, the identities it
 * vouches for, and JWTs whose subject is the identity. The management API, OIDC endpoints
 * and the Data API all verify with `publicJwks()`.
 */
export interface LocalIssuer {
  readonly issuerUrl: string;
  readonly owner: string;
  identities(): readonly LocalIdentity[];
  hasIdentity(email: string): boolean;
  /** Adds a `user` identity (idempotent). Fails on a malformed email. */
  addIdentity(email: string): Promise<{ ok: true } | { ok: false; message: string }>;
  mintToken(subject: string, options?: MintOptions): Promise<string>;
  verifyToken(token: string): Promise<VerifiedToken>;
  publicJwks(): { keys: JWK[] };
  /** Makes a client secret for the client-credentials grant; the client id is the identity's email. */
  createClientSecret(subject: string): Promise<string>;
  checkClientSecret(clientId: string, secret: string): boolean;
}

export interface LocalIssuerOptions {
  readonly dataDir: string;
  /** `iss` of minted tokens, normally `<server>/oidc`. */
  readonly issuerUrl: string;
}

interface IdentityFile {
  readonly version: 1;
  identities: LocalIdentity[];
  /** client id → sha256(secret), hex. Secrets themselves are never stored. */
  clientSecrets: Record<string, string>;
}

export async function createLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const secretsDir = path.join(options.dataDir, 'secrets');
  await mkdir(secretsDir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(secretsDir, 'local-issuer-key.json');
  const identitiesFile = path.join(options.dataDir, 'identities.json');
  const { privateKey, publicJwk } = await loadOrCreateKey(keyFile);
  const store = await loadIdentities(identitiesFile);
  const save = () => writeFileAtomic(identitiesFile, JSON.stringify(store, null, 2) + '\n', 0o600);

  const issuer: LocalIssuer = {
    issuerUrl: options.issuerUrl,
    owner: OWNER_IDENTITY,
    identities: () => store.identities.slice(),
    hasIdentity: (email) => store.identities.some((i) => i.email === email),
    async addIdentity(email) {
      if (!EMAIL.test(email)) return { ok: false, message: `"${email}" is not an email address; identities are named by email.` };
      if (!issuer.hasIdentity(email)) {
        store.identities.push({ email, kind: 'user' });
        await save();
      }
      return { ok: true };
    },
    async mintToken(subject, mintOptions = {}) {
      const ttl = mintOptions.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      return new SignJWT({ scope: mintOptions.scope ?? 'all-apis' })
        .setProtectedHeader({ alg: ALG, kid: publicJwk.kid ?? 'local', typ: 'JWT' })
        .setSubject(subject)
        .setIssuer(options.issuerUrl)
        .setIssuedAt()
        .setJti(randomBytes(12).toString('base64url'))
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
        .sign(privateKey);
    },
    async verifyToken(token) {
      try {
        // The issuer URL moves with the server's port, so trust rests on the key, not on `iss`.
        const { payload } = await jwtVerify(token, publicKeyForVerify, { algorithms: [ALG] });
        const subject = payload.sub;
        if (!subject || payload.exp === undefined)
          return { ok: false, reason: 'malformed', message: 'The token has no subject or expiry.' };
        if (!issuer.hasIdentity(subject)) {
          return { ok: false, reason: 'unknown-identity', message: `The identity "${subject}" is not known to this Pier.` };
        }
        return {
          ok: true,
          subject,
          expiresAt: new Date(payload.exp * 1000),
          scope: typeof payload.scope === 'string' ? payload.scope : '',
        };
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ERR_JWT_EXPIRED') return { ok: false, reason: 'expired', message: 'The token has expired; get a new one.' };
        if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
          return { ok: false, reason: 'bad-signature', message: 'The token was not signed by this Pier.' };
        }
        return { ok: false, reason: 'malformed', message: 'The token is not a valid JWT.' };
      }
    },
    publicJwks: () => ({ keys: [{ ...publicJwk }] }),
    async createClientSecret(subject) {
      if (!issuer.hasIdentity(subject)) throw new Error(`Unknown identity "${subject}".`);
      const secret = randomBytes(24).toString('base64url');
      store.clientSecrets[subject] = sha256(secret);
      await save();
      return secret;
    },
    checkClientSecret(clientId, secret) {
      const expected = store.clientSecrets[clientId];
      if (!expected) return false;
      const a = Buffer.from(expected, 'hex');
      const b = Buffer.from(sha256(secret), 'hex');
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
  const publicKeyForVerify = await importJWK(publicJwk, ALG);
  return issuer;
}

async function loadOrCreateKey(file: string): Promise<{ privateKey: CryptoKey | Uint8Array; publicJwk: JWK }> {
  let privateJwk: JWK | undefined;
  try {
    privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `The local signing key ${file} cannot be read (${(err as Error).message}). Delete it to make a new one (existing tokens stop working).`,
        { cause: err },
      );
    }
  }
  if (!privateJwk) {
    const pair = await generateKeyPair(ALG, { extractable: true });
    privateJwk = await exportJWK(pair.privateKey);
    privateJwk.kid = randomBytes(8).toString('hex');
    privateJwk.alg = ALG;
    try {
      // 'wx': if another process made the key first, use theirs.
      await writeFile(file, JSON.stringify(privateJwk) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    }
  }
  const { d: _d, ...publicJwk } = privateJwk;
  publicJwk.use = 'sig';
  return { privateKey: await importJWK(privateJwk, ALG), publicJwk };
}

async function loadIdentities(file: string): Promise<IdentityFile> {
  let stored: IdentityFile | undefined;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as IdentityFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const store: IdentityFile = stored ?? { version: 1, identities: [], clientSecrets: {} };
  store.clientSecrets ??= {};
  for (const [email, kind] of [
    [OWNER_IDENTITY, 'owner'],
    [DEMO_USER_IDENTITY, 'user'],
  ] as const) {
    if (!store.identities.some((i) => i.email === email)) store.identities.push({ email, kind });
  }
  return store;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
