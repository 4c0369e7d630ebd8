/**
 * PostgREST's configuration: the file (see parseConfigFile), then `PGRST_*` environment
 * variables over it, then (at each schema load) the authenticator's in-database `pgrst.*`
 * settings over both, as PostgREST documents. Every key must be one this mode knows: a setting
 * Pier cannot honour, or a typo, is an error that names it, never silently ignored.
 */
import { fail, ok, type Result } from '../../shared/contract/result';
import type { ConfigValue } from './parseConfigFile';

export type TxEnd = 'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override';
export type OpenApiMode = 'follow-privileges' | 'ignore-privileges' | 'disabled';
export type LogLevel = 'crit' | 'error' | 'warn' | 'info' | 'debug';

export interface PostgrestConfig {
  readonly dbUri: string;
  readonly dbSchemas: readonly string[];
  readonly dbAnonRole?: string;
  readonly dbPool: number;
  /** The text of jwt-secret (a secret, base64 of one, a JWK or a JWKS); see jwtConfigOf. */
  readonly jwtSecret?: string;
  readonly jwtSecretIsBase64: boolean;
  readonly jwtAud?: string;
  readonly jwtRoleClaimKey: string;
  readonly dbMaxRows?: number;
  readonly dbTxEnd: TxEnd;
  readonly dbPreRequest?: string;
  readonly dbExtraSearchPath: readonly string[];
  /** `app.settings.*`, set for every request as PostgREST does. */
  readonly appSettings: readonly (readonly [string, string])[];
  readonly dbPlanEnabled: boolean;
  readonly dbAggregatesEnabled: boolean;
  readonly dbPreparedStatements: boolean;
  readonly dbChannel: string;
  readonly dbChannelEnabled: boolean;
  /** Read the authenticator's `pgrst.*` role settings (and db-pre-config) at each schema load. */
  readonly dbConfig: boolean;
  readonly dbPreConfig?: string;
  readonly openapiMode: OpenApiMode;
  readonly serverHost: string;
  readonly serverPort: number;
  /** Unset: any origin, as PostgREST answers by default. */
  readonly serverCorsAllowedOrigins?: readonly string[];
  readonly serverTimingEnabled: boolean;
  readonly clientErrorVerbosity: 'verbose' | 'minimal';
  readonly logLevel: LogLevel;
}

type Kind = 'string' | 'int' | 'bool';

/** Every key this mode reads, with the older name PostgREST still accepts for some. */
const KEYS: Record<string, { kind: Kind; alias?: string; inDatabase?: boolean }> = {
  'db-uri': { kind: 'string' },
  'db-schemas': { kind: 'string', alias: 'db-schema', inDatabase: true },
  'db-anon-role': { kind: 'string', inDatabase: true },
  'db-pool': { kind: 'int' },
  'jwt-secret': { kind: 'string', inDatabase: true },
  'jwt-secret-is-base64': { kind: 'bool', alias: 'secret-is-base64', inDatabase: true },
  'jwt-aud': { kind: 'string', inDatabase: true },
  'jwt-role-claim-key': { kind: 'string', alias: 'role-claim-key', inDatabase: true },
  'db-max-rows': { kind: 'int', alias: 'max-rows', inDatabase: true },
  'db-tx-end': { kind: 'string', inDatabase: true },
  'db-pre-request': { kind: 'string', alias: 'pre-request', inDatabase: true },
  'db-extra-search-path': { kind: 'string', inDatabase: true },
  'db-plan-enabled': { kind: 'bool', inDatabase: true },
  'db-aggregates-enabled': { kind: 'bool', inDatabase: true },
  'db-prepared-statements': { kind: 'bool', inDatabase: true },
  'db-channel': { kind: 'string' },
  'db-channel-enabled': { kind: 'bool' },
  'db-config': { kind: 'bool' },
  'db-pre-config': { kind: 'string', inDatabase: true },
  'openapi-mode': { kind: 'string', inDatabase: true },
  'server-host': { kind: 'string' },
  'server-port': { kind: 'int' },
  'server-cors-allowed-origins': { kind: 'string', inDatabase: true },
  'server-timing-enabled': { kind: 'bool', inDatabase: true },
  'client-error-verbosity': { kind: 'string', inDatabase: true },
  'log-level': { kind: 'string' },
};

/** PostgREST settings this mode does not implement: named as such, so nobody thinks they apply. */
const NOT_SUPPORTED = new Set([
  'db-pool-acquisition-timeout',
  'db-pool-max-lifetime',
  'db-pool-max-idletime',
  'db-pool-timeout',
  'db-pool-automatic-recovery',
  'db-root-spec',
  'root-spec',
  'db-hoisted-tx-settings',
  'jwt-cache-max-entries',
  'jwt-cache-max-lifetime',
  'log-query',
  'openapi-security-active',
  'openapi-server-proxy-uri',
  'server-reuseport',
  'server-trace-header',
  'server-unix-socket',
  'server-unix-socket-mode',
  'url-use-legacy-target-names',
  'admin-server-host',
  'admin-server-port',
  'admin-server-unix-socket',
  'admin-server-unix-socket-mode',
]);

const byAlias = new Map(Object.entries(KEYS).flatMap(([k, v]) => (v.alias ? [[v.alias, k] as const] : [])));

/** The PGRST_ variable of a key: PGRST_DB_URI for db-uri. */
export function envName(key: string): string {
  return 'PGRST_' + key.toUpperCase().replace(/[-.]/g, '_');
}

const configError = (message: string) => fail({ code: 'PIERCONFIG', message, details: null, hint: null });

/**
 * `file`: the file's bindings; `env`: the process environment (only PGRST_* is read); `db`: the
 * in-database settings (`pgrst.db_schemas` → `db-schemas`), which win over both.
 */
export function readPostgrestConfig(
  file: ReadonlyMap<string, ConfigValue>,
  env: Readonly<Record<string, string | undefined>>,
  db: ReadonlyMap<string, string> = new Map(),
): Result<PostgrestConfig> {
  const raw = new Map<string, ConfigValue>();
  const appSettings = new Map<string, string>();
  const unknown: string[] = [];
  const unsupported: string[] = [];
  for (const [name, value] of file) {
    if (name.startsWith('app.settings.') && name.length > 'app.settings.'.length) {
      appSettings.set(name.toLowerCase(), typeof value === 'object' ? JSON.stringify(value) : String(value));
      continue;
    }
    const key = KEYS[name] ? name : byAlias.get(name);
    if (key) {
      // The current name wins over the old one, wherever each is written.
      if (!(key !== name && raw.has(key))) raw.set(key, value);
    } else if (NOT_SUPPORTED.has(name)) unsupported.push(name);
    else unknown.push(name);
  }
  const envKeys = new Map([...Object.keys(KEYS), ...byAlias.keys(), ...NOT_SUPPORTED].map((k) => [envName(k), k]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('PGRST_') || value === undefined) continue;
    if (name.startsWith('PGRST_APP_SETTINGS_') && name.length > 'PGRST_APP_SETTINGS_'.length) {
      // Setting names are case-insensitive in Postgres: PGRST_APP_SETTINGS_X overrides app.settings.x.
      appSettings.set('app.settings.' + name.slice('PGRST_APP_SETTINGS_'.length).toLowerCase(), value);
      continue;
    }
    const k = envKeys.get(name);
    if (k === undefined) unknown.push(name);
    else if (NOT_SUPPORTED.has(k)) unsupported.push(name);
    else {
      const key = KEYS[k] ? k : byAlias.get(k)!;
      if (!(key !== k && env[envName(key)] !== undefined)) raw.set(key, value);
    }
  }
  for (const [key, value] of db) if (KEYS[key]?.inDatabase) raw.set(key, value);
  if (unknown.length > 0 || unsupported.length > 0) {
    return configError(
      [
        unknown.length > 0 ? `Unknown PostgREST setting${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.` : '',
        unsupported.length > 0
          ? `Not supported by Pier's PostgREST mode: ${unsupported.join(', ')}; remove ${unsupported.length > 1 ? 'them' : 'it'}.`
          : '',
      ]
        .filter((s) => s !== '')
        .join(' '),
    );
  }

  const errors: string[] = [];
  const str = (key: string): string | undefined => {
    const v = raw.get(key);
    if (v === undefined) return undefined;
    if (typeof v === 'object') {
      errors.push(`${key} must be a string, not a list`);
      return undefined;
    }
    const s = String(v);
    return s === '' ? undefined : s;
  };
  const int = (key: string): number | undefined => {
    const v = raw.get(key);
    if (v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) {
      errors.push(`${key} must be a whole number, not ${JSON.stringify(v)}`);
      return undefined;
    }
    return n;
  };
  const bool = (key: string): boolean | undefined => {
    const v = raw.get(key);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v > 0;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase().replace(/^"|"$/g, '');
      if (['true', 'on', 'yes', 't', '1'].includes(t)) return true;
      if (['false', 'off', 'no', 'f', '0'].includes(t)) return false;
      if (/^\d+$/.test(t)) return Number(t) > 0;
    }
    errors.push(`${key} must be true or false, not ${JSON.stringify(v)}`);
    return undefined;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = str(key);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    errors.push(`${key} must be one of ${allowed.join(', ')}, not ${JSON.stringify(v)}`);
    return fallback;
  };
  const list = (key: string): string[] | undefined => {
    const v = raw.get(key);
    if (v === undefined) return undefined;
    const items = Array.isArray(v) ? v.map(String) : String(v).split(',');
    return items.map((s) => s.trim()).filter((s) => s !== '');
  };

  const dbSchemas = list('db-schemas') ?? ['public'];
  for (const forbidden of ['pg_catalog', 'information_schema'])
    if (dbSchemas.includes(forbidden)) errors.push(`db-schemas does not allow schema: '${forbidden}'`);
  if (dbSchemas.length === 0) errors.push('db-schemas names no schema');
  const dbPool = int('db-pool') ?? 10;
  if (dbPool < 1) errors.push('db-pool must be at least 1');
  const serverPort = int('server-port') ?? 3000;
  if (serverPort < 0 || serverPort > 65535) errors.push('server-port must be between 0 and 65535');
  const dbMaxRows = int('db-max-rows');
  if (dbMaxRows !== undefined && dbMaxRows < 0) errors.push('db-max-rows cannot be negative');
  const cors = list('server-cors-allowed-origins');
  const jwtSecret = str('jwt-secret');
  const jwtAud = str('jwt-aud');
  const dbAnonRole = str('db-anon-role');
  const dbPreRequest = str('db-pre-request');
  const dbPreConfig = str('db-pre-config');
  const config: PostgrestConfig = {
    dbUri: str('db-uri') ?? 'postgresql://',
    dbSchemas,
    ...(dbAnonRole !== undefined && { dbAnonRole }),
    dbPool,
    ...(jwtSecret !== undefined && { jwtSecret }),
    jwtSecretIsBase64: bool('jwt-secret-is-base64') ?? false,
    ...(jwtAud !== undefined && { jwtAud }),
    jwtRoleClaimKey: str('jwt-role-claim-key') ?? '.role',
    ...(dbMaxRows !== undefined && { dbMaxRows }),
    dbTxEnd: oneOf<TxEnd>('db-tx-end', ['commit', 'commit-allow-override', 'rollback', 'rollback-allow-override'], 'commit'),
    ...(dbPreRequest !== undefined && { dbPreRequest }),
    dbExtraSearchPath: raw.has('db-extra-search-path') ? (list('db-extra-search-path') ?? []) : ['public'],
    appSettings: [...appSettings],
    dbPlanEnabled: bool('db-plan-enabled') ?? false,
    dbAggregatesEnabled: bool('db-aggregates-enabled') ?? false,
    dbPreparedStatements: bool('db-prepared-statements') ?? true,
    dbChannel: str('db-channel') ?? 'pgrst',
    dbChannelEnabled: bool('db-channel-enabled') ?? true,
    dbConfig: bool('db-config') ?? true,
    ...(dbPreConfig !== undefined && { dbPreConfig }),
    openapiMode: oneOf<OpenApiMode>('openapi-mode', ['follow-privileges', 'ignore-privileges', 'disabled'], 'follow-privileges'),
    serverHost: str('server-host') ?? '!4',
    serverPort,
    ...(cors !== undefined && { serverCorsAllowedOrigins: cors }),
    serverTimingEnabled: bool('server-timing-enabled') ?? false,
    clientErrorVerbosity: oneOf('client-error-verbosity', ['verbose', 'minimal'] as const, 'verbose'),
    logLevel: oneOf<LogLevel>('log-level', ['crit', 'error', 'warn', 'info', 'debug'], 'error'),
  };
  if (errors.length > 0) return configError(`Invalid PostgREST configuration: ${errors.join('; ')}.`);
  return ok(config);
}

/** The in-database names of the settings (pgrst.db_schemas …) → config keys. */
export const IN_DATABASE_SETTINGS: ReadonlyMap<string, string> = new Map(
  Object.entries(KEYS).flatMap(([k, v]) => (v.inDatabase ? [['pgrst.' + k.replace(/-/g, '_'), k] as const] : [])),
);
