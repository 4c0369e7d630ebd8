import { describe, expect, it } from 'vitest';
import type { BranchSummary } from '../../../../shared/management/workspaceSchemas';
import { checkRestoreForm, historyStart, initialRestoreForm, keptBranchName, restoreRefusal, toLocalInputValue } from './restoreBranchForm';

const NOW = Date.parse('2026-12-08T00:30:15Z');
const dev: BranchSummary = {
  name: 'projects/local/branches/dev',
  id: 'dev',
  state: 'READY',
  isDefault: false,
  isProtected: false,
  sourceBranch: 'projects/local/branches/production',
};

describe('restoreBranchForm', () => {
  it('names the kept branch as the Lakebase App does, with hyphens, within 63 characters', () => {
    expect(keptBranchName('dev', NOW)).toBe('dev-old-20261208003015');
    const long = keptBranchName('a'.repeat(63), NOW);
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^a+-old-20261208003015$/);
  });

  it('resets to the parent by default, keeping nothing; restores from the branch itself, keeping its data', () => {
    const reset = checkRestoreForm(initialRestoreForm('reset', 'dev', NOW), { mode: 'reset', workspaceId: 'local', branch: dev }, NOW);
    expect(reset).toEqual({
      ok: true,
      input: { workspaceId: 'local', branch: dev.name, sourceBranch: 'projects/local/branches/production' },
    });
    const restore = checkRestoreForm(
      initialRestoreForm('restore', 'dev', NOW),
      { mode: 'restore', workspaceId: 'local', branch: dev },
      NOW,
    );
    expect(restore).toEqual({
      ok: true,
      input: {
        workspaceId: 'local',
        branch: dev.name,
        sourceBranch: dev.name,
        sourceTime: new Date(Date.parse(toLocalInputValue(NOW - 5 * 60_000))).toISOString(),
        preserveUnderName: 'dev-old-20261208003015',
      },
    });
  });

  it('names the field that is wrong and sends nothing', () => {
    const form = { ...initialRestoreForm('restore', 'dev', NOW), time: toLocalInputValue(NOW + 3600_000), preserveName: 'Dev_Old' };
    expect(checkRestoreForm(form, { mode: 'restore', workspaceId: 'local', branch: dev }, NOW)).toEqual({
      ok: false,
      errors: { time: 'Pick a time in the past.', preserveName: expect.stringContaining('lowercase') },
    });
    const lsn = { ...initialRestoreForm('reset', 'dev', NOW), point: 'lsn' as const, lsn: 'zz' };
    expect(checkRestoreForm(lsn, { mode: 'reset', workspaceId: 'local', branch: dev }, NOW)).toMatchObject({
      ok: false,
      errors: { lsn: expect.any(String) },
    });
  });

  it('refuses protected branches, cloud branches and a root without parent, saying why', () => {
    expect(restoreRefusal('reset', 'local', dev)).toBeNull();
    expect(restoreRefusal('reset', 'local', { ...dev, isProtected: true })).toMatch(/protected/);
    expect(restoreRefusal('restore', 'ws-1', dev)).toMatch(/Lakebase App/);
    const { sourceBranch: _parent, ...root } = dev;
    expect(restoreRefusal('reset', 'local', root)).toMatch(/no parent/);
    expect(restoreRefusal('restore', 'local', root)).toBeNull();
  });

  it('shows the history from the source’s creation, at most seven days back', () => {
    expect(historyStart({ ...dev, createTime: '2026-12-07T12:00:00Z' }, NOW).toISOString()).toBe('2026-12-07T12:00:00.000Z');
    expect(historyStart({ ...dev, createTime: '2026-01-01T00:00:00Z' }, NOW).getTime()).toBe(NOW - 7 * 86400_000);
  });
});
