import { describe, expect, it, vi } from 'vitest';
import type { PierApi } from '../../../shared/contract/contract';
import { TRANSPORT_ERRORS, createElectronApi, createHttpApi, type FetchLike } from './transport';

const ORIGIN = 'http://127.0.0.1:4321';

function httpApi(fetch: FetchLike, onSessionRejected = vi.fn()) {
  return { api: createHttpApi({ fetch, origin: ORIGIN, onSessionRejected }), onSessionRejected };
}

const at = { kind: 'local', branch: 'projects/local/branches/production', database: 'app' } as const;
const json = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status });

describe('createHttpApi', () => {
  it('posts the input to /rpc/<channel>, sending the session cookie and no secret of its own', async () => {
    const fetch = vi.fn<FetchLike>(json(200, { ok: true, value: { database: 'app', schemas: [] } }));
    const { api } = httpApi(fetch);
    const result = await api['catalog.listSchemas']({ at });
    expect(result).toEqual({ ok: true, value: { database: 'app', schemas: [] } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`${ORIGIN}/rpc/catalog.listSchemas`);
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'content-type': 'application/json' });
    expect(init.credentials).toBe('same-origin');
    expect(JSON.parse(String(init.body))).toEqual({ at });
  });

  it('passes an error result through whatever the HTTP status', async () => {
    const error = { code: 'PIER404', message: 'No table public.nope', hint: 'Refresh the explorer.' };
    const { api } = httpApi(json(404, { ok: false, error }));
    expect(await api['dataApi.describe']({ at, schema: 'public', table: 'nope' })).toEqual({ ok: false, error });
  });

  it('names the origin when the server cannot be reached', async () => {
    const { api } = httpApi(async () => {
      throw new TypeError('Failed to fetch');
    });
    const result = await api['app.status']({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(TRANSPORT_ERRORS.unreachable);
    expect(result.error.message).toContain(ORIGIN);
    expect(result.error.hint).toContain('npm run serve');
  });

  it('reports a rejected session once per 401 and tells how to get a new link', async () => {
    const { api, onSessionRejected } = httpApi(json(401, { error: 'unauthorized' }));
    const result = await api['catalog.listSchemas']({ at });
    expect(onSessionRejected).toHaveBeenCalledTimes(1);
    expect(onSessionRejected).toHaveBeenCalledWith('missing');
    expect(result).toMatchObject({ ok: false, error: { code: TRANSPORT_ERRORS.sessionRejected, hint: expect.stringContaining('link') } });
  });

  it.each([
    ['missing', 'missing'],
    ['ended', 'rejected'],
  ] as const)('tells a missing session from one the server forgot (%s)', async (details, problem) => {
    const refused = { ok: false, error: { code: 'PIER401', message: 'no session', details } };
    const { api, onSessionRejected } = httpApi(json(401, refused));
    await api['app.status']({});
    expect(onSessionRejected).toHaveBeenCalledWith(problem);
  });

  it.each([
    ['html', async () => new Response('<html>proxy error</html>', { status: 502 })],
    ['a result-less object', json(200, { value: 1 })],
    ['an error without message', json(500, { ok: false, error: { code: 'X' } })],
  ])('turns %s into a readable error', async (_what, fetch) => {
    const { api } = httpApi(fetch);
    const result = await api['app.status']({});
    expect(result).toMatchObject({ ok: false, error: { code: TRANSPORT_ERRORS.badResponse } });
  });
});

describe('createElectronApi', () => {
  it('forwards to the preload bridge', async () => {
    const bridge = { 'app.status': vi.fn(async () => ({ ok: true, value: 'x' })) } as unknown as PierApi;
    const api = createElectronApi(bridge);
    expect(await api['app.status']({})).toEqual({ ok: true, value: 'x' });
  });

  it('turns a broken or missing bridge function into an error result', async () => {
    const bridge = {
      'app.status': async () => {
        throw new Error('An object could not be cloned');
      },
    } as unknown as PierApi;
    const api = createElectronApi(bridge);
    expect(await api['app.status']({})).toMatchObject({ ok: false, error: { code: TRANSPORT_ERRORS.bridgeFailed } });
    expect(await api['catalog.listSchemas']({ at })).toMatchObject({ ok: false, error: { code: TRANSPORT_ERRORS.bridgeFailed } });
  });
});
