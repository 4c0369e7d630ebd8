/**
 * Real PostgreSQL for tests: the same embedded cluster the app runs, in a throw-away folder.
 * Integration tests get one shared server from the global set-up (see `test/globalSetup.ts`)
 * and make their own databases in it with `createTestDatabase`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedDefault, type EmbeddedDefault } from '../electron/local/embeddedDefault';

export interface TestPostgres {
  readonly embedded: EmbeddedDefault;
  /** Superuser URL of the seeded `databricks_postgres`. */
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-test-'));
  const embedded = await startEmbeddedDefault({ dataDir });
  return {
    embedded,
    url: embedded.connectionString,
    dataDir,
    async stop() {
      await embedded.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Replaces the database name of a connection string. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

/**
 * Creates a fresh database (dropping any earlier one of that name) on the test server and runs
 * `setupSql` in it as the superuser. Returns its superuser URL.
 */
export async function createTestDatabase(serverUrl: string, name: string, setupSql = ''): Promise<string> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  if (setupSql) {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query(setupSql);
    } finally {
      await db.end();
    }
  }
  return url;
}
