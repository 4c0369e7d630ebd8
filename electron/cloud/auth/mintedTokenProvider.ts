import { cloudFail, cloudOk } from '../cloudError';
import type { IAuthProvider } from './authProvider';
import { REFRESH_WHEN_LEFT_MS } from './oauthTokenProvider';

/**
 * Tokens minted in process (the local issuer's owner token): a new one is minted when the current
 * one has under five minutes left, or after the server refused it.
 * E.g. `mintedTokenProvider(() => issuer.mintToken(issuer.owner, { ttlSeconds: 3600 }), 3600_000)`.
 */
export function mintedTokenProvider(
  mint: () => Promise<string>,
  lifetimeMs: number,
  label = 'local sign-in',
  now: () => number = Date.now,
): IAuthProvider {
  let current: { token: string; expiresAt: number } | undefined;
  return {
    label,
    async getToken() {
      if (current && current.expiresAt - now() > REFRESH_WHEN_LEFT_MS) return cloudOk(current.token);
      try {
        const minted = { token: await mint(), expiresAt: now() + lifetimeMs };
        current = minted;
        return cloudOk(minted.token);
      } catch (err) {
        return cloudFail('CLOUD_AUTH_FAILED', `Pier could not sign in to its local workspace: ${(err as Error).message}. Restart Pier.`);
      }
    },
    invalidate() {
      current = undefined;
      return true;
    },
  };
}
