import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../../shared/contract/channels';
import type { PierApi } from '../../../../shared/contract/contract';
import { ok } from '../../../../shared/contract/result';
import { branchScopedApi } from './BranchScope';

describe('branchScopedApi', () => {
  it('adds the branch to the calls that read one and leaves the others alone', async () => {
    const seen: [string, unknown][] = [];
    const api = Object.fromEntries(
      CHANNELS.map((channel) => [
        channel,
        async (input: unknown) => {
          seen.push([channel, input]);
          return ok({});
        },
      ]),
    ) as unknown as PierApi;
    const scoped = branchScopedApi(api, 'projects/local/branches/dev');
    await scoped['dataApi.request']({ database: 'db', path: '/public/t', viewAs: { kind: 'admin' } });
    await scoped['catalog.listSchemas']({});
    await scoped['sql.cancel']({ runId: 'r' } as never);
    expect(seen).toEqual([
      ['dataApi.request', { database: 'db', path: '/public/t', viewAs: { kind: 'admin' }, branch: 'projects/local/branches/dev' }],
      ['catalog.listSchemas', { branch: 'projects/local/branches/dev' }],
      ['sql.cancel', { runId: 'r' }],
    ]);
  });
});
