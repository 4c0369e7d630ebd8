import path from 'node:path';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import type { PostgresBinaries } from '../postgres/binaries';

const CONTROL = `# databricks_auth: Lakebase's identity-role helpers, as installed by Pier
comment = 'Create Postgres roles for Databricks identities (Pier local compatibility)'
default_version = '1.0'
relocatable = false
trusted = true
`;

const SCRIPT_1_0 = `\\echo Use "CREATE EXTENSION databricks_auth" to load this file. \\quit

-- Runs as the caller (SECURITY INVOKER): creating roles needs CREATEROLE, as on Lakebase.
CREATE FUNCTION databricks_create_role(identity_name text, identity_type text) RETURNS text
LANGUAGE plpgsql AS $fn$
BEGIN
  IF identity_name IS NULL OR identity_name = '' THEN
    RAISE EXCEPTION 'identity_name must be the identity''s user name, application id or group name'
      USING ERRCODE = '22023';
  END IF;
  IF identity_type IS NULL OR identity_type NOT IN ('USER', 'SERVICE_PRINCIPAL', 'GROUP') THEN
    RAISE EXCEPTION 'identity_type must be USER, SERVICE_PRINCIPAL or GROUP, not %', coalesce(identity_type, 'NULL')
      USING ERRCODE = '22023';
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN', identity_name);
  EXECUTE format('COMMENT ON ROLE %I IS %L', identity_name, 'databricks identity: ' || identity_type);
  -- The Data API logs in as authenticator and switches to the identity's role.
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN
    EXECUTE format('GRANT %I TO authenticator', identity_name);
  END IF;
  RETURN identity_name;
END
$fn$;

COMMENT ON FUNCTION databricks_create_role(text, text) IS 'Creates a LOGIN role for a Databricks identity (USER, SERVICE_PRINCIPAL or GROUP).';
`;

/**
 * Installs the \`databricks_auth\` extension (SQL only) into the bundled PostgreSQL, so the
 * Lakebase documentation's \`CREATE EXTENSION databricks_auth\` / \`databricks_create_role\` run
 * unchanged on local branches. Returns false when the share folder is read-only.
 */
export async function installDatabricksAuth(binaries: PostgresBinaries): Promise<boolean> {
  const dir = path.join(binaries.binDir, '..', 'share', 'postgresql', 'extension');
  const files: [string, string][] = [
    ['databricks_auth.control', CONTROL],
    ['databricks_auth--1.0.sql', SCRIPT_1_0],
  ];
  try {
    for (const [name, text] of files) {
      const file = path.join(dir, name);
      const current = await readFile(file, 'utf8').catch(() => undefined);
      if (current !== text) await writeFile(file, text);
      // Not writeFile's mode: the process's umask (owner-only where Pier keeps secrets) cuts it
      // down, and the postmaster runs as another OS user that must read these files.
      await chmod(file, 0o644);
    }
    return true;
  } catch {
    return false;
  }
}
