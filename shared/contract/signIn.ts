import { z } from 'zod';

/**
 * Local sign-in approval: a client asking the local OIDC issuer for a code waits until the user
 * approves or denies it in Pier. The request as shown holds no secret (no code, no PKCE values).
 */
export const pendingSignIn = z.object({
  id: z.string(),
  /** The OAuth client_id the caller gave (self-declared: any process can claim any name). */
  clientId: z.string(),
  /** Where the code would go: a loopback address, i.e. a program on this machine. */
  redirectUri: z.string(),
  scope: z.string(),
  /** The identity the client would be signed in as. */
  identity: z.string(),
  requestedAt: z.string(),
});
export type PendingSignInDto = z.infer<typeof pendingSignIn>;

export const pendingSignInsInput = z.object({}).strict();
export const pendingSignInsOutput = z.object({ requests: z.array(pendingSignIn) });

export const decideSignInInput = z.object({ id: z.string().min(1).max(100), approve: z.boolean() }).strict();
/** `decided: false` when the request no longer waits (answered elsewhere or timed out). */
export const decideSignInOutput = z.object({ decided: z.boolean() });
