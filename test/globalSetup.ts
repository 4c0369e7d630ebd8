import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the seeded `databricks_postgres` on the run's embedded server. */
    postgresUrl: string;
  }
}

/** One real embedded PostgreSQL for the whole integration run, stopped at its end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Run as root, clusters live outside the data folders (see prepareClusterFolder): keep this run's
  // in one place of its own, removed at the end, not in /var/lib/pier. Test workers inherit it.
  const clusterRoot = path.join(os.tmpdir(), `pier-test-clusters-${process.pid}-${randomBytes(4).toString('hex')}`);
  process.env.PIER_CLUSTER_ROOT ??= clusterRoot;
  const pgServer = await startTestPostgres();
  project.provide('postgresUrl', pgServer.url);
  return async () => {
    await pgServer.stop();
    await rm(clusterRoot, { recursive: true, force: true });
  };
}
