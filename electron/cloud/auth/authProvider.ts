import type { CloudResult } from '../cloudError';

/**
 * Where the management client gets its bearer token. One per workspace sign-in
 * (OAuth U2M, personal access token, `databricks` CLI, or the local issuer).
 */
export interface IAuthProvider {
  /** Short label for messages: "OAuth sign-in", "personal access token", "databricks CLI profile DEFAULT". */
  readonly label: string;
  /** A token valid for at least the next few minutes (refreshing first if needed). */
  getToken(signal?: AbortSignal): Promise<CloudResult<string>>;
  /**
   * The server refused the last token (401): forget any cached one so the next `getToken` refreshes.
   * Returns false when there is nothing to refresh (a PAT), so the client does not try again.
   */
  invalidate(): boolean;
}

/** A fixed token (tests, the local control plane's owner token). */
export function staticTokenProvider(token: string, label = 'token'): IAuthProvider {
  return {
    label,
    getToken: () => Promise.resolve({ ok: true, value: token }),
    invalidate: () => false,
  };
}
