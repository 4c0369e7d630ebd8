import { describe, expect, it } from 'vitest';
import { checkCreateBranchForm, initialCreateBranchForm, type CreateBranchForm } from './createBranchForm';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const target = { workspaceId: 'local', project: 'projects/local' };
const form = (change: Partial<CreateBranchForm>): CreateBranchForm => ({
  ...initialCreateBranchForm('projects/local/branches/production'),
  branchId: 'dev',
  ...change,
});

describe('checkCreateBranchForm', () => {
  it('branches from the head with no expiry by default', () => {
    expect(checkCreateBranchForm(form({}), target, NOW)).toEqual({
      ok: true,
      input: {
        workspaceId: 'local',
        project: 'projects/local',
        branchId: 'dev',
        sourceBranch: 'projects/local/branches/production',
        expiration: { kind: 'never' },
      },
    });
  });

  it.each([
    ['', 'Give the branch a name.'],
    ['Dev', /lowercase/],
    ['1dev', /starting with a letter/],
    ['dev-', /hyphen/],
    ['a'.repeat(64), /1–63/],
  ])('refuses the branch name %j', (branchId, message) => {
    const r = checkCreateBranchForm(form({ branchId }), target, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.branchId).toMatch(message);
  });

  it('sends a point in time as UTC and refuses the future', () => {
    const past = checkCreateBranchForm(form({ startFrom: 'time', sourceTime: '2026-11-21T11:30:00Z' }), target, NOW);
    expect(past.ok && past.input).toMatchObject({ sourceTime: '2026-11-21T11:30:00.000Z' });
    const future = checkCreateBranchForm(form({ startFrom: 'time', sourceTime: '2026-11-21T13:00:00Z' }), target, NOW);
    expect(future).toEqual({ ok: false, errors: { sourceTime: 'A point in time must be in the past.' } });
  });

  it('upper-cases an LSN and refuses one that is not X/Y hex', () => {
    const good = checkCreateBranchForm(form({ startFrom: 'lsn', sourceLsn: ' 0/1a2b3c ' }), target, NOW);
    expect(good.ok && good.input).toMatchObject({ sourceLsn: '0/1A2B3C' });
    expect(checkCreateBranchForm(form({ startFrom: 'lsn', sourceLsn: '12345' }), target, NOW).ok).toBe(false);
  });

  it('turns a time to live into seconds within the server’s 1 minute–30 days', () => {
    const hours = checkCreateBranchForm(form({ expiry: 'ttl', ttlAmount: '3', ttlUnit: 'hours' }), target, NOW);
    expect(hours.ok && hours.input.expiration).toEqual({ kind: 'ttl', seconds: 10_800 });
    expect(checkCreateBranchForm(form({ expiry: 'ttl', ttlAmount: '31', ttlUnit: 'days' }), target, NOW)).toEqual({
      ok: false,
      errors: { ttlAmount: 'Between 1 minute and 30 days.' },
    });
    expect(checkCreateBranchForm(form({ expiry: 'ttl', ttlAmount: 'x' }), target, NOW).ok).toBe(false);
  });

  it('expires at a future moment only', () => {
    const at = checkCreateBranchForm(form({ expiry: 'at', expireAt: '2026-11-22T12:00:00Z' }), target, NOW);
    expect(at.ok && at.input.expiration).toEqual({ kind: 'at', time: '2026-11-22T12:00:00.000Z' });
    expect(checkCreateBranchForm(form({ expiry: 'at', expireAt: '2026-11-20T12:00:00Z' }), target, NOW).ok).toBe(false);
  });

  it('asks for protection only when ticked', () => {
    const r = checkCreateBranchForm(form({ isProtected: true }), target, NOW);
    expect(r.ok && r.input.isProtected).toBe(true);
  });
});
