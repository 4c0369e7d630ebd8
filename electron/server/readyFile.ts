import { rename, writeFile } from 'node:fs/promises';

/**
 * What a running Pier tells tools and tests about itself: one object, built in one place
 * (`PierServer.readyInfo`), written atomically so a reader never sees half a file.
 */
export interface ReadyInfo {
  /** The UI's address, without a session: open a one-time link instead (`mintUiLink(ui, launchSecret)`). */
  readonly ui: string;
  /**
   * Per-launch secret that makes one-time UI links (see uiLink.ts). It is only here and in
   * Pier's memory, never on a command line or in a URL: this file is owner-only (0600).
   */
  readonly launchSecret: string;
  /** Superuser connection string to databricks_postgres. */
  readonly postgres: string;
  /** Data API base of databricks_postgres, schema public: `{dataApi}/clients?select=…`. */
  readonly dataApi: string;
  /** Base of the local management API (`…/api/2.0/postgres`). */
  readonly managementApi: string;
  /** The local OIDC issuer (`…/oidc`; discovery at `/oidc/.well-known/oauth-authorization-server`). */
  readonly oidc: string;
  /**
   * Where clients reach local endpoints (absent with --database-url): the Postgres proxy's
   * `host:port`, and the local CA certificate to trust for `sslmode=verify-full` (PGSSLROOTCERT).
   */
  readonly postgresProxy?: string;
  readonly postgresCa?: string;
  /** Dev bearer tokens from the local issuer: by identity (`user@example.com`, the owner's email) and `owner`. */
  readonly tokens: Readonly<Record<string, string>>;
}

export async function writeReadyFile(file: string, info: ReadyInfo): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}
