import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** base64url(64 random bytes): stays in main, sent only with the code exchange. */
  readonly verifier: string;
  /** base64url(SHA-256(verifier)), method S256. */
  readonly challenge: string;
}

export function createPkcePair(): PkcePair {
  const verifier = randomBytes(64).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** base64url(16 random bytes): ties the browser's callback to this sign-in. */
export function createOAuthState(): string {
  return randomBytes(16).toString('base64url');
}
