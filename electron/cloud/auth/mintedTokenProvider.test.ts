import { describe, expect, it } from 'vitest';
import { mintedTokenProvider } from './mintedTokenProvider';

describe('mintedTokenProvider', () => {
  it('reuses a token while more than 5 minutes remain, mints anew after that or after a refusal', async () => {
    let t = 0;
    let n = 0;
    const p = mintedTokenProvider(
      () => Promise.resolve(`tok-${++n}`),
      3600_000,
      'local',
      () => t,
    );
    expect(await p.getToken()).toEqual({ ok: true, value: 'tok-1' });
    t = 3600_000 - 300_001;
    expect(await p.getToken()).toEqual({ ok: true, value: 'tok-1' });
    t = 3600_000 - 299_000;
    expect(await p.getToken()).toEqual({ ok: true, value: 'tok-2' });
    expect(p.invalidate()).toBe(true);
    expect(await p.getToken()).toEqual({ ok: true, value: 'tok-3' });
  });

  it('a failing mint is an error value', async () => {
    const p = mintedTokenProvider(() => Promise.reject(new Error('key file unreadable')), 1000);
    expect(await p.getToken()).toMatchObject({
      ok: false,
      error: { code: 'CLOUD_AUTH_FAILED', message: expect.stringContaining('key file unreadable') },
    });
  });
});
