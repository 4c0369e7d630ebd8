import { mkdtemp, readFile, readdir, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBinaries } from './binaries';
import { PostgresCluster, PostgresStartError } from './cluster';
import { resolveRunAs } from './runAs';

describe('PostgresCluster faults', () => {
  let dir: string;
  let make: () => PostgresCluster;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pier-cluster-'));
    const [binaries, runAs] = await Promise.all([findPostgresBinaries(), resolveRunAs()]);
    make = () => new PostgresCluster({ dir, binaries, runAs, superuserPassword: 'pw-for-tests' });
    await make().initialize();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function count(cluster: PostgresCluster): Promise<number> {
    const c = new pg.Client({ connectionString: cluster.connectionString() });
    await c.connect();
    const r = await c.query('SELECT count(*)::int AS n FROM kept');
    await c.end();
    return r.rows[0].n;
  }

  it('takes over from an orphaned postmaster left by a crashed run, keeping the data', async () => {
    const first = make();
    await first.start();
    const c = new pg.Client({ connectionString: first.connectionString() });
    await c.connect();
    await c.query('CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)');
    await c.end();
    // A new Pier process finds the old postmaster still running on this data folder.
    const second = make();
    await second.start();
    expect(await count(second)).toBe(2);
    await second.stop();
    await first.stop();
  });

  it('sets aside a postmaster.pid whose pid now belongs to another process', async () => {
    const pidFile = path.join(dir, 'pgdata', 'postmaster.pid');
    await writeFile(pidFile, `${process.pid}\n${path.join(dir, 'pgdata')}\n`);
    const cluster = make();
    await cluster.start();
    expect(await count(cluster)).toBe(2);
    await cluster.stop();
    const names = await readdir(path.join(dir, 'pgdata'));
    expect(names.some((n) => n.startsWith('postmaster.pid.stale-'))).toBe(true);
  });

  it('shows the tail of the log when PostgreSQL will not start, and deletes nothing', async () => {
    const conf = path.join(dir, 'pgdata', 'postgresql.conf');
    const original = await readFile(conf, 'utf8');
    await appendFile(conf, '\nshared_buffers = nonsense\n');
    const cluster = make();
    const err = await cluster.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PostgresStartError);
    expect((err as PostgresStartError).message).toContain('shared_buffers');
    expect(await readdir(path.join(dir, 'pgdata'))).toContain('PG_VERSION');
    await writeFile(conf, original);
    const again = make();
    await again.start();
    expect(await count(again)).toBe(2);
    await again.stop();
  });
});
