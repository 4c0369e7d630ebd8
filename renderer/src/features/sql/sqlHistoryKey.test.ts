import { describe, expect, it } from 'vitest';
import type { Location } from '../../../../shared/contract/location';
import { keyOfLegacySqlHistory, sqlHistoryKey } from './sqlHistoryKey';

const home: Location = { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' };
const dev: Location = { ...home, branch: 'projects/local/branches/dev' };
const cloud: Location = { kind: 'cloud', workspaceId: 'ws-1', branch: 'projects/p/branches/main', database: 'app' };

describe('SQL history keys', () => {
  it('keep one history per location', () => {
    const keys = [home, dev, { ...home, database: 'app' }, cloud].map(sqlHistoryKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each([
    ['home (its database name)', 'pier.sqlHistory.databricks_postgres', sqlHistoryKey(home)],
    ['another local branch', `pier.sqlHistory.${dev.branch}`, sqlHistoryKey(dev)],
    ['a cloud branch', `pier.sqlHistory.ws-1|${cloud.branch}|app`, sqlHistoryKey(cloud)],
    ['nothing', 'pier.sqlHistory.', null],
    ['a cloud branch that is not one', 'pier.sqlHistory.ws-1|main|app', null],
    ['a new key', sqlHistoryKey(dev), null],
    ['another key', 'pier.sqlTab.1', null],
  ])('moves the history saved for %s to its new key', (_what, key, next) => {
    expect(keyOfLegacySqlHistory(key, home)).toBe(next);
  });
});
