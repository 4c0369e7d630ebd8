import { describe, expect, it } from 'vitest';
import type { Location } from '../../../shared/contract/location';
import { analyzeSql } from './analyzeSql';
import { checkDestructive } from './destructiveGuard';

const at: Location = { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' };
const other: Location = { ...at, branch: 'projects/local/branches/dev' };

async function check(sql: string, protectedBranch: boolean | null, confirmation?: string, where = at) {
  const a = await analyzeSql(sql);
  if (a.kind !== 'ok') throw new Error(a.message);
  return checkDestructive(where, sql, a.statements, protectedBranch, confirmation);
}

describe('checkDestructive', () => {
  it('asks on a protected branch, and when protection is unknown', async () => {
    const sql = 'select 1; with d as (delete from tasks returning *) select * from d';
    const asked = await check(sql, true);
    expect(asked).toMatchObject({
      kind: 'confirm',
      protectedBranch: true,
      statements: [{ start: 10, reasons: ['DELETE without WHERE on tasks'] }],
    });
    expect(await check(sql, null)).toMatchObject({ kind: 'confirm', protectedBranch: null });
  });
  it('lets a branch that is not protected run it, and anything that destroys nothing', async () => {
    expect(await check('drop table tasks', false)).toBeNull();
    expect(await check('delete from tasks where id = 1', true)).toBeNull();
  });
  it('takes the confirmation of exactly this text on exactly this database', async () => {
    const sql = 'drop table tasks';
    const { confirmation } = (await check(sql, true))!;
    expect(await check(sql, true, confirmation)).toBeNull();
    expect(await check('drop table projects', true, confirmation)).not.toBeNull();
    expect(await check(sql, true, confirmation, other)).not.toBeNull();
    expect(await check(sql, true, 'made-up')).not.toBeNull();
  });
});
