import type pg from 'pg';
import type { Location } from '../../shared/contract/location';
import type { Engine } from '../engine';

/**
 * Whom an engine's connections log in as. `authenticator`: Data API identities, each request
 * switching to its role; `admin`: the console's "view as admin". On a cloud workspace both are
 * the signed-in identity.
 */
export type EngineLogin = 'authenticator' | 'admin';

export type EndpointState = 'active' | 'suspended';

/** An engine a source opened for one database, and how to give back what it holds. */
export interface OpenedEngine {
  readonly engine: Engine;
  /** The role the engine's connections log in as (named in hints about role switches). */
  readonly loginRole: string;
  /** Whom "view as admin" runs as here: the superuser locally, the signed-in identity on a cloud workspace. */
  readonly adminRole: string;
  /** Where its connections go (host:port), to tell later whether the endpoint moved. */
  readonly address: string;
  /** Closes the engine and releases its pool. */
  close(): Promise<void>;
}

/** A pool an admin call may use until its function settles. */
export interface LeasedPool {
  readonly pool: pg.Pool;
  /** Where its connections go (host:port). */
  readonly address: string;
  release(): void;
}

/**
 * How to reach the databases of one kind of location (local branches, or a cloud workspace's):
 * the parts that differ. `BranchData` holds what is common: one engine cache, one retry policy.
 */
export interface IBranchSource<L extends Location> {
  /** Engines of this kind that log in the same way share one cache entry (cloud: both logins are the identity). */
  loginKey(login: EngineLogin): string;
  /** Opens an engine on the location's database; throws PierError PIER404 when the branch or database is not there. */
  openEngine(at: L, login: EngineLogin): Promise<OpenedEngine>;
  /** A pool on the location's database with the admin's rights. */
  leaseAdminPool(at: L): Promise<LeasedPool>;
  /** After a login was refused (28P01): whether a fresh credential was got, so one retry may succeed. */
  renewLogin(at: L): Promise<boolean>;
  /** After a failure to connect (nothing ran) at `address`: whether the branch's endpoint has moved, so one retry on a fresh look-up may succeed. */
  endpointMoved(at: L, address: string): Promise<boolean>;
  /** Forgets what it keeps for the branch (pools, looked-up endpoints), so the next call looks it up again. */
  forgetBranch(at: L): Promise<void>;
  /** The branch's data was replaced behind the same endpoint (reset, restore): drop everything connected to the old one. */
  branchReplaced?(at: L): Promise<void>;
  /** The Data API base URL of the location's database, as clients outside Pier reach it. */
  dataApiBaseUrl(at: L): Promise<string>;
  /** Whether the branch's read-write endpoint runs, or sleeps (suspended or idle), as far as the control plane says. */
  endpointState(at: L): Promise<EndpointState>;
  /**
   * Wakes the branch's read-write endpoint (as Lakebase computes wake on use), enabling it if the
   * user suspended it, and resolves once it accepts connections; true if it slept.
   */
  wake(at: L): Promise<boolean>;
  /** Whether engines LISTEN for schema changes; those that do not are reloaded after a change Pier makes. */
  readonly listens: boolean;
  /** Engines unused this long are closed (undefined: kept until shutdown). */
  readonly idleCloseMs: number | undefined;
  close(): Promise<void>;
}
