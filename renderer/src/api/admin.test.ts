import { describe, expect, it } from 'vitest';
import type { Location } from '../../../shared/contract/location';
import { adminKeys } from './admin';
import { catalogKeys } from './catalog';
import { dataApiKeys } from './dataApi';

const production: Location = { kind: 'local', branch: 'projects/local/branches/production', database: 'databricks_postgres' };
const dev: Location = { ...production, branch: 'projects/local/branches/dev' };
const cloud: Location = {
  kind: 'cloud',
  workspaceId: 'ws-a',
  branch: 'projects/local/branches/production',
  database: 'databricks_postgres',
};

describe('query keys by location', () => {
  it('tell apart every workspace, branch and database, the local workspace included', () => {
    const places: Location[] = [production, dev, { ...production, database: 'sales' }, cloud, { ...cloud, workspaceId: 'ws-b' }];
    for (const key of [
      (at: Location) => adminKeys.grants(at, 'public'),
      (at: Location) => catalogKeys.location(at),
      (at: Location) => dataApiKeys.describe(at, 'public', 'clients'),
    ]) {
      expect(new Set(places.map((at) => JSON.stringify(key(at)))).size).toBe(places.length);
    }
  });

  it('put a location first, so invalidating its prefix reaches all of its views', () => {
    const prefix = adminKeys.location(cloud);
    for (const key of [adminKeys.roles(cloud), adminKeys.grants(cloud, 'public'), adminKeys.policies(cloud, 'public', 'clients')]) {
      expect(key.slice(0, prefix.length)).toEqual(prefix);
    }
    const table = dataApiKeys.table({ at: dev, schema: 'public', table: 'clients', viewAs: { kind: 'admin' } });
    expect(table.slice(0, dataApiKeys.location(dev).length)).toEqual(dataApiKeys.location(dev));
    // A branch's prefix reaches each of its databases' schemas, and no other branch's.
    const branch = catalogKeys.branch('local', dev.branch);
    expect(catalogKeys.location({ ...dev, database: 'sales' }).slice(0, branch.length)).toEqual(branch);
    expect(catalogKeys.location(production).slice(0, branch.length)).not.toEqual(branch);
  });
});
