import { LOCAL_WORKSPACE_ID } from '../../../../shared/contract/location';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import type { InputOf } from '../../../../shared/contract/contract';

/** Reset from parent (the parent's data, now or at a point), or restore (the branch's own data at a point). */
export type RestoreMode = 'reset' | 'restore';

export interface RestoreBranchForm {
  readonly point: 'latest' | 'time' | 'lsn';
  /** `datetime-local` value, local wall-clock time. */
  readonly time: string;
  readonly lsn: string;
  /** Keep the data before as a new branch (always, for a restore: that is how it is undone). */
  readonly preserve: boolean;
  readonly preserveName: string;
}

export type RestoreBranchField = 'time' | 'lsn' | 'preserveName';

/** The history the local control plane keeps by default (a project's `history_retention_duration`). */
export const DEFAULT_HISTORY_DAYS = 7;

const BRANCH_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;

/**
 * The name the data before a restore is kept under: the Lakebase App's `<branch>_old_<timestamp>`,
 * spelt with hyphens because branch ids allow no underscore; shortened to fit 63 characters.
 */
export function keptBranchName(branchId: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const tail = `-old-${stamp}`;
  return `${branchId.slice(0, 63 - tail.length).replace(/-+$/, '')}${tail}`;
}

export function initialRestoreForm(mode: RestoreMode, branchId: string, nowMs: number): RestoreBranchForm {
  return {
    point: mode === 'reset' ? 'latest' : 'time',
    time: toLocalInputValue(nowMs - 5 * 60_000),
    lsn: '',
    preserve: mode === 'restore',
    preserveName: keptBranchName(branchId, nowMs),
  };
}

/** Why the branch cannot be reset or restored here, or null when it can. */
export function restoreRefusal(mode: RestoreMode, workspaceId: string, branch: BranchSummary): string | null {
  if (workspaceId !== LOCAL_WORKSPACE_ID)
    return 'Reset and restore of a Databricks branch are done in the workspace’s Lakebase App (Branches → Reset from parent, or Backup & Restore): its API offers no call for them.';
  if (branch.isProtected) return `Branch ${branch.id} is protected: protected branches cannot be reset or restored. Unprotect it first.`;
  if (mode === 'reset' && !branch.sourceBranch) return `Branch ${branch.id} is the project’s root branch: it has no parent to reset from.`;
  return null;
}

/** The earliest point the source's history may offer: its creation, at most the retention back. */
export function historyStart(source: BranchSummary | undefined, nowMs: number): Date {
  const retention = nowMs - DEFAULT_HISTORY_DAYS * 86400_000;
  const created = source?.createTime ? Date.parse(source.createTime) : NaN;
  return new Date(Number.isNaN(created) ? retention : Math.max(created, retention));
}

export type RestoreCheck =
  | { readonly ok: true; readonly input: InputOf<'cloud.restoreBranch'> }
  | { readonly ok: false; readonly errors: Partial<Record<RestoreBranchField, string>> };

export function checkRestoreForm(
  form: RestoreBranchForm,
  ctx: { readonly mode: RestoreMode; readonly workspaceId: string; readonly branch: BranchSummary },
  nowMs: number,
): RestoreCheck {
  const errors: Partial<Record<RestoreBranchField, string>> = {};
  const source = ctx.mode === 'reset' ? (ctx.branch.sourceBranch ?? '') : ctx.branch.name;
  let sourceTime: string | undefined;
  let sourceLsn: string | undefined;
  if (form.point === 'time') {
    const ms = Date.parse(form.time);
    if (form.time === '' || Number.isNaN(ms)) errors.time = 'Pick a date and time.';
    else if (ms > nowMs) errors.time = 'Pick a time in the past.';
    else sourceTime = new Date(ms).toISOString();
  } else if (form.point === 'lsn') {
    if (!LSN.test(form.lsn.trim())) errors.lsn = 'An LSN looks like 0/1A2B3C.';
    else sourceLsn = form.lsn.trim().toUpperCase();
  }
  const preserve = ctx.mode === 'restore' || form.preserve;
  const name = form.preserveName.trim();
  if (preserve && !BRANCH_ID.test(name)) errors.preserveName = 'Use 1–63 lowercase letters, digits and hyphens, starting with a letter.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      workspaceId: ctx.workspaceId,
      branch: ctx.branch.name,
      sourceBranch: source,
      ...(sourceTime === undefined ? {} : { sourceTime }),
      ...(sourceLsn === undefined ? {} : { sourceLsn }),
      ...(preserve ? { preserveUnderName: name } : {}),
    },
  };
}

/** `datetime-local` wants local wall-clock time without a zone: YYYY-MM-DDTHH:mm:ss. */
export function toLocalInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
