import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envProxyFetch, proxySettings } from './envProxyFetch';

/**
 * A small forward proxy on loopback, as a corporate one behaves: CONNECT tunnels (HTTPS) and
 * absolute-form requests (HTTP), resolving names the client cannot, here `*.pier.test` → loopback.
 */
const seen: string[] = [];
let proxy: http.Server;
let target: http.Server;
let tlsTarget: https.Server;
let proxyUrl: string;
let port = 0;
let tlsPort = 0;
const certDir = mkdtempSync(path.join(os.tmpdir(), 'pier-proxy-'));

const listen = (server: http.Server | https.Server) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const toLoopback = (host: string) => (host.endsWith('.pier.test') ? '127.0.0.1' : host);

beforeAll(async () => {
  target = http.createServer((req, res) => res.end(`hello from ${req.headers.host}${req.url}`));
  port = await listen(target);
  // A self-signed server: the TLS handshake must reach it through the tunnel, not stop at the proxy.
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=workspace.pier.test',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
    ],
    { cwd: certDir },
  );
  expect(made.status).toBe(0);
  tlsTarget = https.createServer(
    { key: readFileSync(path.join(certDir, 'key.pem')), cert: readFileSync(path.join(certDir, 'cert.pem')) },
    (_req, res) => res.end('secret'),
  );
  tlsPort = await listen(tlsTarget);
  proxy = http.createServer((req, res) => {
    const url = new URL(req.url ?? '');
    seen.push(`${req.method} ${url.host}`);
    const upstream = http.request(
      { host: toLoopback(url.hostname), port: url.port, path: url.pathname, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  proxy.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    const [host = '', p = '443'] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(p), toLoopback(host), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(() => {
  for (const s of [proxy, target, tlsTarget]) s.closeAllConnections();
  proxy.close();
  target.close();
  tlsTarget.close();
  rmSync(certDir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

describe('envProxyFetch (browser mode)', () => {
  it('sends HTTP requests through HTTP_PROXY, which resolves the host', async () => {
    const fetchFn = envProxyFetch({ HTTP_PROXY: proxyUrl });
    const res = await fetchFn(`http://workspace.pier.test:${port}/api/2.0/postgres/projects`);
    expect(await res.text()).toBe(`hello from workspace.pier.test:${port}/api/2.0/postgres/projects`);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(new RegExp(`^(GET|CONNECT) workspace\\.pier\\.test:${port}$`));
  });

  it('tunnels HTTPS through https_proxy with CONNECT, TLS end to end with the server', async () => {
    const fetchFn = envProxyFetch({ https_proxy: proxyUrl });
    const failure = await fetchFn(`https://workspace.pier.test:${tlsPort}/`).catch((err: Error) => err);
    expect(seen).toEqual([`CONNECT workspace.pier.test:${tlsPort}`]);
    // The server's self-signed certificate reached the client and was refused: nothing was trusted blindly.
    expect((failure as Error & { cause?: { code?: string } }).cause?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('goes direct to hosts in NO_PROXY, and always to loopback', async () => {
    const fetchFn = envProxyFetch({ HTTP_PROXY: proxyUrl, NO_PROXY: 'example.internal' });
    const res = await fetchFn(`http://localhost:${port}/direct`);
    expect(await res.text()).toBe(`hello from localhost:${port}/direct`);
    await fetchFn(`http://example.internal:${port}/`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    expect(seen).toEqual([]);
  });

  it('uses Node’s own fetch when no proxy is set', async () => {
    const res = await envProxyFetch({})(`http://127.0.0.1:${port}/plain`);
    expect(await res.text()).toBe(`hello from 127.0.0.1:${port}/plain`);
    expect(seen).toEqual([]);
  });
});

describe('proxySettings', () => {
  it('reads upper case before lower case and adds loopback to NO_PROXY', () => {
    expect(proxySettings({ HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2', no_proxy: '.corp' })).toEqual({
      httpsProxy: 'http://a:1',
      noProxy: '.corp,localhost,127.0.0.1,[::1],::1',
    });
    expect(proxySettings({ NO_PROXY: '*' })).toBeUndefined();
  });
});
