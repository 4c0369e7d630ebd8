/**
 * A fault-injecting loopback HTTP proxy for resilience tests against a real server: some requests
 * are answered 429 / 503 with `Retry-After` without reaching the server; some are forwarded, and
 * the server's answer is then thrown away by closing the connection (the server did the work, the
 * client never hears of it). Seeded, so a failing run can be replayed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxyOptions {
  /** Base URL of the real server, e.g. `http://127.0.0.1:5000`. */
  readonly target: string;
  /** Fraction of forwarded requests whose response is dropped. Default 0.1. */
  readonly dropRate?: number;
  /** Fraction answered 429 without forwarding. Default 0.05. */
  readonly throttleRate?: number;
  /** Fraction answered 503 without forwarding. Default 0.05. */
  readonly unavailableRate?: number;
  /** `Retry-After` seconds on 429/503. Default 0. */
  readonly retryAfterSeconds?: number;
  readonly seed?: number;
  /** Only requests for which this is true get faults (default: all). */
  readonly applies?: (method: string, url: string) => boolean;
}

export interface FaultStats {
  forwarded: number;
  dropped: number;
  throttled: number;
  unavailable: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly stats: FaultStats;
  close(): Promise<void>;
}

/** mulberry32: small, seedable, good enough to spread faults. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed ?? 1);
  const dropRate = options.dropRate ?? 0.1;
  const throttleRate = options.throttleRate ?? 0.05;
  const unavailableRate = options.unavailableRate ?? 0.05;
  const retryAfter = String(options.retryAfterSeconds ?? 0);
  const stats: FaultStats = { forwarded: 0, dropped: 0, throttled: 0, unavailable: 0 };

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const faulty = options.applies?.(method, url) ?? true;
    const roll = faulty ? random() : 1;
    if (roll < throttleRate) {
      stats.throttled++;
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
      res.end(JSON.stringify({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Too many requests (fault proxy).' }));
      return;
    }
    if (roll < throttleRate + unavailableRate) {
      stats.unavailable++;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': retryAfter });
      res.end(JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'Service unavailable (fault proxy).' }));
      return;
    }
    const drop = roll < throttleRate + unavailableRate + dropRate;
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k) && k !== 'host'));
    const upstream = http.request(
      { host: target.hostname, port: target.port, method, path: url, headers: { ...headers, host: target.host } },
      (up) => {
        stats.forwarded++;
        if (drop) {
          // Let the server finish the work, then lose the answer.
          up.resume();
          up.on('end', () => {
            stats.dropped++;
            req.socket.destroy();
          });
          return;
        }
        const outHeaders = Object.fromEntries(Object.entries(up.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
        res.writeHead(up.statusCode ?? 502, outHeaders);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: upstream error ${err.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
