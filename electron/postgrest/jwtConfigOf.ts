/**
 * PostgREST's jwt-secret in its three forms — a text secret (32 characters at least), a JWK, a
 * JWKS — optionally base64-encoded (jwt-secret-is-base64, URL-safe alphabet accepted), as the
 * engine's JwtConfig: symmetric keys as bytes, the others as public JWKs.
 */
import type { JWK } from 'jose';
import { fail, ok, type Result } from '../../shared/contract/result';
import type { JwtConfig } from '../engine';

const invalid = (message: string) => fail({ code: 'PIERCONFIG', message, details: null, hint: null });

function base64Bytes(text: string): Buffer | undefined {
  const normal = text.trim().replace(/_/g, '/').replace(/-/g, '+').replace(/\./g, '=');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normal)) return undefined;
  return Buffer.from(normal, 'base64');
}

export function jwtConfigOf(secret: string | undefined, isBase64: boolean, audience: string | undefined): Result<JwtConfig> {
  const aud = audience !== undefined ? { audience } : {};
  if (secret === undefined) return ok(aud);
  let bytes: Buffer;
  if (isBase64) {
    const decoded = base64Bytes(secret);
    if (!decoded) return invalid('jwt-secret is not valid base64 (jwt-secret-is-base64 is true).');
    bytes = decoded;
  } else {
    bytes = Buffer.from(secret, 'utf8');
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    json = undefined;
  }
  const keys: unknown[] | undefined =
    json !== null && typeof json === 'object'
      ? Array.isArray((json as { keys?: unknown }).keys)
        ? (json as { keys: unknown[] }).keys
        : typeof (json as { kty?: unknown }).kty === 'string'
          ? [json]
          : undefined
      : undefined;
  if (!keys) {
    if (bytes.length < 32) return invalid('The JWT secret must be at least 32 characters long.');
    return ok({ ...aud, secretKeys: [new Uint8Array(bytes)] });
  }
  const secretKeys: Uint8Array[] = [];
  const publicKeys: JWK[] = [];
  for (const k of keys) {
    const jwk = k as JWK;
    if (jwk === null || typeof jwk !== 'object' || typeof jwk.kty !== 'string')
      return invalid('jwt-secret holds a JWKS with a key that is not a JWK.');
    if (jwk.kty === 'oct') {
      if (typeof jwk.k !== 'string') return invalid('jwt-secret holds a symmetric JWK without "k".');
      secretKeys.push(new Uint8Array(Buffer.from(jwk.k, 'base64url')));
    } else if (jwk.kty === 'RSA' || jwk.kty === 'EC' || jwk.kty === 'OKP') {
      // Only the public half verifies; a private JWK's extra members are dropped.
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
      publicKeys.push(pub);
    } else {
      return invalid(`jwt-secret holds a JWK of an unknown type "${jwk.kty}".`);
    }
  }
  return ok({ ...aud, ...(secretKeys.length > 0 && { secretKeys }), ...(publicKeys.length > 0 && { publicKeys }) });
}
