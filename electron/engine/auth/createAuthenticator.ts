/**
 * Bearer token → the Postgres role a request runs as, and its claims. Tokens are verified
 * JWTs (configured JWK public keys, an HS256 secret and/or a JWKS URL); the role is the claim at
 * `roleClaimKey` (`.sub` on Lakebase: the identity's email is its role). No token → the
 * anonymous role if one is configured, else 401.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { failWith, type Outcome } from '../errors/ApiError';
import { anonymousDisabled, jwtClaimsInvalid, jwtInvalid } from '../errors/pgrstErrors';

export interface JwtConfig {
  /** Public keys (e.g. the local OIDC issuer's signing key). */
  readonly publicKeys?: readonly JWK[];
  /** Shared secret for HS256/384/512 tokens. */
  readonly secret?: string;
  /** More shared secrets as bytes (a base64 secret, symmetric JWKs); each is tried in turn. */
  readonly secretKeys?: readonly Uint8Array[];
  /** Remote key set, fetched and cached by jose. */
  readonly jwksUrl?: string;
  /** When set, the token's `aud` must include it. */
  readonly audience?: string;
}

export interface Principal {
  readonly role: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly anonymous: boolean;
}

export interface Authenticator {
  /** `anonRole` overrides the configured anonymous role (the database's `pgrst.db_anon_role`). */
  authenticate(bearer: string | { readonly malformed: string } | undefined, anonRole?: string): Promise<Outcome<Principal>>;
}

/** `.sub`, `.realm_access.roles[0]`, `."https://x.io/claims".role` → path steps. */
export function parseClaimPath(key: string): (string | number)[] | undefined {
  const steps: (string | number)[] = [];
  const re = /\.([\p{L}\p{N}_$@-]+)|\."((?:[^"\\]|\\.)*)"|\[(\d+)\]/uy;
  let i = 0;
  while (i < key.length) {
    re.lastIndex = i;
    const m = re.exec(key);
    if (!m) return undefined;
    steps.push(m[1] ?? (m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : Number(m[3])));
    i = re.lastIndex;
  }
  return steps.length > 0 ? steps : undefined;
}

function claimAt(payload: unknown, steps: readonly (string | number)[]): unknown {
  let v: unknown = payload;
  for (const s of steps) {
    if (v === null || typeof v !== 'object') return undefined;
    // Own properties only: a claim path never reaches the prototype.
    v = Object.hasOwn(v, s) ? (v as Record<string | number, unknown>)[s] : undefined;
  }
  return v;
}

/**
 * PostgREST's `aud` rule: absent, or an empty array, passes; a string must be the configured
 * audience, an array must hold it (any audience passes when none is configured); anything else is invalid.
 */
function audienceError(aud: unknown, audience: string | undefined): string | undefined {
  if (aud === undefined) return undefined;
  const matches = (a: unknown) => audience === undefined || a === audience;
  if (typeof aud === 'string') return matches(aud) ? undefined : 'JWT not in audience';
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
    return aud.length === 0 || aud.some(matches) ? undefined : 'JWT not in audience';
  return "The JWT 'aud' claim must be a string or an array of strings";
}

const undecodable = (message: string) => failWith(jwtInvalid(message));
const badClaims = (message: string) => failWith(jwtClaimsInvalid(message));

export function createAuthenticator(
  config: JwtConfig | undefined,
  roleClaimKey: string,
  configuredAnonRole: string | undefined,
): Authenticator {
  const steps = parseClaimPath(roleClaimKey);
  if (!steps) throw new Error(`Invalid role claim key ${JSON.stringify(roleClaimKey)}: expected a path such as ".sub" or ".role"`);
  const local = config?.publicKeys && config.publicKeys.length > 0 ? createLocalJWKSet({ keys: [...config.publicKeys] }) : undefined;
  const remote = config?.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const secrets = [...(config?.secret ? [new TextEncoder().encode(config.secret)] : []), ...(config?.secretKeys ?? [])];

  const verifyWith = async (token: string, key: JWTVerifyGetKey | Uint8Array): Promise<JWTPayload> => {
    // PostgREST allows 30 s of clock skew on exp/nbf/iat. A token without exp would be good
    // forever: the Data API refuses it (PostgREST accepts it). The audience is checked
    // afterwards, as PostgREST checks it (a token without `aud` passes).
    const opts = { clockTolerance: 30, requiredClaims: ['exp'] };
    const r = key instanceof Uint8Array ? await jwtVerify(token, key, opts) : await jwtVerify(token, key, opts);
    return r.payload;
  };

  // The anonymous principal is the same object for every request of its role, so what is derived
  // from it per request (request.jwt.claims' JSON, see runQuery) is worked out once.
  const anonymous = new Map<string, Outcome<Principal>>();
  const anonymousAs = (role: string): Outcome<Principal> => {
    let outcome = anonymous.get(role);
    if (!outcome) {
      outcome = Object.freeze({ ok: true, value: Object.freeze({ role, claims: Object.freeze({ role }), anonymous: true }) });
      anonymous.set(role, outcome);
    }
    return outcome;
  };

  return {
    async authenticate(bearer, anonOverride) {
      const anonRole = anonOverride ?? configuredAnonRole;
      if (bearer === undefined) {
        if (anonRole !== undefined) return anonymousAs(anonRole);
        return failWith(anonymousDisabled('Send a token in the Authorization header: "Bearer <token>".'));
      }
      if (typeof bearer !== 'string') {
        return /^\s*bearer\s*$/i.test(bearer.malformed)
          ? undecodable('Empty JWT is sent in Authorization header')
          : undecodable('Authorization header must be "Bearer <token>"');
      }
      const parts = bearer.split('.').length;
      if (parts !== 3) return undecodable(`Expected 3 parts in JWT; got ${parts}`);
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(bearer).alg;
      } catch {
        return undecodable('JWSError (CompactDecodeError Invalid JWT header)');
      }
      const candidates: (JWTVerifyGetKey | Uint8Array)[] = alg?.startsWith('HS') ? secrets : [local, remote].filter((k) => k !== undefined);
      if (candidates.length === 0) return undecodable('No suitable key or wrong key type');
      let payload: JWTPayload | undefined;
      for (const [n, key] of candidates.entries()) {
        try {
          payload = await verifyWith(bearer, key);
          break;
        } catch (err) {
          const last = n === candidates.length - 1;
          if ((err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) && !last) continue;
          if (err instanceof errors.JWTExpired) return badClaims('JWT expired');
          if (err instanceof errors.JWTClaimValidationFailed) {
            if (err.claim === 'nbf') return badClaims('JWT not yet valid');
            if (err.claim === 'iat') return badClaims('JWT issued at future');
            if (err.claim === 'aud') return badClaims('JWT not in audience');
            if (err.claim === 'exp')
              return badClaims(err.reason === 'missing' ? "The JWT 'exp' claim is required" : "The JWT 'exp' claim must be a number");
            return badClaims(`JWT claim "${err.claim}" is invalid: ${err.reason}`);
          }
          if (err instanceof errors.JWSSignatureVerificationFailed) return undecodable('JWT cryptographic operation failed');
          if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported)
            return undecodable('Wrong or unsupported encoding algorithm');
          if (err instanceof errors.JWKSNoMatchingKey) return undecodable('No suitable key or wrong key type');
          if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) return undecodable(`JWSError ${err.message}`);
          if (err instanceof errors.JWKSTimeout || err instanceof errors.JOSEError)
            return undecodable(`Could not verify the JWT: ${err.message}`);
          throw err;
        }
      }
      if (!payload) return undecodable('No suitable key or wrong key type');
      const aud = audienceError(payload.aud, config?.audience);
      if (aud) return badClaims(aud);
      const role = claimAt(payload, steps);
      if (role === undefined || role === null) {
        // No role in the token: the anonymous role, and anonymous for 401/403 too (as PostgREST).
        if (anonRole !== undefined) return { ok: true, value: { role: anonRole, claims: { ...payload, role: anonRole }, anonymous: true } };
        return failWith(anonymousDisabled(`The token has no role claim at ${roleClaimKey}.`));
      }
      if (typeof role !== 'string' || role === '') return badClaims(`The JWT role claim at ${roleClaimKey} must be a non-empty string`);
      // PostgREST puts the resolved role into request.jwt.claims as `role`.
      return { ok: true, value: { role, claims: { ...payload, role }, anonymous: false } };
    },
  };
}
