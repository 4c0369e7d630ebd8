import path from 'node:path';
import { readdir, rm, stat } from 'node:fs/promises';
import { branchName, projectName } from '../../../shared/management';
import { listBaseBackups } from '../runtime/baseBackups';
import { WAL_ARCHIVE_DIR } from '../runtime/walArchive';
import { purgeBranch, softDeleteBranch } from './branchHandlers';
import { clusterSize, type ControlPlaneCore } from './controlPlaneCore';
import type { BranchRecord } from './controlPlaneState';
import { purgeProject } from './projectHandlers';
import { parseDuration } from './wireValues';

/** A branch that is written to gets a fresh base backup this often, so PITR replays little WAL. */
const BASE_BACKUP_EVERY_MS = 24 * 3600_000;

export interface MaintenanceReport {
  purgedProjects: string[];
  purgedBranches: string[];
  expiredBranches: string[];
  baseBackups: string[];
  prunedFiles: number;
}

/**
 * Housekeeping the service does on its own: purge what was soft-deleted once `purge_time` has
 * passed, delete branches whose expiration has come, and keep each branch's point-in-time history
 * no longer than its project's retention (fresh base backups, older backups and WAL removed).
 */
export async function runMaintenance(core: ControlPlaneCore, now = Date.now()): Promise<MaintenanceReport> {
  const report: MaintenanceReport = { purgedProjects: [], purgedBranches: [], expiredBranches: [], baseBackups: [], prunedFiles: 0 };
  const d = core.data;
  for (const p of Object.values(d.projects)) {
    if (p.lifecycle === 'ready' && p.delete_time && p.purge_time && Date.parse(p.purge_time) <= now) {
      await core.ops.enqueue(p.project_id, () => purgeProject(core, p));
      report.purgedProjects.push(p.project_id);
    }
  }
  for (const b of Object.values(d.branches)) {
    const project = d.projects[projectName(b.project_id)];
    if (!project || project.delete_time || b.lifecycle !== 'ready') continue;
    const name = branchName(b.project_id, b.branch_id);
    if (b.delete_time && b.purge_time && Date.parse(b.purge_time) <= now) {
      await core.ops.enqueue(b.project_id, () => purgeBranch(core, b));
      report.purgedBranches.push(name);
      continue;
    }
    const expires = expiryOf(b);
    if (
      !b.delete_time &&
      expires !== undefined &&
      expires <= now &&
      b.source &&
      !b.spec.is_protected &&
      project.spec.default_branch !== name
    ) {
      await core.ops.enqueue(b.project_id, () => softDeleteBranch(core, b));
      report.expiredBranches.push(name);
      continue;
    }
    if (!b.delete_time) {
      const retentionMs = (parseDuration(project.spec.history_retention_duration) ?? 604800) * 1000;
      await core.ops.enqueue(b.project_id, async () => {
        report.prunedFiles += await keepHistory(core, b, now, retentionMs, report);
      });
    }
  }
  await core.store.save();
  return report;
}

function expiryOf(b: BranchRecord): number | undefined {
  if (b.spec.expire_time) return Date.parse(b.spec.expire_time);
  if (b.spec.ttl) return Date.parse(b.create_time) + (parseDuration(b.spec.ttl) ?? 0) * 1000;
  return undefined;
}

/** Takes a base backup when the newest is old (only if the endpoint is awake), then prunes. */
async function keepHistory(
  core: ControlPlaneCore,
  b: BranchRecord,
  now: number,
  retentionMs: number,
  report: MaintenanceReport,
): Promise<number> {
  const clusterDir = path.join(core.dataDir, b.cluster_dir);
  let backups = await listBaseBackups(clusterDir);
  const newest = backups.at(-1);
  const primaryAwake = core.runtimes.get(`${branchName(b.project_id, b.branch_id)}/endpoints/primary`)?.state === 'ACTIVE';
  if (primaryAwake) {
    // Sizes are refreshed only for awake branches: measuring must not wake a suspended one.
    b.logical_size_bytes = await core.primaryRuntime(b).withClient('postgres', clusterSize);
  }
  if (primaryAwake && (!newest || now - newest.time.getTime() > BASE_BACKUP_EVERY_MS)) {
    await core.takeBaseBackup(b);
    report.baseBackups.push(branchName(b.project_id, b.branch_id));
    backups = await listBaseBackups(clusterDir);
  }
  // Keep the newest backup that is at least as old as the retention window's start, and all newer.
  const windowStart = now - retentionMs;
  let firstKept = 0;
  backups.forEach((bk, i) => {
    if (bk.time.getTime() <= windowStart) firstKept = i;
  });
  let pruned = 0;
  for (const bk of backups.slice(0, firstKept)) {
    await rm(bk.dir, { recursive: true, force: true });
    pruned++;
  }
  const oldestKept = backups[firstKept];
  if (!oldestKept) return pruned;
  // WAL older than the oldest kept backup can never be replayed; timeline histories are tiny and stay.
  const archive = path.join(clusterDir, WAL_ARCHIVE_DIR);
  const margin = 3600_000;
  for (const f of await readdir(archive).catch(() => [] as string[])) {
    if (f.endsWith('.history')) continue;
    const st = await stat(path.join(archive, f)).catch(() => undefined);
    if (st && st.mtimeMs < oldestKept.time.getTime() - margin) {
      await rm(path.join(archive, f), { force: true });
      pruned++;
    }
  }
  return pruned;
}
