import { describe, expect, it, vi } from 'vitest';
import type { PierApi } from '../../../shared/contract/contract';
import { connect } from './transport';

/** Just the parts of a browser window that connect() touches. */
function fakeWindow(url: string, pier?: PierApi) {
  const u = new URL(url);
  const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: true, value: 'pong' })));
  const win = { pier, location: { origin: u.origin, hash: u.hash }, fetch };
  return { win: win as unknown as Window, fetch };
}

describe('connect', () => {
  it('uses the preload bridge inside Electron', () => {
    const pier = { 'app.status': async () => ({ ok: true, value: 1 }) } as unknown as PierApi;
    expect(connect(fakeWindow('app://pier/index.html', pier).win, vi.fn()).kind).toBe('desktop');
  });

  it('calls its own origin over HTTP in a browser, with the cookie the browser holds', async () => {
    const { win, fetch } = fakeWindow('http://127.0.0.1:5000/');
    const connection = connect(win, vi.fn());
    expect(connection.kind).toBe('browser');
    expect(await connection.api['app.status']({})).toEqual({ ok: true, value: 'pong' });
    expect(fetch).toHaveBeenCalledWith('http://127.0.0.1:5000/rpc/app.status', expect.objectContaining({ credentials: 'same-origin' }));
  });

  it('reports a session the server refuses', async () => {
    const { win, fetch } = fakeWindow('http://127.0.0.1:5000/');
    fetch.mockResolvedValueOnce(
      new Response(JSON.stringify({ ok: false, error: { code: 'PIER401', message: 'ended', details: 'ended' } }), { status: 401 }),
    );
    const onRejected = vi.fn();
    await connect(win, onRejected).api['app.status']({});
    expect(onRejected).toHaveBeenCalledWith('rejected');
  });
});
