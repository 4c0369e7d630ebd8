import { EventEmitter } from 'node:events';
import type { ClientRequest, ClientRequestConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { electronFetch, toFetchError } from './electronFetch';

/**
 * Electron cannot run here: a ClientRequest stand-in plays the part of `net.request`, emitting what
 * Electron's documents say it emits ('response' with an IncomingMessage, 'redirect' for
 * redirect: 'manual', 'error' with a net::ERR_* message).
 */
class FakeRequest extends EventEmitter {
  headers: Record<string, string> = {};
  written = '';
  ended = false;
  aborted = false;
  constructor(readonly options: ClientRequestConstructorOptions) {
    super();
  }
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  write(chunk: string) {
    this.written += chunk;
  }
  end() {
    this.ended = true;
  }
  abort() {
    this.aborted = true;
  }
  respond(statusCode: number, headers: Record<string, string | string[]>, body: string) {
    const res = Object.assign(new EventEmitter(), { statusCode, statusMessage: 'OK', headers });
    this.emit('response', res);
    res.emit('data', Buffer.from(body));
    res.emit('end');
  }
}

function harness() {
  const requests: FakeRequest[] = [];
  const fetchFn = electronFetch((options) => {
    const r = new FakeRequest(options);
    requests.push(r);
    return r as unknown as ClientRequest;
  });
  return { fetchFn, requests };
}

describe('electronFetch', () => {
  it('sends method, headers and body without session cookies, and reads the answer', async () => {
    const { fetchFn, requests } = harness();
    const pending = fetchFn('https://ws.example.com/oidc/v1/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token',
      redirect: 'manual',
    });
    const req = requests[0]!;
    expect(req.options).toMatchObject({ method: 'POST', redirect: 'manual', credentials: 'omit', useSessionCookies: false });
    expect(req.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(req.written).toBe('grant_type=refresh_token');
    expect(req.ended).toBe(true);
    req.respond(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }, '{"access_token":"t"}');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ access_token: 't' });
  });

  it('answers a manual redirect with the 3xx itself, as Node’s fetch does', async () => {
    const { fetchFn, requests } = harness();
    const pending = fetchFn('https://ws.example.com/api/2.0/postgres/projects', { redirect: 'manual' });
    requests[0]!.emit('redirect', 302, 'GET', 'https://login.example.com/', { location: ['https://login.example.com/'] });
    const res = await pending;
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://login.example.com/');
    expect(requests[0]!.aborted).toBe(true);
  });

  it('reports Chromium’s network errors with the codes the retry rules read', async () => {
    const { fetchFn, requests } = harness();
    const pending = fetchFn('https://ws.example.com/');
    requests[0]!.emit('error', new Error('net::ERR_CONNECTION_REFUSED'));
    await expect(pending).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('stops the request when its signal aborts', async () => {
    const { fetchFn, requests } = harness();
    const controller = new AbortController();
    const pending = fetchFn('https://ws.example.com/', { signal: controller.signal });
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(requests[0]!.aborted).toBe(true);
  });
});

describe('toFetchError', () => {
  it.each([
    ['net::ERR_NAME_NOT_RESOLVED', 'ENOTFOUND'],
    ['net::ERR_CONNECTION_RESET', 'ECONNRESET'],
    ['net::ERR_PROXY_CONNECTION_FAILED', 'ECONNREFUSED'],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'ERR_CERT_AUTHORITY_INVALID'],
  ])('%s → cause.code %s', (message, code) => {
    expect((toFetchError(new Error(message)).cause as { code: string }).code).toBe(code);
  });

  it('leaves other errors as they are', () => {
    const err = new Error('Redirect was cancelled');
    expect(toFetchError(err)).toBe(err);
  });
});
