import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type {
  BranchSpec,
  DataApiSpec,
  DatabaseSpec,
  EndpointSpec,
  OperationError,
  ProjectSpec,
  RoleSpec,
} from '../../../shared/management';
import { writeFileAtomic } from '../../files/writeFileAtomic';

/**
 * Crash safety rests on `lifecycle`: a record is written as `creating` before any file is made
 * and as `ready` only when everything exists, and as `purging` before anything is removed. On
 * start-up a `creating` record is rolled back (its files removed) and a `purging` one finished,
 * so a resource is either fully there or not there at all.
 */
export type Lifecycle = 'creating' | 'ready' | 'purging';

/**
 * Comment on the roles and databases the API creates (a fixed literal: no user data in it), so
 * recovery only ever drops what a crashed operation of ours made.
 */
export const CREATED_BY_PIER = 'created by the Pier management API';

interface Timestamps {
  create_time: string;
  update_time: string;
}

/** Grantable project permission levels, as Databricks names them (see projectPermissions.ts). */
export type PermissionLevel = 'CAN_USE' | 'CAN_MANAGE';

export interface PermissionEntry {
  user_name: string;
  permission_level: PermissionLevel;
}

export interface ProjectRecord extends Timestamps {
  project_id: string;
  uid: string;
  /** The creator; CAN_MANAGE without a grant. Records from before owners were kept have none (the workspace owner's). */
  owner: string;
  /** Grants to other identities (the Permissions API); absent in records written before there were any. */
  permissions?: PermissionEntry[];
  /** Effective spec: every default materialized. */
  spec: ProjectSpec;
  delete_time?: string;
  purge_time?: string;
  lifecycle: Lifecycle;
}

export interface BranchRecord extends Timestamps {
  project_id: string;
  branch_id: string;
  uid: string;
  spec: BranchSpec;
  /** Source of a copied branch, as recorded when the copy was taken. */
  source?: { branch: string; lsn: string; time?: string };
  /** Cluster folder relative to the data folder. */
  cluster_dir: string;
  /** Set while a restore (reset) lays down the branch's new cluster here; the branch is RESETTING. */
  pending_cluster_dir?: string;
  /** The cluster a restore replaced (kept by no branch), removed once the restore ends or at the next start. */
  retired_cluster_dir?: string;
  state_change_time: string;
  logical_size_bytes: number;
  delete_time?: string;
  purge_time?: string;
  lifecycle: Lifecycle;
}

export interface EndpointRecord extends Timestamps {
  project_id: string;
  branch_id: string;
  endpoint_id: string;
  uid: string;
  spec: EndpointSpec;
  /** Stable loopback port of the endpoint's relay to its postmaster, for Pier's own connections and standbys. */
  port: number;
  /** Own cluster folder of a read-only (standby) endpoint; read-write endpoints use the branch's. */
  cluster_dir?: string;
  last_active_time?: string;
  lifecycle: Lifecycle;
}

export interface RoleRecord extends Timestamps {
  project_id: string;
  branch_id: string;
  role_id: string;
  spec: RoleSpec;
  lifecycle: Lifecycle;
}

export interface DatabaseRecord extends Timestamps {
  project_id: string;
  branch_id: string;
  database_id: string;
  spec: DatabaseSpec;
  data_api?: Timestamps & { spec: DataApiSpec };
  lifecycle: Lifecycle;
}

export interface OperationRecord {
  name: string;
  done: boolean;
  /** Who started it: they may poll it even after the project is gone (never sent to clients). */
  requested_by?: string;
  metadata: Record<string, unknown>;
  response?: unknown;
  error?: OperationError;
  create_time: string;
}

export interface ControlPlaneData {
  version: 1;
  /** Keyed by full resource name. */
  projects: Record<string, ProjectRecord>;
  branches: Record<string, BranchRecord>;
  endpoints: Record<string, EndpointRecord>;
  roles: Record<string, RoleRecord>;
  databases: Record<string, DatabaseRecord>;
  operations: Record<string, OperationRecord>;
  /** The Postgres proxy's port when it could not have the one asked for, tried next time (a stable `hosts.host`). */
  postgres_port?: number;
}

const emptyData = (): ControlPlaneData => ({
  version: 1,
  projects: {},
  branches: {},
  endpoints: {},
  roles: {},
  databases: {},
  operations: {},
});

/** The control plane's durable state: one JSON file, replaced atomically on every change. */
export class StateStore {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    readonly data: ControlPlaneData,
    readonly existed: boolean,
  ) {}

  static async open(dataDir: string): Promise<StateStore> {
    const file = path.join(dataDir, 'control-plane.json');
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as ControlPlaneData;
      return new StateStore(file, { ...emptyData(), ...data }, true);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `The control plane's state ${file} cannot be read (${(err as Error).message}). Restore it from a backup or move it away to start empty.`,
          { cause: err },
        );
      }
      return new StateStore(file, emptyData(), false);
    }
  }

  /** Persists the current state; writes are serialized and each one writes the latest data. */
  save(): Promise<void> {
    const next = this.writing.then(() => writeFileAtomic(this.file, JSON.stringify(this.data, null, 1), 0o600));
    this.writing = next.catch(() => undefined);
    return next;
  }
}
