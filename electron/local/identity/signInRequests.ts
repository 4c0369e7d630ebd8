import { randomBytes } from 'node:crypto';
import type { AuthorizationAsk } from './createOidcHandler';

/** A sign-in waiting for the user, as Pier's UI shows it. Holds no secret. */
export interface PendingSignIn {
  readonly id: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  /** The identity the client would be signed in as. */
  readonly identity: string;
  /** ISO time the request arrived. */
  readonly requestedAt: string;
}

export interface SignInRequestsOptions {
  /** How long a request waits for a decision before it is refused. */
  readonly timeoutMs?: number;
  /** Requests waiting at once; more are refused at once, so no process can pile them up. */
  readonly maxPending?: number;
  readonly log?: (line: string) => void;
}

/** The user's side of local sign-in: what waits for a decision, and the decision. */
export interface ISignInRequests {
  pending(): PendingSignIn[];
  /** False when no such request waits (decided elsewhere, timed out, or never there). */
  decide(id: string, approve: boolean): boolean;
}

const DEFAULT_TIMEOUT_MS = 3 * 60_000;
const DEFAULT_MAX_PENDING = 10;

interface Waiting {
  readonly request: PendingSignIn;
  readonly settle: (subject: string | undefined) => void;
}

/**
 * Authorization requests of the local OIDC issuer wait here until the user approves or denies
 * them in Pier's UI (`signIn.pending` / `signIn.decide`). Any local process can reach 127.0.0.1,
 * so asking is not enough: a code is issued only for a request a person approved.
 * `ask` is the OIDC handler's `approve` hook.
 */
export class SignInRequests implements ISignInRequests {
  private readonly waiting = new Map<string, Waiting>();
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  private readonly log: (line: string) => void;

  constructor(options: SignInRequestsOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.log = options.log ?? (() => undefined);
  }

  /** Resolves with the identity to sign in once approved; undefined when denied, timed out or disposed. */
  ask(ask: AuthorizationAsk): Promise<string | undefined> {
    if (this.waiting.size >= this.maxPending) {
      this.log(`Refused a sign-in of ${ask.clientId}: ${this.maxPending} sign-ins already wait for a decision.`);
      return Promise.resolve(undefined);
    }
    const request: PendingSignIn = {
      id: randomBytes(12).toString('base64url'),
      clientId: ask.clientId,
      redirectUri: ask.redirectUri,
      scope: ask.scope,
      identity: ask.identity,
      requestedAt: new Date().toISOString(),
    };
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), this.timeoutMs);
      timer.unref();
      const settle = (subject: string | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(request.id);
        resolve(subject);
      };
      this.waiting.set(request.id, { request, settle });
    });
  }

  pending(): PendingSignIn[] {
    return [...this.waiting.values()].map((w) => w.request);
  }

  decide(id: string, approve: boolean): boolean {
    const w = this.waiting.get(id);
    if (!w) return false;
    this.log(`Sign-in of ${w.request.clientId} as ${w.request.identity} ${approve ? 'approved' : 'denied'} in Pier.`);
    w.settle(approve ? w.request.identity : undefined);
    return true;
  }

  /** Refuses everything still waiting (on shutdown). */
  dispose(): void {
    for (const w of [...this.waiting.values()]) w.settle(undefined);
  }
}
