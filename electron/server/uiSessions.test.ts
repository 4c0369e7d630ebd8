import { describe, expect, it } from 'vitest';
import { mintUiCode, UI_LINK_TTL_SECONDS } from './uiLink';
import { UiSessions } from './uiSessions';

const ORIGIN = 'http://127.0.0.1:7420';

function sessionsAt(clock: { now: number }) {
  return new UiSessions(ORIGIN, () => clock.now);
}

const codeOf = (link: string) => new URL(link).searchParams.get('code') ?? '';

describe('UiSessions', () => {
  it('trades a link for a session cookie once; the same link then fails', () => {
    const s = sessionsAt({ now: Date.now() });
    const code = codeOf(s.link());
    const first = s.redeem(code);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(s.check(`other=1; ${s.cookieName}=${first.cookie}`)).toBe('valid');
    expect(s.redeem(code)).toEqual({ ok: false, why: 'used' });
  });

  it('names the cookie after the port, HttpOnly and SameSite=Strict', () => {
    const s = sessionsAt({ now: Date.now() });
    expect(s.cookieName).toBe('pier-session-7420');
    expect(s.setCookie('t')).toBe('pier-session-7420=t; HttpOnly; SameSite=Strict; Path=/');
  });

  it('refuses expired, forged and malformed codes', () => {
    const clock = { now: Date.now() };
    const s = sessionsAt(clock);
    const code = codeOf(s.link());
    clock.now += (UI_LINK_TTL_SECONDS + 1) * 1000;
    expect(s.redeem(code)).toEqual({ ok: false, why: 'expired' });
    expect(s.redeem(mintUiCode('another launch secret', clock.now))).toEqual({ ok: false, why: 'forged' });
    const [expiry, nonce] = code.split('.');
    expect(s.redeem(`${Number(expiry) + 3600}.${nonce}.${code.split('.')[2]}`)).toEqual({ ok: false, why: 'forged' });
    for (const bad of ['', 'x', 'a.b.c', `${expiry}.${nonce}`, `${code}.x`, '__proto__', 'constructor.1.2']) {
      expect(s.redeem(bad)).toEqual({ ok: false, why: 'malformed' });
    }
  });

  it('tells a missing cookie from one it does not know (a restart)', () => {
    const s = sessionsAt({ now: Date.now() });
    expect(s.check(undefined)).toBe('missing');
    expect(s.check('pier-session-9999=abc')).toBe('missing');
    expect(s.check(`${s.cookieName}=not-a-session`)).toBe('ended');
    const before = new UiSessions(ORIGIN);
    const opened = before.redeem(codeOf(before.link()));
    if (!opened.ok) throw new Error('expected a session');
    expect(s.check(`${s.cookieName}=${opened.cookie}`)).toBe('ended');
  });

  it('makes links any holder of the launch secret can make, and no one else', () => {
    const s = sessionsAt({ now: Date.now() });
    expect(s.redeem(mintUiCode(s.launchSecret)).ok).toBe(true);
  });
});
