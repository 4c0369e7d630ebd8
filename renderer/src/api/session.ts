import { SESSION_FRAGMENT_KEY } from '../../../shared/contract/transport';

/** Where the browser-mode session secret lives between reloads of the same tab. */
export const SESSION_STORAGE_KEY = 'pier.session';

export type SessionLookup =
  | {
      readonly kind: 'found';
      readonly secret: string;
      /** The hash to leave in the address bar, or null to keep it as is. */ readonly cleanedHash: string | null;
    }
  | { readonly kind: 'missing' };

/**
 * Finds the session secret: a fresh one in the URL fragment (`#session=…`) wins over the one kept
 * from an earlier load, so a new `npm run serve` link always works. The fragment is scrubbed
 * afterwards so the secret is not left in the address bar, history or screenshots.
 */
export function findSession(hash: string, stored: string | null): SessionLookup {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const fromFragment = params.get(SESSION_FRAGMENT_KEY)?.trim();
  if (fromFragment) {
    params.delete(SESSION_FRAGMENT_KEY);
    const rest = params.toString();
    return { kind: 'found', secret: fromFragment, cleanedHash: rest ? `#${rest}` : '' };
  }
  const kept = stored?.trim();
  if (kept) return { kind: 'found', secret: kept, cleanedHash: null };
  return { kind: 'missing' };
}
