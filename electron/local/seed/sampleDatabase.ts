/**
 * What the embedded default puts in a new cluster: Lakebase's default database, the Data API
 * prerequisites Lakebase expects, the sample schema of the Lakebase Data API documentation,
 * and a demo identity. Statements are idempotent; `seedSampleDatabase` runs them once per
 * database and records that it did, so later runs never touch existing data.
 */
import type pg from 'pg';

export const DEFAULT_DATABASE = 'databricks_postgres';
export const DEMO_IDENTITY = 'user@example.com';
export const AUTHENTICATOR_ROLE = 'authenticator';

/** Bumped when the seed changes; a database seeded at any version is never re-seeded. */
const SEED_MARKER = 'pier.seeded';

const PREREQUISITES_SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN
    CREATE ROLE authenticator LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOSUPERUSER;
  END IF;
END $$;
CREATE SCHEMA IF NOT EXISTS pgrst;
CREATE OR REPLACE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $fn$
  SELECT set_config('pgrst.db_schemas', 'public', true),
         set_config('pgrst.db_aggregates_enabled', 'true', true);
$fn$;
GRANT USAGE ON SCHEMA pgrst TO authenticator;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pgrst TO authenticator;
`;

const SAMPLE_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS clients (
  id serial PRIMARY KEY,
  name text NOT NULL,
  email text UNIQUE NOT NULL,
  company text,
  phone text,
  created_at timestamp DEFAULT now()
);
CREATE TABLE IF NOT EXISTS projects (
  id serial PRIMARY KEY,
  name text NOT NULL,
  description text,
  client_id integer NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  status text DEFAULT 'active',
  start_date date,
  end_date date,
  budget decimal(10,2),
  created_at timestamp DEFAULT now()
);
CREATE TABLE IF NOT EXISTS tasks (
  id serial PRIMARY KEY,
  title text NOT NULL,
  description text,
  project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  status text DEFAULT 'pending',
  priority text DEFAULT 'medium',
  assigned_to text,
  due_date date,
  estimated_hours decimal(5,2),
  actual_hours decimal(5,2),
  created_at timestamp DEFAULT now()
);
INSERT INTO clients (name, email, company, phone) VALUES
  ('Acme Corp', 'contact@acmecorp.com', 'Acme Corporation', '+1-555-0101'),
  ('TechStart Inc', 'hello@techstart.io', 'TechStart Incorporated', '+1-555-0102'),
  ('Global Solutions', 'info@globalsolutions.com', 'Global Solutions Ltd', '+1-555-0103');
INSERT INTO projects (name, description, client_id, status, start_date, end_date, budget) VALUES
  ('Website Redesign', 'Complete overhaul of the company website', 1, 'active', '2024-01-15', '2024-06-30', 25000.00),
  ('Mobile App Development', 'Native iOS and Android app', 1, 'planning', '2024-03-01', '2024-12-31', 75000.00),
  ('Database Migration', 'Move legacy systems to the cloud', 2, 'active', '2024-02-01', '2024-05-31', 40000.00),
  ('API Integration', 'Connect third-party services', 3, 'completed', '2023-10-01', '2024-01-31', 15000.00);
INSERT INTO tasks (title, description, project_id, status, priority, assigned_to, due_date, estimated_hours, actual_hours) VALUES
  ('Design mockups', 'Homepage and key page layouts', 1, 'completed', 'high', 'Sarah Johnson', '2024-02-15', 40.00, 38.50),
  ('Frontend development', 'Implement the new design', 1, 'in_progress', 'high', 'Mike Chen', '2024-04-30', 120.00, 65.00),
  ('Requirements gathering', 'Define app features with the client', 2, 'pending', 'medium', 'Sarah Johnson', '2024-03-15', 20.00, NULL),
  ('Schema analysis', 'Review the legacy database structure', 3, 'completed', 'high', 'David Kim', '2024-02-20', 30.00, 32.00),
  ('Data migration scripts', 'Write and test the migration scripts', 3, 'in_progress', 'critical', 'David Kim', '2024-04-15', 60.00, 25.00),
  ('API documentation', 'Document all integrated endpoints', 4, 'completed', 'low', 'Mike Chen', '2024-01-25', 15.00, 12.00);
`;

const DEMO_IDENTITY_SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'user@example.com') THEN
    -- LOGIN as databricks_create_role makes an identity's role: it signs in with a database
    -- credential through Pier's Postgres proxy (the postmaster itself takes no password for it).
    CREATE ROLE "user@example.com" LOGIN;
  END IF;
END $$;
GRANT "user@example.com" TO authenticator;
GRANT USAGE ON SCHEMA public TO "user@example.com";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "user@example.com";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "user@example.com";
`;

/** Creates `databricks_postgres` if missing. Needs a superuser connection to any database. */
export async function ensureDefaultDatabase(admin: pg.ClientBase): Promise<'created' | 'existing'> {
  const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEFAULT_DATABASE]);
  if (r.rowCount) return 'existing';
  await admin.query(`CREATE DATABASE ${DEFAULT_DATABASE}`);
  return 'created';
}

/**
 * Seeds the connected database once, in one transaction: prerequisites, sample schema and
 * rows, demo identity, and the marker that keeps later runs from touching it again.
 * Returns whether it seeded.
 */
export async function seedSampleDatabase(db: pg.ClientBase): Promise<boolean> {
  const marker = await db.query<{ seeded: string | null }>(`SELECT current_setting($1, true) AS seeded`, [SEED_MARKER]);
  if (marker.rows[0]?.seeded) return false;
  await db.query('BEGIN');
  try {
    await db.query(PREREQUISITES_SQL);
    await db.query(SAMPLE_SCHEMA_SQL);
    await db.query(DEMO_IDENTITY_SQL);
    // A database-level setting doubles as the "already seeded" record; it commits with the seed.
    await db.query(`ALTER DATABASE ${DEFAULT_DATABASE} SET ${SEED_MARKER} = '1'`);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return true;
}
