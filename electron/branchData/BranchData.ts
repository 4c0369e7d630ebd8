import type pg from 'pg';
import { assertNever } from '../../shared/contract/result';
import { workspaceOf, type CloudLocation, type LocalLocation, type Location } from '../../shared/contract/location';
import type { EndpointState, EngineLogin, IBranchSource, LeasedPool, OpenedEngine } from './IBranchSource';

/** What a call on a database came to, as far as retrying goes: nothing ran because the login or the connection failed, or it ran. */
export type Reach = 'ran' | 'loginRefused' | 'unreachable';

/**
 * Errors raised before anything ran: a refused login, or a connection that was never made (not a
 * connection lost mid-call, which may have run something).
 */
const LOGIN_REFUSED = new Set(['28P01']);
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', '57P03']);

export function reachOfError(err: unknown): Reach {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'ran';
  if (LOGIN_REFUSED.has(code)) return 'loginRefused';
  return NOT_CONNECTED.has(code) ? 'unreachable' : 'ran';
}

/**
 * A connection cut or refused with no SQL error: what a client sees when its endpoint is stopped
 * (the proxy of a suspended endpoint closes new connections; stopping ends open ones with 57P01).
 */
function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '57P01' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return typeof code !== 'string' && /Connection terminated/i.test((err as Error | null)?.message ?? '');
}

interface CachedEngine {
  readonly opened: OpenedEngine;
  /** Calls running now, and when the last one ended (for closing idle engines). */
  busy: number;
  lastUsed: number;
  closed: boolean;
}

/** The sources of each kind of location; the cloud one may be a stand-in that says why workspaces are unavailable. */
export interface BranchSources {
  readonly local: IBranchSource<LocalLocation>;
  readonly cloud: IBranchSource<CloudLocation>;
}

/**
 * The one way main reaches a branch's database, local or cloud: the Data API engine (one cache,
 * keyed by location and login), an admin pool, and one retry policy — a call that ran nothing
 * because its login was refused (a replaced credential) or because the endpoint moved (deleted and
 * recreated) is tried once more after a fresh credential or look-up. Where the two kinds differ
 * (how to find an endpoint, log in, or learn it moved) is the sources' business.
 */
export class BranchData {
  private readonly engines = new Map<string, Promise<CachedEngine>>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly sources: BranchSources) {}

  /**
   * Runs `fn` with the location's engine (not closed as idle meanwhile). `reachOf` tells from
   * fn's result whether anything ran (engines answer failures to connect as responses).
   */
  async withEngine<T>(
    at: Location,
    login: EngineLogin,
    fn: (e: OpenedEngine) => Promise<T>,
    reachOf: (result: T) => Reach = () => 'ran',
  ): Promise<T> {
    const attempt = () => this.useEngine(at, login, fn);
    return this.retrying(
      at,
      attempt,
      (r) => (r.ok ? reachOf(r.value) : reachOfError(r.error)),
      (r) => r.opened,
    );
  }

  /** Runs `fn` with a pool on the location's database with the admin's rights, held until `fn` settles. */
  async withAdminPool<T>(at: Location, fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const source = this.source(at);
    const attempt = async (): Promise<Attempt<T>> => {
      const lease = await source.leaseAdminPool(at);
      try {
        return { ok: true, value: await fn(lease.pool), opened: lease };
      } catch (error) {
        return { ok: false, error, opened: lease };
      } finally {
        lease.release();
      }
    };
    return this.retrying(
      at,
      attempt,
      (r) => (r.ok ? 'ran' : reachOfError(r.error)),
      (r) => r.opened,
    );
  }

  /** After a change Pier made: engines that do not LISTEN for schema changes reload now. */
  async schemaChanged(at: Location): Promise<void> {
    if (this.source(at).listens) return;
    await this.reloadSchema(at);
  }

  /** Reloads the schema cache of the location's open engines (the tree's refresh); nothing to do if none is open. */
  async reloadSchema(at: Location): Promise<void> {
    const prefix = keyPrefix(at);
    const reloads: Promise<void>[] = [];
    for (const [key, made] of this.engines) {
      if (!key.startsWith(prefix)) continue;
      reloads.push(made.then((e) => e.opened.engine.reloadSchema()).catch(() => undefined));
    }
    await Promise.all(reloads);
  }

  /**
   * The branch's data was replaced behind its endpoint (a reset or restore): same address, but every
   * connection made before is gone and the schema may differ, so its engines and pools start afresh.
   */
  async branchReplaced(at: Location): Promise<void> {
    await this.forgetBranch(at);
    await this.source(at).branchReplaced?.(at);
  }

  /** Whether the location's read-write endpoint runs or sleeps (the console says "Waking the endpoint…" before it wakes it). */
  endpointState(at: Location): Promise<EndpointState> {
    return this.source(at).endpointState(at);
  }

  /** Wakes the location's endpoint if it sleeps and waits until it accepts connections; true if it slept. */
  async wake(at: Location): Promise<boolean> {
    const woke = await this.source(at).wake(at);
    // Connections opened before it slept are dead: the next call starts with fresh engines and pools.
    if (woke) await this.forgetBranch(at);
    return woke;
  }

  /** After a call failed for want of a connection: true if the endpoint was asleep and is now awake (worth one more try). */
  private async wokeUp(at: Location): Promise<boolean> {
    if (
      (await this.source(at)
        .endpointState(at)
        .catch(() => 'active')) !== 'suspended'
    )
      return false;
    return this.wake(at);
  }

  dataApiBaseUrl(at: Location): Promise<string> {
    return this.source(at).dataApiBaseUrl(at);
  }

  /** Closes a workspace's engines (removed, or signed in anew, perhaps as someone else). */
  async forgetWorkspace(workspaceId: string): Promise<void> {
    await this.closeWhere((key) => (JSON.parse(key) as string[])[0] === workspaceId);
  }

  /** Open engines (for tests and diagnostics). */
  get size(): number {
    return this.engines.size;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.closeWhere(() => true);
    await Promise.all([this.sources.local.close(), this.sources.cloud.close()]);
  }

  private source(at: Location): IBranchSource<Location> {
    switch (at.kind) {
      case 'local':
        return this.sources.local as IBranchSource<Location>;
      case 'cloud':
        return this.sources.cloud as IBranchSource<Location>;
      default:
        return assertNever(at, 'location');
    }
  }

  /** The one retry policy: one more attempt after a refused login (fresh credential) or a moved endpoint (fresh look-up). */
  private async retrying<A extends Attempt<unknown>>(
    at: Location,
    attempt: () => Promise<A>,
    reachOf: (a: A) => Reach,
    openedOf: (a: A) => OpenedEngine | LeasedPool | undefined,
  ): Promise<Extract<A, { ok: true }>['value']> {
    const source = this.source(at);
    let result = await attempt();
    const reach = reachOf(result);
    const opened = openedOf(result);
    if (reach === 'loginRefused' && (await source.renewLogin(at))) {
      result = await attempt();
    } else if ((reach === 'unreachable' || (!result.ok && isConnectionLoss(result.error))) && (await this.wokeUp(at))) {
      // Asleep (suspended by the user, or idle): woken as a Lakebase compute wakes when used.
      result = await attempt();
    } else if (reach === 'unreachable' && opened && (await source.endpointMoved(at, opened.address).catch(() => false))) {
      await this.forgetBranch(at);
      result = await attempt();
    }
    if (!result.ok) throw result.error;
    return result.value;
  }

  private async useEngine<T>(at: Location, login: EngineLogin, fn: (e: OpenedEngine) => Promise<T>): Promise<Attempt<T>> {
    let cached: CachedEngine;
    try {
      cached = await this.engine(at, login);
    } catch (error) {
      return { ok: false, error, opened: undefined };
    }
    // Closed as idle just as this call came: open a new one.
    if (cached.closed) return this.useEngine(at, login, fn);
    cached.busy++;
    try {
      return { ok: true, value: await fn(cached.opened), opened: cached.opened };
    } catch (error) {
      return { ok: false, error, opened: cached.opened };
    } finally {
      cached.busy--;
      cached.lastUsed = Date.now();
    }
  }

  private engine(at: Location, login: EngineLogin): Promise<CachedEngine> {
    const source = this.source(at);
    const key = JSON.stringify([workspaceOf(at), at.branch, at.database, source.loginKey(login)]);
    let made = this.engines.get(key);
    if (!made) {
      const opening = source
        .openEngine(at, login)
        .then((opened): CachedEngine => ({ opened, busy: 0, lastUsed: Date.now(), closed: false }));
      made = opening;
      this.engines.set(key, made);
      // A failure (no such branch or database, endpoint asleep, no credential) is not kept: the
      // next call tries again. The caller awaits `made` and gets the error; this handler only forgets it.
      made.catch(() => this.engines.get(key) === made && this.engines.delete(key));
      if (source.idleCloseMs !== undefined) this.armSweeper(source.idleCloseMs);
    }
    return made;
  }

  private armSweeper(idleMs: number): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweepIdle(), Math.min(60_000, Math.max(50, idleMs / 2)));
    this.sweeper.unref();
  }

  /** Closes engines of sources with an idle limit that no call used for that long (their pools are released). */
  private sweepIdle(): void {
    for (const [key, made] of this.engines) {
      const [ws] = JSON.parse(key) as string[];
      const idleMs = ws === 'local' ? this.sources.local.idleCloseMs : this.sources.cloud.idleCloseMs;
      if (idleMs === undefined) continue;
      void made.then(
        (e) => {
          if (e.busy > 0 || Date.now() - e.lastUsed < idleMs || this.engines.get(key) !== made) return;
          this.engines.delete(key);
          void closeCached(e);
        },
        () => undefined,
      );
    }
    if (this.engines.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private async forgetBranch(at: Location): Promise<void> {
    const [ws, branch] = [workspaceOf(at), at.branch];
    await this.closeWhere((key) => {
      const [w, b] = JSON.parse(key) as string[];
      return w === ws && b === branch;
    });
    await this.source(at).forgetBranch(at);
  }

  private async closeWhere(matches: (key: string) => boolean): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, made] of this.engines) {
      if (!matches(key)) continue;
      this.engines.delete(key);
      closing.push(made.then(closeCached, () => undefined));
    }
    await Promise.all(closing);
  }
}

type Attempt<T> =
  | { readonly ok: true; readonly value: T; readonly opened: OpenedEngine | LeasedPool | undefined }
  | { readonly ok: false; readonly error: unknown; readonly opened: OpenedEngine | LeasedPool | undefined };

/** The cache-key prefix of a location's engines (any login). */
function keyPrefix(at: Location): string {
  const key = JSON.stringify([workspaceOf(at), at.branch, at.database, '']);
  return key.slice(0, key.length - '""]'.length);
}

async function closeCached(e: CachedEngine): Promise<void> {
  e.closed = true;
  await e.opened.close().catch(() => undefined);
}
