/**
 * Test harness: an engine over a fixture database, served by a plain node:http server on
 * 127.0.0.1 (port 0), as the Data API route will serve it. Used by the engine's *.itest.ts.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createEngine, type Engine, type EngineOptions } from '../engine';
import { handleNodeRequest } from '../handleNodeRequest';

export const AUTHENTICATOR = 'pier_engine_authenticator';
export const AUTHENTICATOR_PASSWORD = 'engine-test';
export const ANON_ROLE = 'pier_engine_anon';

export function fixtureSql(): Promise<string> {
  return readFile(new URL('./fixture.sql', import.meta.url), 'utf8');
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

export interface EngineServer {
  readonly engine: Engine;
  /** e.g. http://127.0.0.1:1234/api/2.0/workspace/local/rest/db */
  readonly baseUrl: string;
  get(pathAndQuery: string, headers?: Record<string, string>, method?: string): Promise<TestResponse>;
  /** Any method with a body (a string is sent as is; anything else as JSON). */
  send(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

/** `superuserDbUrl`: the fixture database's superuser URL; the engine connects as the authenticator. */
export async function startEngineServer(
  superuserDbUrl: string,
  options: Partial<EngineOptions> = {},
  pool: { pipeline?: boolean; user?: string; password?: string } = {},
): Promise<EngineServer> {
  const u = new URL(superuserDbUrl);
  u.username = encodeURIComponent(pool.user ?? AUTHENTICATOR);
  u.password = encodeURIComponent(pool.password ?? AUTHENTICATOR_PASSWORD);
  const database = decodeURIComponent(u.pathname.slice(1));
  // pipeline: the engine sends a request's transaction in one round trip (see runQuery).
  const pgPool = new pg.Pool({ connectionString: u.toString(), max: 4, pipeline: pool.pipeline ?? true });
  const engine = createEngine({ pool: pgPool, ownsPool: true, database, anonRole: ANON_ROLE, ...options });
  await engine.schemaCache();
  const prefix = `/api/2.0/workspace/local/rest/${database}`;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    void handleNodeRequest(engine, req, res, path.slice(prefix.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}${prefix}`;
  const send: EngineServer['send'] = async (method, pathAndQuery, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      if (typeof body !== 'string' && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const r = await fetch(baseUrl + pathAndQuery, init);
    const text = await r.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, headers: r.headers, text, json };
  };
  return {
    engine,
    baseUrl,
    get: (pathAndQuery, headers = {}, method = 'GET') => send(method, pathAndQuery, undefined, headers),
    send,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}
