import type { InputOf } from '../../../../shared/contract/contract';
import type { BranchExpiration } from '../../../../shared/management/workspaceSchemas';

/** The create-branch dialog's fields, as typed. Times are `datetime-local` values (local time). */
export interface CreateBranchForm {
  readonly branchId: string;
  readonly sourceBranch: string;
  readonly startFrom: 'head' | 'time' | 'lsn';
  readonly sourceTime: string;
  readonly sourceLsn: string;
  readonly expiry: 'never' | 'ttl' | 'at';
  readonly ttlAmount: string;
  readonly ttlUnit: 'hours' | 'days';
  readonly expireAt: string;
  readonly isProtected: boolean;
}

export type CreateBranchField = 'branchId' | 'sourceTime' | 'sourceLsn' | 'ttlAmount' | 'expireAt';

export type CreateBranchCheck =
  | { readonly ok: true; readonly input: InputOf<'cloud.createBranch'> }
  | { readonly ok: false; readonly errors: Partial<Record<CreateBranchField, string>> };

// The server's rules (shared/management/workspaceSchemas.ts), checked here too so the user sees them while typing.
const BRANCH_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;
const TTL_MIN_S = 60;
const TTL_MAX_S = 30 * 86400;

export function initialCreateBranchForm(sourceBranch: string): CreateBranchForm {
  return {
    branchId: '',
    sourceBranch,
    startFrom: 'head',
    sourceTime: '',
    sourceLsn: '',
    expiry: 'never',
    ttlAmount: '7',
    ttlUnit: 'days',
    expireAt: '',
    isProtected: false,
  };
}

/** Form → the call's input, or a message per field that is wrong. `now` for "must be in the past/future". */
export function checkCreateBranchForm(
  form: CreateBranchForm,
  target: { workspaceId: string; project: string },
  now: number,
): CreateBranchCheck {
  const errors: Partial<Record<CreateBranchField, string>> = {};
  const branchId = form.branchId.trim();
  if (!branchId) errors.branchId = 'Give the branch a name.';
  else if (!BRANCH_ID.test(branchId))
    errors.branchId = 'Use 1–63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.';

  let point: { sourceTime: string } | { sourceLsn: string } | object = {};
  if (form.startFrom === 'time') {
    const at = Date.parse(form.sourceTime);
    if (!form.sourceTime || !Number.isFinite(at)) errors.sourceTime = 'Pick the moment to branch from.';
    else if (at > now) errors.sourceTime = 'A point in time must be in the past.';
    else point = { sourceTime: new Date(at).toISOString() };
  } else if (form.startFrom === 'lsn') {
    const lsn = form.sourceLsn.trim();
    if (!LSN.test(lsn)) errors.sourceLsn = 'An LSN looks like 0/1A2B3C (two hexadecimal numbers separated by “/”).';
    else point = { sourceLsn: lsn.toUpperCase() };
  }

  let expiration: BranchExpiration = { kind: 'never' };
  if (form.expiry === 'ttl') {
    const amount = Number(form.ttlAmount);
    const seconds = Math.round(amount * (form.ttlUnit === 'hours' ? 3600 : 86400));
    if (!form.ttlAmount.trim() || !Number.isFinite(amount) || amount <= 0) errors.ttlAmount = 'Enter how long the branch should live.';
    else if (seconds < TTL_MIN_S || seconds > TTL_MAX_S) errors.ttlAmount = 'Between 1 minute and 30 days.';
    else expiration = { kind: 'ttl', seconds };
  } else if (form.expiry === 'at') {
    const at = Date.parse(form.expireAt);
    if (!form.expireAt || !Number.isFinite(at)) errors.expireAt = 'Pick when the branch expires.';
    else if (at <= now) errors.expireAt = 'The expiry must be in the future.';
    else expiration = { kind: 'at', time: new Date(at).toISOString() };
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      workspaceId: target.workspaceId,
      project: target.project,
      branchId,
      sourceBranch: form.sourceBranch,
      ...point,
      ...(form.isProtected ? { isProtected: true } : {}),
      expiration,
    },
  };
}
