import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the seeded `databricks_postgres` on the run's embedded server. */
    postgresUrl: string;
  }
}

/** One real embedded PostgreSQL for the whole integration run, stopped at its end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pgServer = await startTestPostgres();
  project.provide('postgresUrl', pgServer.url);
  return () => pgServer.stop();
}
