import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { codeMac, mintUiLink, UI_LINK_TTL_SECONDS } from './uiLink';

/** Why a code was refused (said to the caller; none of these reveals anything secret). */
export type CodeRefusal = 'malformed' | 'expired' | 'forged' | 'used';

export type Redeemed = { readonly ok: true; readonly cookie: string } | { readonly ok: false; readonly why: CodeRefusal };

export type SessionCheck = 'valid' | 'missing' | 'ended';

/**
 * The browser-mode UI sessions of one running Pier. A one-time code (see uiLink.ts) becomes a
 * random session token, kept by the browser in an HttpOnly, SameSite=Strict cookie and by the
 * server only as a hash. Nothing here outlives the process: a restart ends every session.
 */
export class UiSessions {
  /** Per-launch; only in memory and in the owner-only ready file. */
  readonly launchSecret = randomBytes(32).toString('base64url');
  /** Cookies are not port-scoped: the port in the name keeps two Piers on one machine apart. */
  readonly cookieName: string;
  private readonly sessions = new Set<string>();
  /** Nonces of codes already redeemed, with their expiry (pruned once past it). */
  private readonly usedNonces = new Map<string, number>();

  constructor(
    private readonly origin: string,
    private readonly now: () => number = Date.now,
  ) {
    this.cookieName = `pier-session-${new URL(origin).port || '80'}`;
  }

  /** A one-time link to the UI, for the window Pier opens or prints. */
  link(): string {
    return mintUiLink(this.origin, this.launchSecret, this.now());
  }

  redeem(code: string): Redeemed {
    const parts = code.split('.');
    const [expiryText = '', nonce = '', mac = ''] = parts;
    if (parts.length !== 3 || !/^\d{1,12}$/.test(expiryText) || !/^[\w-]{16,64}$/.test(nonce) || !/^[\w-]{43}$/.test(mac)) {
      return { ok: false, why: 'malformed' };
    }
    const expiry = Number(expiryText);
    const nowSeconds = Math.floor(this.now() / 1000);
    this.pruneUsed(nowSeconds);
    const expected = Buffer.from(codeMac(this.launchSecret, expiry, nonce));
    if (!timingSafeEqual(expected, Buffer.from(mac))) return { ok: false, why: 'forged' };
    if (expiry < nowSeconds || expiry > nowSeconds + UI_LINK_TTL_SECONDS) return { ok: false, why: 'expired' };
    if (this.usedNonces.has(nonce)) return { ok: false, why: 'used' };
    this.usedNonces.set(nonce, expiry);
    const token = randomBytes(32).toString('base64url');
    this.sessions.add(hash(token));
    return { ok: true, cookie: token };
  }

  /** The session named by a request's Cookie header. */
  check(cookieHeader: string | undefined): SessionCheck {
    const token = cookieValue(cookieHeader, this.cookieName);
    if (token === undefined) return 'missing';
    return this.sessions.has(hash(token)) ? 'valid' : 'ended';
  }

  /** `Set-Cookie` for a new session: script cannot read it, other sites cannot send it. */
  setCookie(token: string): string {
    return `${this.cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private pruneUsed(nowSeconds: number): void {
    for (const [nonce, expiry] of this.usedNonces) if (expiry < nowSeconds) this.usedNonces.delete(nonce);
  }
}

/** Tokens are looked up by hash: the set never holds a usable token, and lookups compare digests. */
function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i !== -1 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
