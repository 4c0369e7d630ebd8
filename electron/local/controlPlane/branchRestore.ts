import path from 'node:path';
import { branchName, endpointName, validateId, type BranchSpec, type Operation } from '../../../shared/management';
import { copyClusterOnline, prepareRecovery } from '../runtime/copyClusterOnline';
import { alreadyExists, ApiFailure, invalidParameter, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import {
  checkHistory,
  copyCatalogRecords,
  pointInTime,
  removeBranchRecords,
  restoreToPointInTime,
  switchPoint,
  type RecoveryTarget,
} from './branchHandlers';
import { clusterSize, endpointUid, PRIMARY_ENDPOINT, type ControlPlaneCore } from './controlPlaneCore';
import type { BranchRecord, EndpointRecord } from './controlPlaneState';
import { branchView } from './resourceViews';
import { timestamp } from './wireValues';

/**
 * `POST /projects/{p}/branches/{b}/restore` — Neon's branch restore (the engine Lakebase is built
 * on; Databricks' API lists no reset or restore method), in Lakebase's resource names and field
 * spelling: replaces the branch's data with `source_branch` as it is now, or at
 * `source_branch_time` / `source_branch_lsn` within that branch's history. Reset from parent is
 * the parent as source; a restore is the branch itself with a point in time, and then the state
 * before it is kept as `preserve_under_name` (required, as Neon requires it for a self-restore)
 * so it can be undone by restoring from that branch. README: "Reset and restore".
 */
const RESTORE_FIELDS = new Set(['source_branch', 'source_branch_time', 'source_branch_lsn', 'preserve_under_name']);

export async function restoreBranch(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): Promise<Operation> {
  const b = core.branch(projectId, branchId);
  const name = branchName(projectId, branchId);
  for (const field of Object.keys(call.body)) {
    if (!RESTORE_FIELDS.has(field))
      throw invalidParameter(`Unknown field '${field}'; a restore takes ${[...RESTORE_FIELDS].map((f) => `'${f}'`).join(', ')}.`);
  }
  const { source_branch: sourceName, preserve_under_name: preserveId } = call.body;
  if (typeof sourceName !== 'string' || sourceName === '') throw requiredField('source_branch');
  if (preserveId !== undefined && typeof preserveId !== 'string') throw invalidParameter(`Field 'preserve_under_name' must be a string.`);
  const project = core.project(projectId);
  const target = pointInTime(
    { source_branch_time: call.body.source_branch_time, source_branch_lsn: call.body.source_branch_lsn } as BranchSpec,
    project.spec.history_retention_duration,
    '',
  );
  if (b.spec.is_protected)
    throw new ApiFailure(
      'BAD_REQUEST',
      `Branch ${branchId} is protected; protected branches cannot be reset or restored. Set spec.is_protected to false first.`,
    );
  if (b.pending_cluster_dir) throw new ApiFailure('BAD_REQUEST', `Branch ${branchId} is being reset; wait for that operation to finish.`);
  if (core.isFoundation(b))
    throw new ApiFailure(
      'BAD_REQUEST',
      `Branch ${branchId} runs on the embedded cluster Pier itself uses; it cannot be reset or restored. Restore into a new branch instead (spec.source_branch_time).`,
    );
  // The name is the caller's: only the map's own entries count.
  const source = Object.hasOwn(core.data.branches, sourceName) ? core.data.branches[sourceName] : undefined;
  if (!source || source.project_id !== projectId || source.delete_time || source.lifecycle !== 'ready' || source.pending_cluster_dir)
    throw invalidParameter(`Field 'source_branch' must name a ready branch of project ${projectId}, got '${sourceName}'.`);
  const self = source === b;
  if (self && !target)
    throw invalidParameter(
      `Restoring branch ${branchId} from itself needs 'source_branch_time' or 'source_branch_lsn' within its history.`,
    );
  if (self && preserveId === undefined) throw requiredField('preserve_under_name'); // the state before a restore is kept, so it can be undone
  if (preserveId !== undefined) {
    if (!validateId('branch_id', preserveId).ok)
      throw invalidParameter(
        `Field 'preserve_under_name' must be a branch id (lower-case letters, digits and hyphens), got '${preserveId}'.`,
      );
    if (core.data.branches[branchName(projectId, preserveId)]) throw alreadyExists('Branch', branchName(projectId, preserveId));
  }
  const readOnly = core.endpointsOf(b).filter((e) => e.spec.endpoint_type === 'ENDPOINT_TYPE_READ_ONLY' && e.lifecycle !== 'purging');
  if (readOnly.length > 0)
    throw new ApiFailure(
      'BAD_REQUEST',
      `Branch ${branchId} has read-only endpoints (${readOnly.map((e) => e.endpoint_id).join(', ')}); delete them before resetting it, as their replicas follow the data being replaced.`,
    );
  const sourceRuntime = core.primaryRuntime(source);
  if (target) await checkHistory(core, source, sourceRuntime, target);
  const rw = core.endpointsOf(b).find((e) => e.spec.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE' && e.lifecycle === 'ready');
  if (!rw) throw new ApiFailure('INVALID_STATE', `Branch ${branchId} has no read-write endpoint to restore into.`);
  const oldDir = b.cluster_dir;
  b.pending_cluster_dir = path.join('clusters', core.newUid('br'));
  b.state_change_time = timestamp();
  const preserve = preserveId === undefined ? undefined : reservePreserved(core, b, preserveId);
  await core.store.save();
  return core.ops.start(
    name,
    'BranchOperationMetadata',
    projectId,
    () => runRestore(core, { branch: b, endpoint: rw, source, target, preserve, self }),
    async () => {
      const pending = b.pending_cluster_dir;
      delete b.pending_cluster_dir;
      b.state_change_time = timestamp();
      if (b.cluster_dir !== oldDir) {
        // Failed after the swap: the branch goes back to the cluster it had.
        await core.closeRuntime(rw);
        b.cluster_dir = oldDir;
        delete b.retired_cluster_dir;
      }
      if (preserve) {
        await core.closeRuntime(preserve.endpoint);
        removeBranchRecords(core, preserve.branch);
      }
      if (pending && pending !== oldDir) await core.removeClusterDir(pending);
      await core.openRuntime(rw);
    },
  );
}

interface Preserved {
  readonly branch: BranchRecord;
  readonly endpoint: EndpointRecord;
}

/** The record of the branch that will keep the pre-restore cluster, made now so its name is taken. */
function reservePreserved(core: ControlPlaneCore, b: BranchRecord, id: string): Preserved {
  const now = timestamp();
  const branch: BranchRecord = {
    project_id: b.project_id,
    branch_id: id,
    uid: core.newUid('br'),
    create_time: now,
    update_time: now,
    state_change_time: now,
    // A child of the restored branch (so it is not a second root, and can be deleted when no longer needed).
    source: { branch: branchName(b.project_id, b.branch_id), lsn: '0/0', time: now },
    spec: { is_protected: false, no_expiry: true },
    // Empty until the swap hands it the branch's old cluster: start-up recovery removes the folder
    // of a record still 'creating', and that folder is the branch's own until then.
    cluster_dir: '',
    logical_size_bytes: b.logical_size_bytes,
    lifecycle: 'creating',
  };
  const endpoint: EndpointRecord = {
    project_id: b.project_id,
    branch_id: id,
    endpoint_id: PRIMARY_ENDPOINT,
    uid: endpointUid(),
    create_time: now,
    update_time: now,
    spec: structuredClone(core.endpointsOf(b).find((e) => e.spec.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE')!.spec),
    port: 0,
    lifecycle: 'creating',
  };
  core.data.branches[branchName(b.project_id, id)] = branch;
  core.data.endpoints[endpointName(b.project_id, id, PRIMARY_ENDPOINT)] = endpoint;
  return { branch, endpoint };
}

interface RestorePlan {
  readonly branch: BranchRecord;
  readonly endpoint: EndpointRecord;
  readonly source: BranchRecord;
  readonly target: RecoveryTarget | undefined;
  readonly preserve: Preserved | undefined;
  readonly self: boolean;
}

/**
 * Lays the source's state down in a new cluster folder and recovers it while the branch keeps serving, then swaps:
 * the branch's endpoint closes, the branch takes the new folder (the old one goes to the preserved
 * branch, or away), and the endpoint opens again on the same proxy port and uid, so `hosts.host`
 * and every connection string stay valid.
 */
async function runRestore(core: ControlPlaneCore, plan: RestorePlan): Promise<unknown> {
  const { branch: b, endpoint: ep, source, target, preserve } = plan;
  const newDir = b.pending_cluster_dir!;
  const sourceRuntime = core.primaryRuntime(source);
  await sourceRuntime.ensureRunning();
  const cluster = core.clusterAt(newDir, core.majorOf(b.project_id));
  let settings: Record<string, string>;
  let copied: { lsn: string; time: string } | undefined;
  if (target) {
    settings = await restoreToPointInTime(core, source, sourceRuntime, cluster.dataDir, target);
  } else {
    const copy = await copyClusterOnline({
      sourceUrl: sourceRuntime.cluster.connectionString('postgres'),
      sourceDataDir: sourceRuntime.cluster.dataDir,
      targetDataDir: cluster.dataDir,
      runAs: core.runAs,
      label: `pier restore ${branchName(b.project_id, b.branch_id)}`,
    });
    copied = { lsn: copy.lsn, time: copy.time.toISOString() };
    settings = await prepareRecovery(cluster.dataDir, { kind: 'immediate' }, undefined);
  }
  // Recovery runs to its end (and promotes) before the swap, while the branch still serves: the
  // outage is a stop and a start, and a crash after the swap leaves a cluster that starts as it is.
  await cluster.start(settings);
  await cluster.stop();
  const beforeLsn = await core
    .primaryRuntime(b)
    .withClient(
      'postgres',
      async (c) => (await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]?.lsn ?? '0/0',
    );
  // The swap: from here the branch's old cluster is no longer served under its name.
  await core.closeRuntime(ep);
  const oldDir = b.cluster_dir;
  b.cluster_dir = newDir;
  if (!preserve) b.retired_cluster_dir = oldDir;
  if (preserve) {
    preserve.branch.cluster_dir = oldDir;
    preserve.branch.source = { branch: branchName(b.project_id, b.branch_id), lsn: beforeLsn, time: timestamp() };
    copyCatalogRecords(core, b, preserve.branch);
    preserve.branch.lifecycle = 'ready';
    preserve.endpoint.lifecycle = 'ready';
  }
  await core.store.save();
  if (preserve) await core.openRuntime(preserve.endpoint);
  const runtime = await core.openRuntime(ep);
  b.logical_size_bytes = await runtime.withClient('postgres', clusterSize);
  // The branch's own point-in-time history starts again here.
  await core.takeBaseBackup(b);
  // Reset from the parent moves the branch's creation point; a restore from elsewhere keeps its parent.
  if (b.source?.branch === branchName(source.project_id, source.branch_id)) {
    b.source = target
      ? {
          branch: b.source.branch,
          lsn: await switchPoint(cluster.dataDir),
          ...(target.kind === 'time' ? { time: target.time.toISOString() } : {}),
        }
      : { branch: b.source.branch, ...copied! };
  }
  if (!plan.self) {
    // The data (and so the roles and databases) are the source's now.
    for (const map of [core.data.roles, core.data.databases] as Record<string, unknown>[]) {
      const prefix = branchName(b.project_id, b.branch_id) + '/';
      for (const key of Object.keys(map)) if (key.startsWith(prefix)) delete map[key];
    }
    copyCatalogRecords(core, source, b);
  }
  delete b.pending_cluster_dir;
  b.update_time = timestamp();
  b.state_change_time = b.update_time;
  await core.store.save();
  if (!preserve) {
    await core.removeClusterDir(oldDir);
    delete b.retired_cluster_dir;
    await core.store.save();
  }
  for (const listener of core.branchReplacedListeners) listener(branchName(b.project_id, b.branch_id));
  core.log(`Branch ${branchName(b.project_id, b.branch_id)} restored from ${branchName(source.project_id, source.branch_id)}.`);
  return branchView(core, b);
}
