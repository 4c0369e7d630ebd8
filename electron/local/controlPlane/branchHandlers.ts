import path from 'node:path';
import {
  branchName,
  endpointName,
  projectName,
  validateId,
  type Branch,
  type BranchSpec,
  type ListBranchesResponse,
  type Operation,
} from '../../../shared/management';
import { chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import { chownTree, handOver } from '../postgres/runAs';
import { compareLsn, listBaseBackups, LSN_PATTERN } from '../runtime/baseBackups';
import { copyClusterOnline, prepareRecovery } from '../runtime/copyClusterOnline';
import { copyTree } from '../runtime/copyTree';
import type { EndpointRuntime } from '../runtime/endpointRuntime';
import { WAL_ARCHIVE_DIR } from '../runtime/walArchive';
import { alreadyExists, ApiFailure, invalidParameter, managedByParent, requiredField } from './apiFailure';
import type { ApiCall } from './apiCall';
import { clusterSize, endpointUid, PRIMARY_ENDPOINT, type ControlPlaneCore } from './controlPlaneCore';
import type { BranchRecord, EndpointRecord } from './controlPlaneState';
import { EMPTY_RESPONSE } from './operationRunner';
import { branchView } from './resourceViews';
import { checkBranchExpiration, checkEndpointSpec, endpointDefaults, maskedUpdate, objectField } from './specRules';
import { pageOf, parseDuration, parseTimestamp, queryBoolean, timestamp } from './wireValues';

const PURGE_AFTER_MS = 7 * 86400_000;

export async function createBranch(core: ControlPlaneCore, call: ApiCall, projectId: string): Promise<Operation> {
  const project = core.project(projectId);
  const branchId = call.query.get('branch_id') ?? '';
  const idCheck = validateId('branch_id', branchId);
  if (!idCheck.ok) throw invalidParameter(idCheck.message);
  const name = branchName(projectId, branchId);
  const given = (objectField(call.body, 'spec') ?? {}) as BranchSpec;
  const existing = core.data.branches[name];
  if (existing) {
    if (!queryBoolean(call.query, 'replace_existing') || existing.delete_time || existing.lifecycle !== 'ready')
      throw alreadyExists('Branch', name);
    const spec = { ...existing.spec };
    if (given.is_protected !== undefined) spec.is_protected = given.is_protected;
    if (given.ttl !== undefined || given.expire_time !== undefined || given.no_expiry !== undefined) {
      delete spec.ttl;
      delete spec.expire_time;
      delete spec.no_expiry;
      Object.assign(spec, pick(given, ['ttl', 'expire_time', 'no_expiry']));
    }
    checkBranchExpiration(spec);
    return core.ops.start(name, 'BranchOperationMetadata', projectId, async () => {
      existing.spec = spec;
      existing.update_time = timestamp();
      return branchView(core, existing);
    });
  }
  checkBranchExpiration(given);
  const target = pointInTime(given, project.spec.history_retention_duration);
  const sourceName = given.source_branch ?? project.spec.default_branch ?? '';
  const source = core.data.branches[sourceName];
  if (!source || source.project_id !== projectId || source.delete_time || source.lifecycle !== 'ready') {
    throw invalidParameter(`Field 'spec.source_branch' must name a ready branch of project ${projectId}, got '${sourceName}'.`);
  }
  const endpointSpec = endpointDefaults({ endpoint_type: 'ENDPOINT_TYPE_READ_WRITE' }, project.spec.default_endpoint_settings);
  checkEndpointSpec(endpointSpec);
  // The history a point-in-time branch needs is checked before the operation starts, so the
  // client gets the 400 itself rather than a failed operation.
  if (target) await checkHistory(core, source, core.primaryRuntime(source), target);
  const now = timestamp();
  const uid = core.newUid('br');
  const spec: BranchSpec = { is_protected: given.is_protected ?? false, ...pick(given, ['ttl', 'expire_time', 'no_expiry']) };
  if (spec.ttl === undefined && spec.expire_time === undefined) spec.no_expiry = true;
  const b: BranchRecord = {
    project_id: projectId,
    branch_id: branchId,
    uid,
    create_time: now,
    update_time: now,
    state_change_time: now,
    spec,
    cluster_dir: path.join('clusters', uid),
    logical_size_bytes: 0,
    lifecycle: 'creating',
  };
  const ep: EndpointRecord = {
    project_id: projectId,
    branch_id: branchId,
    endpoint_id: PRIMARY_ENDPOINT,
    uid: endpointUid(),
    create_time: now,
    update_time: now,
    spec: endpointSpec,
    port: 0,
    lifecycle: 'creating',
  };
  core.data.branches[name] = b;
  core.data.endpoints[endpointName(projectId, branchId, PRIMARY_ENDPOINT)] = ep;
  return core.ops.start(
    name,
    'BranchOperationMetadata',
    projectId,
    async () => {
      const started = performance.now();
      const lap = () => `${((performance.now() - started) / 1000).toFixed(2)} s`;
      const sourceRuntime = core.primaryRuntime(source);
      await sourceRuntime.ensureRunning();
      // The copy runs the project's major, as its source does.
      const cluster = core.clusterAt(b.cluster_dir, core.majorOf(projectId));
      let settings: Record<string, string>;
      if (target) {
        settings = await restoreToPointInTime(core, source, sourceRuntime, cluster.dataDir, target);
      } else {
        const copy = await copyClusterOnline({
          sourceUrl: sourceRuntime.cluster.connectionString('postgres'),
          sourceDataDir: sourceRuntime.cluster.dataDir,
          targetDataDir: cluster.dataDir,
          runAs: core.runAs,
          label: `pier branch ${name}`,
        });
        b.source = { branch: sourceName, lsn: copy.lsn, time: copy.time.toISOString() };
        settings = await prepareRecovery(cluster.dataDir, { kind: 'immediate' }, undefined);
      }
      const copied = lap();
      const runtime = await core.openRuntime(ep, settings);
      b.logical_size_bytes = await runtime.withClient('postgres', clusterSize);
      const running = lap();
      if (target)
        b.source = {
          branch: sourceName,
          lsn: await switchPoint(cluster.dataDir),
          ...(target.kind === 'time' ? { time: target.time.toISOString() } : {}),
        };
      // The branch's own point-in-time history starts here, before the branch is reported ready.
      await core.takeBaseBackup(b);
      core.log(`Branch ${name} ready in ${lap()} (copied at ${copied}, running at ${running}, then its first base backup).`);
      copyCatalogRecords(core, source, b);
      b.lifecycle = 'ready';
      ep.lifecycle = 'ready';
      b.state_change_time = timestamp();
      return branchView(core, b);
    },
    async () => {
      await core.closeRuntime(ep);
      await core.removeClusterDir(b.cluster_dir);
      removeBranchRecords(core, b);
    },
  );
}

export type RecoveryTarget = { kind: 'time'; time: Date } | { kind: 'lsn'; lsn: string };

/** `spec.source_branch_time` / `_lsn`, checked against the project's history retention. */
export function pointInTime(given: BranchSpec, retention: string | undefined, prefix = 'spec.'): RecoveryTarget | undefined {
  if (given.source_snapshot !== undefined)
    throw new ApiFailure('NOT_IMPLEMENTED', 'Branching from a snapshot is not available in the local control plane.');
  if (given.source_branch_time !== undefined && given.source_branch_lsn !== undefined) {
    throw invalidParameter(`Set either '${prefix}source_branch_time' or '${prefix}source_branch_lsn', not both.`);
  }
  if (given.source_branch_lsn !== undefined) {
    if (typeof given.source_branch_lsn !== 'string' || !LSN_PATTERN.test(given.source_branch_lsn)) {
      throw invalidParameter(
        `Field '${prefix}source_branch_lsn' must be an LSN like "0/1A2B3C", got ${JSON.stringify(given.source_branch_lsn)}.`,
      );
    }
    return { kind: 'lsn', lsn: given.source_branch_lsn.toUpperCase() };
  }
  if (given.source_branch_time === undefined) return undefined;
  const time = parseTimestamp(`${prefix}source_branch_time`, given.source_branch_time);
  const seconds = parseDuration(retention) ?? 604800;
  if (time.getTime() > Date.now()) throw invalidParameter(`Field '${prefix}source_branch_time' is in the future.`);
  if (time.getTime() < Date.now() - seconds * 1000) {
    throw invalidParameter(
      `Field '${prefix}source_branch_time' is older than the project's history retention (${retention ?? '604800s'}).`,
    );
  }
  return { kind: 'time', time };
}

/**
 * The newest base backup of `source` from before `target`, or a 400 saying how far back it goes;
 * an LSN ahead of the source is refused. Makes sure a commit follows a target time, so recovery stops.
 */
export async function checkHistory(core: ControlPlaneCore, source: BranchRecord, sourceRuntime: EndpointRuntime, target: RecoveryTarget) {
  const backups = await listBaseBackups(path.join(core.dataDir, source.cluster_dir));
  const base = [...backups].reverse().find((bk) => (target.kind === 'time' ? bk.time <= target.time : compareLsn(bk.lsn, target.lsn) <= 0));
  if (!base) {
    throw invalidParameter(
      `Branch ${source.branch_id} has no history that far back; the earliest point it can be branched from is ${backups[0] ? `${backups[0].time.toISOString()} (LSN ${backups[0].lsn})` : 'not recorded yet'}.`,
    );
  }
  await sourceRuntime.withClient('postgres', async (c) => {
    if (target.kind === 'lsn') {
      const cur = await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      if (compareLsn(target.lsn, cur.rows[0]?.lsn ?? '0/0') > 0)
        throw invalidParameter(`Field 'spec.source_branch_lsn' (${target.lsn}) is ahead of the branch's current LSN.`);
    }
    // Recovery to a time stops at the first commit after it: make sure one exists.
    await c.query('SELECT pg_current_xact_id()');
  });
  return base;
}

/**
 * Lays down a copy of `source` as it was at `target`: its newest base backup from before the
 * target, the source's current WAL, and recovery settings that replay archived WAL up to the
 * target and promote.
 */
export async function restoreToPointInTime(
  core: ControlPlaneCore,
  source: BranchRecord,
  sourceRuntime: EndpointRuntime,
  targetDataDir: string,
  target: RecoveryTarget,
): Promise<Record<string, string>> {
  const sourceDir = path.join(core.dataDir, source.cluster_dir);
  const base = await checkHistory(core, source, sourceRuntime, target);
  const clusterDir = path.dirname(targetDataDir);
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  await handOver(clusterDir, core.runAs);
  await copyTree(path.join(base.dir, 'pgdata'), targetDataDir);
  // WAL not archived yet (the segment being written) comes from the source's pg_wal.
  await copyTree(path.join(sourceRuntime.cluster.dataDir, 'pg_wal'), path.join(targetDataDir, 'pg_wal'), (rel) =>
    rel.startsWith('archive_status'),
  );
  await chmod(targetDataDir, 0o700);
  await chownTree(targetDataDir, core.runAs);
  return prepareRecovery(targetDataDir, target, path.join(sourceDir, WAL_ARCHIVE_DIR));
}

/** Where the new timeline forked: the last entry of the newest timeline history file. */
export async function switchPoint(dataDir: string): Promise<string> {
  const histories = (await readdir(path.join(dataDir, 'pg_wal'))).filter((f) => f.endsWith('.history')).sort();
  const newest = histories.at(-1);
  if (!newest) return '0/0';
  const lines = (await readFile(path.join(dataDir, 'pg_wal', newest), 'utf8')).trim().split('\n');
  return lines.at(-1)?.split('\t')[1] ?? '0/0';
}

/** The copy holds the source's roles and databases, so it lists them too. */
export function copyCatalogRecords(core: ControlPlaneCore, from: BranchRecord, to: BranchRecord): void {
  const now = timestamp();
  const fromName = branchName(from.project_id, from.branch_id);
  const toName = branchName(to.project_id, to.branch_id);
  for (const r of core.childrenOf(core.data.roles, fromName, 'roles')) {
    core.data.roles[`${toName}/roles/${r.role_id}`] = {
      ...structuredClone(r),
      branch_id: to.branch_id,
      create_time: now,
      update_time: now,
    };
  }
  for (const d of core.childrenOf(core.data.databases, fromName, 'databases')) {
    const copy = structuredClone(d);
    copy.branch_id = to.branch_id;
    copy.create_time = now;
    copy.update_time = now;
    if (copy.spec.role?.startsWith(fromName + '/')) copy.spec.role = toName + copy.spec.role.slice(fromName.length);
    core.data.databases[`${toName}/databases/${d.database_id}`] = copy;
  }
}

export function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function listBranches(core: ControlPlaneCore, call: ApiCall, projectId: string): ListBranchesResponse {
  core.project(projectId);
  const showDeleted = queryBoolean(call.query, 'show_deleted');
  const all = core
    .childrenOf(core.data.branches, projectName(projectId), 'branches')
    .filter((b) => b.lifecycle !== 'purging' && (showDeleted || !b.delete_time));
  const { page, next } = pageOf(all, call.query, 1000);
  return { branches: page.map((b) => branchView(core, b)), ...(next ? { next_page_token: next } : {}) };
}

export function getBranch(core: ControlPlaneCore, projectId: string, branchId: string): Branch {
  return branchView(core, core.branch(projectId, branchId));
}

export async function updateBranch(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): Promise<Operation> {
  const b = core.branch(projectId, branchId);
  if (!call.query.get('update_mask')) throw requiredField('update_mask');
  const spec = maskedUpdate('branch', b.spec, call.body, call.query);
  checkBranchExpiration(spec);
  return core.ops.start(branchName(projectId, branchId), 'BranchOperationMetadata', projectId, async () => {
    b.spec = spec;
    b.update_time = timestamp();
    return branchView(core, b);
  });
}

export async function deleteBranch(core: ControlPlaneCore, call: ApiCall, projectId: string, branchId: string): Promise<Operation> {
  const purge = queryBoolean(call.query, 'purge');
  const name = branchName(projectId, branchId);
  let b: BranchRecord;
  try {
    b = core.branch(projectId, branchId, { allowDeleted: purge });
  } catch (err) {
    if (queryBoolean(call.query, 'allow_missing') && err instanceof ApiFailure && err.errorCode === 'NOT_FOUND') {
      return core.ops.start(name, 'BranchOperationMetadata', projectId, async () => EMPTY_RESPONSE);
    }
    throw err;
  }
  const project = core.project(projectId);
  if (!b.source)
    throw managedByParent(
      `Branch ${branchId} is the root branch of project ${projectId}; root branches cannot be deleted independently. Delete the project instead.`,
    );
  if (b.spec.is_protected)
    throw new ApiFailure('BAD_REQUEST', `Branch ${branchId} is protected; set spec.is_protected to false before deleting it.`);
  if (project.spec.default_branch === name)
    throw new ApiFailure('BAD_REQUEST', `Branch ${branchId} is the project's default branch; make another branch the default first.`);
  if (purge) b.lifecycle = 'purging';
  return core.ops.start(name, 'BranchOperationMetadata', projectId, async () => {
    await (purge ? purgeBranch(core, b) : softDeleteBranch(core, b));
    return EMPTY_RESPONSE;
  });
}

/** Stops the branch's endpoints and hides it; files stay until `purge_time`. */
export async function softDeleteBranch(core: ControlPlaneCore, b: BranchRecord): Promise<void> {
  for (const ep of core.endpointsOf(b)) await core.closeRuntime(ep);
  b.delete_time = timestamp();
  b.purge_time = timestamp(new Date(Date.now() + PURGE_AFTER_MS));
  b.update_time = b.delete_time;
  b.state_change_time = b.delete_time;
}

/** Stops the branch's endpoints and removes its files and records for good. */
export async function purgeBranch(core: ControlPlaneCore, b: BranchRecord): Promise<void> {
  b.lifecycle = 'purging';
  await core.store.save();
  for (const ep of core.endpointsOf(b)) await core.closeRuntime(ep);
  for (const ep of core.endpointsOf(b)) await core.removeClusterDir(ep.cluster_dir);
  await core.removeClusterDir(b.cluster_dir);
  removeBranchRecords(core, b);
}

export async function undeleteBranch(core: ControlPlaneCore, projectId: string, branchId: string): Promise<Operation> {
  const b = core.branch(projectId, branchId, { allowDeleted: true });
  if (!b.delete_time) throw new ApiFailure('BAD_REQUEST', `Branch ${branchId} is not deleted.`);
  return core.ops.start(branchName(projectId, branchId), 'BranchOperationMetadata', projectId, async () => {
    delete b.delete_time;
    delete b.purge_time;
    b.update_time = timestamp();
    b.state_change_time = b.update_time;
    for (const ep of core.endpointsOf(b)) await core.openRuntime(ep);
    return EMPTY_RESPONSE;
  });
}

export function removeBranchRecords(core: ControlPlaneCore, b: BranchRecord): void {
  const prefix = branchName(b.project_id, b.branch_id);
  const d = core.data;
  for (const map of [d.branches, d.endpoints, d.roles, d.databases] as Record<string, unknown>[]) {
    for (const name of Object.keys(map)) if (name === prefix || name.startsWith(prefix + '/')) delete map[name];
  }
}
