import { describe, expect, it, vi } from 'vitest';
import type { PierApi } from '../../../shared/contract/contract';
import { SESSION_STORAGE_KEY } from './session';
import { connect } from './transport';

/** Just the parts of a browser window that connect() touches. */
function fakeWindow(url: string, stored: Record<string, string> = {}, pier?: PierApi) {
  const u = new URL(url);
  const storage = new Map(Object.entries(stored));
  const replaceState = vi.fn((_state: unknown, _unused: string, next: string) => {
    const n = new URL(next, u);
    u.hash = n.hash;
  });
  const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: true, value: 'pong' })));
  const win = {
    pier,
    location: {
      get hash() {
        return u.hash;
      },
      pathname: u.pathname,
      search: u.search,
      origin: u.origin,
    },
    history: { state: null, replaceState },
    sessionStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    },
    fetch,
  };
  return { win: win as unknown as Window, storage, replaceState, fetch };
}

describe('connect', () => {
  it('uses the preload bridge inside Electron', () => {
    const pier = { 'app.status': async () => ({ ok: true, value: 1 }) } as unknown as PierApi;
    expect(connect(fakeWindow('app://pier/index.html', {}, pier).win, vi.fn()).kind).toBe('desktop');
  });

  it('takes the key from the link, keeps it for reloads and scrubs it from the address bar', async () => {
    const { win, storage, replaceState, fetch } = fakeWindow('http://127.0.0.1:5000/?x=1#session=k3y');
    const connection = connect(win, vi.fn());
    expect(connection.kind).toBe('browser');
    expect(storage.get(SESSION_STORAGE_KEY)).toBe('k3y');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?x=1');
    if (connection.kind !== 'browser') return;
    await connection.api['app.status']({});
    expect(fetch).toHaveBeenCalledWith(
      'http://127.0.0.1:5000/rpc/app.status',
      expect.objectContaining({ headers: expect.objectContaining({ 'x-pier-session': 'k3y' }) }),
    );
  });

  it('reuses the kept key after a reload without touching the address bar', () => {
    const { win, replaceState } = fakeWindow('http://127.0.0.1:5000/', { [SESSION_STORAGE_KEY]: 'kept' });
    expect(connect(win, vi.fn()).kind).toBe('browser');
    expect(replaceState).not.toHaveBeenCalled();
  });

  it('asks for the link when there is no key', () => {
    expect(connect(fakeWindow('http://127.0.0.1:5000/').win, vi.fn())).toEqual({ kind: 'no-session' });
  });

  it('forgets a key the server rejects and reports it', async () => {
    const { win, storage, fetch } = fakeWindow('http://127.0.0.1:5000/#session=stale');
    fetch.mockResolvedValueOnce(new Response('{}', { status: 401 }));
    const onRejected = vi.fn();
    const connection = connect(win, onRejected);
    if (connection.kind !== 'browser') throw new Error('expected browser mode');
    await connection.api['app.status']({});
    expect(onRejected).toHaveBeenCalledTimes(1);
    expect(storage.has(SESSION_STORAGE_KEY)).toBe(false);
  });
});
