/**
 * PostgREST's server, made of Pier's engine: the API at the root URL (`/table`, `/rpc/fn`, `/`
 * for OpenAPI), schemas picked with Accept-Profile / Content-Profile, configured the way
 * PostgREST is (see readPostgrestConfig). So an application's CI that runs PostgREST can run
 * this instead, and PostgREST's own clients and suites can judge the engine as they are.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createEngine, handleNodeRequest, type Engine } from '../engine';
import type { CatalogSession } from '../engine/schema-cache/loadSchemaCache';
import type { DataApiConfig } from '../engine/schema-cache/SchemaCache';
import type { ConfigValue } from './parseConfigFile';
import { jwtConfigOf } from './jwtConfigOf';
import { IN_DATABASE_SETTINGS, readPostgrestConfig, type PostgrestConfig } from './readPostgrestConfig';

export interface PostgrestServer {
  readonly url: string;
  readonly engine: Engine;
  readonly config: PostgrestConfig;
  close(): Promise<void>;
}

export interface PostgrestSources {
  /** The configuration file's bindings (empty without a file). */
  readonly file: ReadonlyMap<string, ConfigValue>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log?: (message: string) => void;
}

/** The authenticator's `pgrst.*` role settings (database-specific first), then those db-pre-config sets. */
async function readDatabaseSettings(session: CatalogSession, preConfig: string | undefined): Promise<Map<string, string>> {
  const names = [...IN_DATABASE_SETTINGS.keys()];
  const out = new Map<string, string>();
  if (preConfig !== undefined) {
    // A qualified name as PostgREST takes it (schema.function); quoted part by part.
    const fn = preConfig
      .split('.')
      .map((p) => '"' + p.replace(/"/g, '""') + '"')
      .join('.');
    await session.query(`SELECT ${fn}()`);
    const rows = await session.query<{ k: string; v: string | null }>(
      `SELECT k, current_setting(k, true) AS v FROM unnest($1::text[]) AS k`,
      [names],
    );
    for (const r of rows.rows) if (r.v !== null && r.v !== '') out.set(IN_DATABASE_SETTINGS.get(r.k)!, r.v);
  }
  const roleSettings = await session.query<{ k: string; v: string }>(
    `WITH s AS (
       SELECT setdatabase AS database, unnest(setconfig) AS setting FROM pg_catalog.pg_db_role_setting
       WHERE setrole = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
         AND setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))),
     kv AS (SELECT database, substr(setting, 1, strpos(setting, '=') - 1) AS k, substr(setting, strpos(setting, '=') + 1) AS v FROM s)
     SELECT DISTINCT ON (k) k, v FROM kv WHERE k = ANY($1::text[]) ORDER BY k, database DESC`,
    [names],
  );
  for (const r of roleSettings.rows) out.set(IN_DATABASE_SETTINGS.get(r.k)!, r.v);
  return out;
}

function dataApiConfigOf(c: PostgrestConfig): DataApiConfig {
  return {
    dbSchemas: c.dbSchemas,
    aggregatesEnabled: c.dbAggregatesEnabled,
    ...(c.dbMaxRows !== undefined && c.dbMaxRows > 0 && { maxRows: c.dbMaxRows }),
    planEnabled: c.dbPlanEnabled,
    txEnd: c.dbTxEnd,
    ...(c.dbPreRequest !== undefined && { preRequest: c.dbPreRequest }),
    extraSearchPath: c.dbExtraSearchPath,
    openApiMode: c.openapiMode,
    errorVerbosity: c.clientErrorVerbosity,
  };
}

/** `-c name=value` for libpq's options, spaces and backslashes escaped as the server reads them. */
function connectionOptions(settings: readonly (readonly [string, string])[]): string | undefined {
  if (settings.length === 0) return undefined;
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
  return settings.map(([k, v]) => `-c ${esc(k)}=${esc(v)}`).join(' ');
}

/** `!4`, `*4`, `!6`, `*6`, `*` as PostgREST reads server-host; otherwise a host name or address. */
function listenHost(host: string): string {
  switch (host) {
    case '!4':
    case '*4':
      return '0.0.0.0';
    case '!6':
    case '*6':
    case '*':
      return '::';
    default:
      return host;
  }
}

export async function startPostgrestServer(sources: PostgrestSources): Promise<PostgrestServer> {
  const log = sources.log ?? (() => undefined);
  const first = readPostgrestConfig(sources.file, sources.env);
  if (!first.ok) throw new Error(first.error.message);
  // The connection settings are fixed at start; the rest is read again at every schema load.
  const boot = first.value;
  const options = connectionOptions(boot.appSettings);
  const pool = new pg.Pool({
    connectionString: boot.dbUri,
    max: boot.dbPool,
    pipeline: true,
    application_name: 'Pier PostgREST mode',
    ...(options !== undefined && { options }),
  } as pg.PoolConfig);

  // Settings that shape authentication are read once, with the in-database ones, at start.
  let config = boot;
  if (boot.dbConfig) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      const db = await readDatabaseSettings(client, boot.dbPreConfig);
      await client.query('COMMIT');
      const merged = readPostgrestConfig(sources.file, sources.env, db);
      if (!merged.ok) throw new Error(merged.error.message);
      config = merged.value;
    } finally {
      client.release();
    }
  }
  const jwt = jwtConfigOf(config.jwtSecret, config.jwtSecretIsBase64, config.jwtAud);
  if (!jwt.ok) throw new Error(jwt.error.message);

  const engine = createEngine({
    pool,
    ownsPool: true,
    database: pool.options.database ?? '',
    jwt: jwt.value,
    roleClaimKey: config.jwtRoleClaimKey,
    ...(config.dbAnonRole !== undefined && { anonRole: config.dbAnonRole }),
    cors: { allowedOrigins: config.serverCorsAllowedOrigins ?? '*' },
    prepareStatements: config.dbPreparedStatements,
    listen: config.dbChannelEnabled,
    channel: config.dbChannel,
    serverTiming: config.serverTimingEnabled,
    log,
    readConfig: async (session) => {
      if (!boot.dbConfig) return dataApiConfigOf(boot);
      const current = readPostgrestConfig(sources.file, sources.env, await readDatabaseSettings(session, boot.dbPreConfig));
      if (!current.ok) throw new Error(current.error.message);
      return dataApiConfigOf(current.value);
    },
  });

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const segments = path.split('/').filter((s) => s !== '');
    // PostgREST serves `/`, `/name` and `/rpc/name`; the schema never appears in the path.
    if (segments.length > 2 || (segments.length === 2 && segments[0] !== 'rpc')) {
      const body = JSON.stringify({ code: 'PGRST125', details: null, hint: null, message: 'Invalid path specified in request URL' });
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    handleNodeRequest(engine, req, res, path).catch((err: unknown) => {
      log(`request failed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Clients keep connections open across pauses (a test suite between files); closing an idle
  // one after Node's default 5 s races with a request already sent on it. PostgREST keeps them longer.
  server.keepAliveTimeout = 90_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.serverPort, listenHost(config.serverHost), () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host =
    address.family === 'IPv6'
      ? `[${address.address === '::' ? '::1' : address.address}]`
      : address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address;
  await engine.schemaCache();
  return {
    url: `http://${host}:${address.port}`,
    engine,
    config,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
    },
  };
}
