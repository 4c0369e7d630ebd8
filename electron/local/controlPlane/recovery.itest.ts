import path from 'node:path';
import os from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import type { Operation } from '../../../shared/management';
import { startLocalControlPlane, type LocalControlPlaneServer } from '../testing/startLocalControlPlane';
import { CREATED_BY_PIER, type ControlPlaneData } from './controlPlaneState';

let dataDir: string | undefined;
let server: LocalControlPlaneServer | undefined;

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const roleNames = async (url: string) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE rolname IN ('ghost', 'hand-made') ORDER BY 1`)).rows.map(
      (r) => r.rolname,
    );
  } finally {
    await c.end();
  }
};

it('after a crash, a role an interrupted operation half-made is dropped, and nothing else is', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-recovery-'));
  server = await startLocalControlPlane(dataDir);
  const url = server.embedded.connectionString;
  // What a crash right after CREATE ROLE leaves: the role (with our comment), its record still
  // "creating", its operation not done. Plus a role someone made by hand under a record that was
  // being created: it has no comment of ours and must survive.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE ROLE ghost LOGIN`);
  await c.query(`COMMENT ON ROLE ghost IS '${CREATED_BY_PIER}'`);
  await c.query(`CREATE ROLE "hand-made" LOGIN`);
  await c.end();
  await server.close();
  server = undefined;
  const file = path.join(dataDir, 'control-plane.json');
  const state = JSON.parse(await readFile(file, 'utf8')) as ControlPlaneData;
  const now = new Date().toISOString();
  for (const id of ['ghost', 'hand-made']) {
    state.roles[`projects/local/branches/production/roles/${id}`] = {
      project_id: 'local',
      branch_id: 'production',
      role_id: id,
      create_time: now,
      update_time: now,
      lifecycle: 'creating',
      spec: { postgres_role: id, auth_method: 'PG_PASSWORD_SCRAM_SHA_256' },
    };
  }
  const opName = 'projects/local/branches/production/roles/ghost/operations/interrupted';
  state.operations[opName] = { name: opName, done: false, metadata: {}, create_time: now };
  await writeFile(file, JSON.stringify(state));

  server = await startLocalControlPlane(dataDir);
  expect(await roleNames(server.embedded.connectionString)).toEqual(['hand-made']);
  const get = (p: string) => fetch(`${server!.managementApi}/${p}`, { headers: { authorization: `Bearer ${server!.ownerToken}` } });
  expect((await get('projects/local/branches/production/roles/ghost')).status).toBe(404);
  const op = (await (await get(opName)).json()) as Operation;
  expect(op).toMatchObject({ done: true, error: { error_code: 'ABORTED' } });
});
