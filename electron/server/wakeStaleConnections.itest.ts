/**
 * Issue 16: right after a suspended endpoint wakes, the same BranchData keeps working. Suspending
 * cuts every connection Pier's pools held on the endpoint (the engine's pool and its shared lanes,
 * the admin pools); whoever wakes it (the console, another client through the API, or the
 * endpoint's own wake-on-connect), the next describe, read and admin call must not meet one of
 * those dead connections ("Connection terminated unexpectedly").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROD, rpc, startCloudTestServer, type CloudTestServer } from './cloudBranchData.testing';

const DB = 'databricks_postgres';
const DOZY = 'projects/local/branches/dozy';
const AT = { kind: 'local', branch: DOZY, database: DB } as const;

let t: CloudTestServer;

async function setDisabled(disabled: boolean) {
  const r = await t.manage('PATCH', `${DOZY}/endpoints/primary?update_mask=spec.disabled`, {
    spec: { endpoint_type: 'ENDPOINT_TYPE_READ_WRITE', disabled },
  });
  // The PATCH answers with an operation; wait until the endpoint is in the asked state.
  for (let i = 0; i < 200; i++) {
    const ep = await t.manage('GET', `${DOZY}/endpoints/primary`);
    if (ep.status.current_state === (disabled ? 'IDLE' : 'ACTIVE') && (ep.status.disabled ?? false) === disabled) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`endpoint did not become ${disabled ? 'IDLE' : 'ACTIVE'}`);
}

/** Everything a grid tab does on opening: describe, read the rows, and the admin's roles list. */
async function openTable() {
  const described = await rpc(t.server, 'dataApi.describe', { at: AT, schema: 'public', table: 'clients' });
  const read = await rpc(t.server, 'dataApi.request', { at: AT, path: '/public/clients', rawQuery: 'order=id', viewAs: { kind: 'admin' } });
  const asUser = await rpc(t.server, 'dataApi.request', {
    at: AT,
    path: '/public/clients',
    rawQuery: 'select=id&order=id',
    viewAs: { kind: 'anonymous' },
  });
  const roles = await rpc(t.server, 'admin.roles', { at: AT });
  return { described, read, asUser, roles };
}

function expectAllOk(r: Awaited<ReturnType<typeof openTable>>) {
  expect(r.described.ok, JSON.stringify(r.described.error)).toBe(true);
  expect(r.read.ok, JSON.stringify(r.read.error)).toBe(true);
  expect(r.read.value.status, r.read.value.body).toBe(200);
  expect((JSON.parse(r.read.value.body) as unknown[]).length).toBeGreaterThan(0);
  expect(r.roles.ok, JSON.stringify(r.roles.error)).toBe(true);
  expect(JSON.stringify(r)).not.toMatch(/Connection terminated/);
}

beforeAll(async () => {
  t = await startCloudTestServer();
  await t.manage('POST', 'projects/local/branches?branch_id=dozy', { spec: { source_branch: PROD, no_expiry: true } });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('after a suspended endpoint wakes, the same BranchData works', () => {
  it('woken by another client through the API: describe, reads and admin calls on fresh connections', async () => {
    expectAllOk(await openTable());
    for (let round = 0; round < 3; round++) {
      await setDisabled(true);
      await setDisabled(false);
      expectAllOk(await openTable());
    }
  });

  it('woken by the console while other calls wait: all of them answer', async () => {
    expectAllOk(await openTable());
    await setDisabled(true);
    const [a, b, wake] = await Promise.all([openTable(), openTable(), rpc(t.server, 'catalog.wakeEndpoint', { at: AT })]);
    expect(wake.ok, JSON.stringify(wake.error)).toBe(true);
    expectAllOk(a);
    expectAllOk(b);
  });
});
