/**
 * One-time links that open Pier's UI in browser mode. A link carries a code, not a secret that
 * lasts: `{origin}/session?code=<expiry>.<nonce>.<mac>`, where the MAC is an HMAC-SHA256 under
 * the per-launch *launch secret*. Whoever holds the launch secret (Pier itself; tools and tests
 * through the owner-only ready file) can make links without asking the server; the server accepts
 * each code once, before its expiry, and trades it for an HttpOnly session cookie.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** Where a browser trades a code for the session cookie. */
export const UI_SESSION_PATH = '/session';
/** A link is good for this long, and once. */
export const UI_LINK_TTL_SECONDS = 10 * 60;

export function codeMac(launchSecret: string, expiry: number, nonce: string): string {
  return createHmac('sha256', launchSecret).update(`pier-ui-code.${expiry}.${nonce}`).digest('base64url');
}

/** A fresh one-time code, valid for `UI_LINK_TTL_SECONDS`. */
export function mintUiCode(launchSecret: string, now = Date.now()): string {
  const expiry = Math.floor(now / 1000) + UI_LINK_TTL_SECONDS;
  const nonce = randomBytes(16).toString('base64url');
  return `${expiry}.${nonce}.${codeMac(launchSecret, expiry, nonce)}`;
}

/** A one-time link to the UI at `origin` (e.g. http://127.0.0.1:7420). */
export function mintUiLink(origin: string, launchSecret: string, now = Date.now()): string {
  return `${new URL(origin).origin}${UI_SESSION_PATH}?code=${mintUiCode(launchSecret, now)}`;
}

/**
 * For tools and tests: opens a UI session with a fresh link, as a browser does, and returns the
 * `Cookie` header value to send with RPC calls. `info` is the ready file (or PierServer.readyInfo()).
 */
export async function openUiSession(info: { readonly ui: string; readonly launchSecret: string }): Promise<string> {
  const res = await fetch(mintUiLink(info.ui, info.launchSecret), { redirect: 'manual' });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`Pier did not open a session (HTTP ${res.status}: ${await res.text()})`);
  return cookie;
}
