/**
 * The project owner, signed in to a branch's endpoint through Pier's Postgres proxy with a
 * database credential (as psql or the tree's e2e do), may create tables in the sample database's
 * `public` schema, as on Lakebase where the owner's role owns `databricks_postgres`. Since
 * PostgreSQL 15 `public` is no longer writable by everyone, so this needs a grant. The sample
 * reset from the console then puts the documented rows back and keeps the owner's own table.
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_IDENTITY } from '../local/identity/localIssuer';
import { PROD, rpc, startCloudTestServer, type CloudTestServer } from './cloudBranchData.testing';

const OWN = 'projects/local/branches/own';
let t: CloudTestServer;

/** The owner's connection to a branch's read-write endpoint, through the proxy, with a fresh credential. */
async function asOwner(branch: string): Promise<pg.Client> {
  const info = t.server.readyInfo();
  const { endpoints } = (await t.manage('GET', `${branch}/endpoints`)) as {
    endpoints: { name: string; status: { endpoint_type: string; hosts: { host: string } } }[];
  };
  const rw = endpoints.find((e) => e.status.endpoint_type === 'ENDPOINT_TYPE_READ_WRITE')!;
  const [host, port] = rw.status.hosts.host.split(':');
  const cred = (await t.manage('POST', 'credentials', { endpoint: rw.name })) as { token: string };
  const client = new pg.Client({
    host,
    port: Number(port),
    user: OWNER_IDENTITY,
    password: cred.token,
    database: 'databricks_postgres',
    ssl: { ca: await readFile(info.postgresCa ?? '', 'utf8') },
  });
  await client.connect();
  return client;
}

beforeAll(async () => {
  t = await startCloudTestServer();
  await t.manage('POST', 'projects/local/branches?branch_id=own', { spec: { source_branch: PROD, no_expiry: true } });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('the project owner in the sample database', () => {
  it('creates a table in public on a branch, and the sample reset keeps it while restoring the documented rows', async () => {
    const db = await asOwner(OWN);
    try {
      expect((await db.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).not.toBe('postgres');
      await db.query(`UPDATE clients SET name = 'Changed by the owner' WHERE id = 1`);
      await db.query(`DELETE FROM tasks`);
      await db.query(`CREATE TABLE owner_keep (id int); INSERT INTO owner_keep VALUES (7)`);
      const reset = await rpc(t.server, 'sample.reset', { branch: OWN });
      expect(reset.ok, JSON.stringify(reset.error)).toBe(true);
      expect((await db.query(`SELECT name FROM clients WHERE id = 1`)).rows).toEqual([{ name: 'Acme Corp' }]);
      expect((await db.query(`SELECT count(*)::int AS n FROM tasks`)).rows).toEqual([{ n: 6 }]);
      expect((await db.query(`SELECT id FROM owner_keep`)).rows).toEqual([{ id: 7 }]);
      // And after the reset the owner still may create there.
      await db.query(`CREATE TABLE owner_after_reset (id int)`);
    } finally {
      await db.end();
    }
  });
});
