/**
 * Database connections to branch endpoints: host from `status.hosts.host`, the signed-in identity
 * as user, a fresh database credential (`POST /credentials`) as password, renewed before it
 * expires; always TLS with certificate checks, as Lakebase requires (a loopback host is a Pier's
 * own Postgres proxy, whose certificate the local CA signs). One pool per endpoint and
 * database, closed after it has been idle for a while, and all of a workspace's pools when the
 * workspace is removed.
 */
import pg from 'pg';
import type { DatabaseCredential } from '../../../shared/management/resources';
import { cloudFail, cloudOk, type CloudError, type CloudResult } from '../cloudError';
import type { ManagementClient } from '../managementClient';
import { sleep } from '../retryPolicy';
import { isLoopbackHost } from '../workspaceHost';

export interface EndpointTarget {
  readonly workspaceId: string;
  /** `projects/{p}/branches/{b}/endpoints/{e}`. */
  readonly endpoint: string;
  /** Default `databricks_postgres`. */
  readonly database?: string;
}

export interface EndpointPoolsOptions {
  readonly clientFor: (workspaceId: string) => Promise<CloudResult<ManagementClient>>;
  /** The Postgres user: the identity's user name (email / SP application id). */
  readonly identityFor: (workspaceId: string) => Promise<CloudResult<string>>;
  /** Close a pool after this long with no connection in use. Default 5 min. */
  readonly idleCloseMs?: number;
  /** Get a new credential when the current one has less than this left. Default 5 min. */
  readonly renewBeforeMs?: number;
  /** Asked-for credential lifetime (300s–3600s). Default `3600s`. */
  readonly credentialTtl?: string;
  readonly maxConnectionsPerPool?: number;
  /** How long to keep retrying while an idle endpoint wakes up. Default 60 s. */
  readonly wakeUpTimeoutMs?: number;
  /** The CA (PEM) that signs loopback endpoints' certificates: this Pier's local CA, when Pier is its own workspace. */
  readonly loopbackCa?: string;
}

export const DEFAULT_DATABASE = 'databricks_postgres';

/**
 * `host` or `host:port` (a local endpoint carries its port when Pier's proxy could not have 5432)
 * → connection host and port, and whether it is on this machine (its certificate is then the local CA's).
 */
export function connectionAddress(endpointHost: string): { host: string; port: number; loopback: boolean } {
  const m = /^(.*):(\d+)$/.exec(endpointHost);
  const host = m?.[1] ?? endpointHost;
  const port = m?.[2] === undefined ? 5432 : Number(m[2]);
  return { host, port, loopback: isLoopbackHost(host) };
}

interface PoolEntry {
  readonly key: string;
  /** Key of the endpoint's credential (shared by its databases' pools). */
  readonly credentialKey: string;
  readonly workspaceId: string;
  readonly target: EndpointTarget;
  readonly client: ManagementClient;
  readonly user: string;
  readonly pool: pg.Pool;
  /** The endpoint's host (`status.hosts.host`) the pool connects to. */
  readonly host: string;
  inUse: number;
  /** Holders of the pool itself (see `leasePool`): it stays open and its credential stays renewed. */
  leases: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/** A pool handed out whole (e.g. to a Data API engine); `release` when done with it, never `end`. */
export interface PoolLease {
  readonly pool: pg.Pool;
  /** The Postgres user its connections log in as (the signed-in identity). */
  readonly user: string;
  /** The endpoint's host (`status.hosts.host`) its connections go to. */
  readonly address: string;
  release(): void;
}

/** SQLSTATEs / errno codes that mean "the endpoint is waking up or briefly away": retry. */
const TRANSIENT_CONNECT = /^(08\d{3}|57P03|ECONNREFUSED|ECONNRESET|ETIMEDOUT)$/;

function connectError(err: unknown, target: EndpointTarget, user: string): CloudError {
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message;
  const details = { error_code: code, server_message: message };
  if (code === '28P01' || code === '28000') {
    return {
      code: 'CLOUD_UNAUTHENTICATED',
      message: `${target.endpoint} refused the database credential for "${user}" (${message}). Make sure a Postgres role for this identity exists on the branch (Roles → add identity), then try again.`,
      details,
    };
  }
  if (code === '3D000')
    return {
      code: 'CLOUD_NOT_FOUND',
      message: `There is no database "${target.database ?? DEFAULT_DATABASE}" on ${target.endpoint}. Pick another database.`,
      details,
    };
  if (code.startsWith('ERR_TLS') || /certificate|self[- ]signed/i.test(message)) {
    return {
      code: 'CLOUD_WRONG_HOST',
      message: `The TLS certificate of ${target.endpoint} was refused (${message}). Check the workspace and the network (a proxy may be intercepting TLS).`,
      details,
    };
  }
  return {
    code: 'CLOUD_NETWORK',
    message: `Cannot connect to ${target.endpoint} (${message}). It may be suspended or starting; check your network and try again.`,
    details,
  };
}

/** Credentials are per endpoint (all its databases share one). */
function credentialKeyOf(t: EndpointTarget): string {
  return `${t.workspaceId}\u0000${t.endpoint}`;
}

export class EndpointPools {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly credentials = new Map<string, { credential: Promise<CloudResult<DatabaseCredential>>; expiresAt: number }>();
  /** The newest credential's token per endpoint: what a login sends, read synchronously by pg. */
  private readonly tokens = new Map<string, string>();
  /** Per endpoint with leased pools: the timer that renews its credential ahead of expiry. */
  private readonly renewals = new Map<string, NodeJS.Timeout>();
  private disposed = false;

  constructor(private readonly options: EndpointPoolsOptions) {}

  /** Open pools (for diagnostics and tests). */
  get size(): number {
    return this.pools.size;
  }

  private keyOf(t: EndpointTarget): string {
    return `${t.workspaceId}\u0000${t.endpoint}\u0000${t.database ?? DEFAULT_DATABASE}`;
  }

  /** The current credential for an endpoint, renewed when under `renewBeforeMs` remain. */
  private credentialFor(client: ManagementClient, target: EndpointTarget): Promise<CloudResult<DatabaseCredential>> {
    const key = credentialKeyOf(target);
    const renewBefore = this.options.renewBeforeMs ?? 5 * 60_000;
    const cached = this.credentials.get(key);
    if (cached && cached.expiresAt - Date.now() > renewBefore) return cached.credential;
    const entry = { credential: undefined as unknown as Promise<CloudResult<DatabaseCredential>>, expiresAt: Number.POSITIVE_INFINITY };
    entry.credential = client
      .generateDatabaseCredential({ endpoint: target.endpoint, ttl: this.options.credentialTtl ?? '3600s' })
      .then((r) => {
        if (!r.ok) {
          if (this.credentials.get(key) === entry) this.credentials.delete(key);
          return r;
        }
        const at = r.value.expire_time ? Date.parse(r.value.expire_time) : NaN;
        // Without a readable expiry, assume the documented hour minus a margin.
        entry.expiresAt = Number.isNaN(at) ? Date.now() + 50 * 60_000 : at;
        // Set before anyone awaiting the credential resumes, so their logins send it.
        if (this.credentials.get(key) === entry) this.tokens.set(key, r.value.token ?? '');
        return r;
      });
    this.credentials.set(key, entry);
    return entry.credential;
  }

  /**
   * Keeps the endpoint's credential current while any of its pools is leased: pg asks for the
   * password synchronously at login, and the server checks the role's password as it was when the
   * login started, so the credential has to be renewed ahead of time, never during a login.
   */
  private scheduleRenewal(entry: PoolEntry): void {
    const key = entry.credentialKey;
    if (this.renewals.has(key) || this.disposed) return;
    const renewBefore = this.options.renewBeforeMs ?? 5 * 60_000;
    const expiresAt = this.credentials.get(key)?.expiresAt ?? Date.now();
    // Renew once under `renewBefore` remain (the old token stays valid until it expires). An
    // expiry not known yet means a renewal is in flight: look again shortly.
    const delay = Number.isFinite(expiresAt) ? Math.max(1_000, Math.min(expiresAt - Date.now() - renewBefore + 1_000, 2 ** 31 - 1)) : 5_000;
    const timer = setTimeout(() => {
      this.renewals.delete(key);
      if (![...this.pools.values()].some((e) => e.credentialKey === key && e.leases > 0)) return;
      void this.credentialFor(entry.client, entry.target).then((r) => {
        // A failed renewal (network) is retried soon; logins keep the previous, still valid token.
        if (!r.ok) setTimeout(() => this.scheduleRenewal(entry), 30_000).unref();
        else this.scheduleRenewal(entry);
      });
    }, delay);
    timer.unref();
    this.renewals.set(key, timer);
  }

  private async createPool(target: EndpointTarget, key: string): Promise<CloudResult<PoolEntry>> {
    const client = await this.options.clientFor(target.workspaceId);
    if (!client.ok) return client;
    const user = await this.options.identityFor(target.workspaceId);
    if (!user.ok) return user;
    const endpoint = await client.value.getEndpoint(target.endpoint);
    if (!endpoint.ok) return endpoint;
    const host = endpoint.value.status?.hosts?.host;
    if (!host)
      return cloudFail(
        'CLOUD_BAD_RESPONSE',
        `${target.endpoint} has no host yet (state ${endpoint.value.status?.current_state ?? 'unknown'}). Wait until it is ready, then try again.`,
      );
    if (endpoint.value.status?.disabled)
      return cloudFail('CLOUD_INVALID_INPUT', `${target.endpoint} is disabled, so it accepts no connections. Enable it first.`);
    const address = connectionAddress(host);
    const pool = new pg.Pool({
      host: address.host,
      port: address.port,
      user: user.value,
      database: target.database ?? DEFAULT_DATABASE,
      // Read at login. Servers load the role's password before asking for it, so the credential
      // must be fetched before connecting (see connectOne, scheduleRenewal), never during the handshake.
      password: () => this.tokens.get(entry.credentialKey) ?? '',
      ssl: address.loopback
        ? { rejectUnauthorized: true, ...(this.options.loopbackCa && { ca: this.options.loopbackCa }) }
        : { rejectUnauthorized: true, servername: address.host },
      max: this.options.maxConnectionsPerPool ?? 5,
      idleTimeoutMillis: 30_000,
      application_name: 'pier',
    });
    // An idle pooled connection that dies (endpoint suspended) must not crash the process.
    pool.on('error', () => undefined);
    const entry: PoolEntry = {
      key,
      credentialKey: credentialKeyOf(target),
      workspaceId: target.workspaceId,
      target,
      client: client.value,
      user: user.value,
      pool,
      host,
      inUse: 0,
      leases: 0,
      idleTimer: undefined,
    };
    // Prove the pool can connect before handing it out; wake an idle endpoint if needed.
    const deadline = Date.now() + (this.options.wakeUpTimeoutMs ?? 60_000);
    for (let attempt = 1; ; attempt++) {
      const c = await this.connectOne(entry);
      if (c.ok) {
        c.value.release();
        return cloudOk(entry);
      }
      const code = c.error.details.error_code ?? '';
      if (c.error.code !== 'CLOUD_NETWORK' || !TRANSIENT_CONNECT.test(code) || Date.now() + 500 * attempt > deadline) {
        await pool.end().catch(() => undefined);
        return c;
      }
      await sleep(Math.min(5_000, 500 * attempt));
    }
  }

  /** One pooled connection, logging in with a credential that has time left. */
  private async connectOne(entry: PoolEntry, retried = false): Promise<CloudResult<pg.PoolClient>> {
    const cred = await this.credentialFor(entry.client, entry.target);
    if (!cred.ok) return cred;
    try {
      return cloudOk(await entry.pool.connect());
    } catch (err) {
      // A cached credential can be superseded (a newer one for the same role, e.g. from another
      // endpoint of the branch): forget it and log in once more with a fresh one.
      if ((err as { code?: string }).code === '28P01' && !retried) {
        this.credentials.delete(entry.credentialKey);
        return this.connectOne(entry, true);
      }
      return { ok: false, error: connectError(err, entry.target, entry.user) };
    }
  }

  private async entryFor(target: EndpointTarget): Promise<CloudResult<PoolEntry>> {
    if (this.disposed) return cloudFail('CLOUD_CANCELLED', 'Pier is shutting down.');
    const key = this.keyOf(target);
    const existing = this.pools.get(key);
    if (existing) return cloudOk(existing);
    const created = await this.createPool(target, key);
    if (!created.ok) return created;
    // Two callers may have raced to create the same pool: keep the first.
    const raced = this.pools.get(key);
    if (raced) {
      await created.value.pool.end();
      return cloudOk(raced);
    }
    this.pools.set(key, created.value);
    return created;
  }

  private armIdle(entry: PoolEntry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    if (entry.inUse > 0 || entry.leases > 0) return;
    entry.idleTimer = setTimeout(
      () => {
        if (entry.inUse === 0 && this.pools.get(entry.key) === entry) {
          this.pools.delete(entry.key);
          void entry.pool.end().catch(() => undefined);
        }
      },
      this.options.idleCloseMs ?? 5 * 60_000,
    );
    entry.idleTimer.unref();
  }

  /** Runs `fn` with a pooled connection to the endpoint; the connection is released afterwards. */
  async withConnection<T>(target: EndpointTarget, fn: (client: pg.PoolClient) => Promise<T>): Promise<CloudResult<T>> {
    const entry = await this.entryFor(target);
    if (!entry.ok) return entry;
    const e = entry.value;
    e.inUse++;
    if (e.idleTimer) clearTimeout(e.idleTimer);
    const connected = await this.connectOne(e);
    if (!connected.ok) {
      e.inUse--;
      this.armIdle(e);
      return connected;
    }
    const client = connected.value;
    let failure: Error | undefined;
    try {
      return cloudOk(await fn(client));
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      // A connection that failed mid-use may be broken: discard it rather than pool it.
      client.release(failure);
      e.inUse--;
      this.armIdle(e);
    }
  }

  /**
   * The endpoint's pool itself, for a holder that runs its own connections (a Data API engine).
   * Its logins always send a current credential (renewed ahead of expiry while leased); it is
   * not closed while leased, except when its workspace is closed or Pier shuts down.
   */
  async leasePool(target: EndpointTarget): Promise<CloudResult<PoolLease>> {
    const entry = await this.entryFor(target);
    if (!entry.ok) return entry;
    const e = entry.value;
    // A pool made a while ago may hold an expired credential: its next logins need a current one.
    const cred = await this.credentialFor(e.client, e.target);
    if (!cred.ok) return cred;
    e.leases++;
    if (e.idleTimer) clearTimeout(e.idleTimer);
    this.scheduleRenewal(e);
    let released = false;
    return cloudOk({
      pool: e.pool,
      user: e.user,
      address: e.host,
      release: () => {
        if (released) return;
        released = true;
        e.leases--;
        this.armIdle(e);
      },
    });
  }

  /**
   * Gets a new credential for the endpoint now, for logins refused with the cached one (another
   * client of the same identity may have replaced it). Existing connections stay logged in.
   */
  async renewCredential(target: EndpointTarget): Promise<CloudResult<void>> {
    const client = await this.options.clientFor(target.workspaceId);
    if (!client.ok) return client;
    this.credentials.delete(credentialKeyOf(target));
    const cred = await this.credentialFor(client.value, target);
    return cred.ok ? cloudOk(undefined) : cred;
  }

  /**
   * Closes the pools of a branch's endpoints and forgets their credentials: an endpoint deleted and
   * recreated under the same name has a new host, which only a new pool looks up. Holders of a
   * leased pool must let go of it (their next connection would fail).
   */
  async forgetBranch(workspaceId: string, branch: string): Promise<void> {
    const prefix = `${workspaceId}\u0000${branch}/endpoints/`;
    for (const key of [...this.credentials.keys()]) if (key.startsWith(prefix)) this.credentials.delete(key);
    for (const key of [...this.tokens.keys()]) if (key.startsWith(prefix)) this.tokens.delete(key);
    for (const [key, timer] of this.renewals) {
      if (!key.startsWith(prefix)) continue;
      clearTimeout(timer);
      this.renewals.delete(key);
    }
    const closing: Promise<void>[] = [];
    for (const [key, entry] of this.pools) {
      if (!key.startsWith(prefix)) continue;
      this.pools.delete(key);
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      closing.push(entry.pool.end().catch(() => undefined));
    }
    await Promise.all(closing);
  }

  /** Closes every pool of a workspace (on removal or sign-out) and forgets its credentials. */
  async closeWorkspace(workspaceId: string): Promise<void> {
    for (const key of [...this.credentials.keys()]) if (key.startsWith(`${workspaceId}\u0000`)) this.credentials.delete(key);
    for (const key of [...this.tokens.keys()]) if (key.startsWith(`${workspaceId}\u0000`)) this.tokens.delete(key);
    for (const [key, timer] of this.renewals) {
      if (!key.startsWith(`${workspaceId}\u0000`)) continue;
      clearTimeout(timer);
      this.renewals.delete(key);
    }
    const closing: Promise<void>[] = [];
    for (const [key, entry] of this.pools) {
      if (entry.workspaceId !== workspaceId) continue;
      this.pools.delete(key);
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      closing.push(entry.pool.end().catch(() => undefined));
    }
    await Promise.all(closing);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.pools.values()];
    this.pools.clear();
    this.credentials.clear();
    this.tokens.clear();
    for (const timer of this.renewals.values()) clearTimeout(timer);
    this.renewals.clear();
    await Promise.all(
      all.map((e) => {
        if (e.idleTimer) clearTimeout(e.idleTimer);
        return e.pool.end().catch(() => undefined);
      }),
    );
  }
}
