import { describe, expect, it } from 'vitest';
import { createOAuthState, createPkcePair, pkceChallenge } from './pkce';

describe('PKCE', () => {
  it('matches the RFC 7636 appendix B example', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes fresh, URL-safe verifiers of legal length and states', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(a.challenge).toBe(pkceChallenge(a.verifier));
    expect(createOAuthState()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
