/**
 * What the embedded default puts in a new cluster: Lakebase's default database, the Data API
 * prerequisites Lakebase expects, the sample schema of the Lakebase Data API documentation,
 * and a demo identity. Statements are idempotent; `seedSampleDatabase` runs them once per
 * database and records that it did, so later runs never touch existing data.
 */
import type pg from 'pg';
import { SCHEMA_WATCH_SQL } from '../../../shared/dataapi/schemaWatch';

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

/**
 * The sample schema and rows of the Lakebase Data API documentation, exactly as it gives them, so
 * its examples answer here as they are documented (verified by lakebaseExamples.itest.ts).
 */
export const SAMPLE_SQL = `
-- Create clients table
CREATE TABLE clients (
id SERIAL PRIMARY KEY,
name TEXT NOT NULL,
email TEXT UNIQUE NOT NULL,
company TEXT,
phone TEXT,
created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
-- Create projects table with foreign key to clients
CREATE TABLE projects (
id SERIAL PRIMARY KEY,
name TEXT NOT NULL,
description TEXT,
client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
status TEXT DEFAULT 'active',
start_date DATE,
end_date DATE,
budget DECIMAL(10,2),
created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
-- Create tasks table with foreign key to projects
CREATE TABLE tasks (
id SERIAL PRIMARY KEY,
title TEXT NOT NULL,
description TEXT,
project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
status TEXT DEFAULT 'pending',
priority TEXT DEFAULT 'medium',
assigned_to TEXT,
due_date DATE,
estimated_hours DECIMAL(5,2),
actual_hours DECIMAL(5,2),
created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
-- Insert sample data
INSERT INTO clients (name, email, company, phone) VALUES
('Acme Corp', 'contact@acme.com', 'Acme Corporation', '+1-555-0101'),
('TechStart Inc', 'hello@techstart.com', 'TechStart Inc', '+1-555-0102'),
('Global Solutions', 'info@globalsolutions.com', 'Global Solutions Ltd', '+1-555-0103');
INSERT INTO projects (name, description, client_id, status, start_date, end_date, budget) VALUES
('Website Redesign', 'Complete overhaul of company website with modern design', 1, 'active', '2024-01-15', '2024-06-30', 25000.00),
('Mobile App Development', 'iOS and Android app for customer management', 1, 'planning', '2024-07-01', '2024-12-31', 50000.00),
('Database Migration', 'Migrate legacy system to cloud database', 2, 'active', '2024-02-01', '2024-05-31', 15000.00),
('API Integration', 'Integrate third-party services with existing platform', 3, 'completed', '2023-11-01', '2024-01-31', 20000.00);
INSERT INTO tasks (title, description, project_id, status, priority, assigned_to, due_date, estimated_hours, actual_hours) VALUES
('Design Homepage', 'Create wireframes and mockups for homepage', 1, 'in_progress', 'high', 'Sarah Johnson', '2024-03-15', 16.00, 8.00),
('Setup Development Environment', 'Configure local development setup', 1, 'completed', 'medium', 'Mike Chen', '2024-02-01', 4.00, 3.50),
('Database Schema Design', 'Design new database structure', 3, 'completed', 'high', 'Alex Rodriguez', '2024-02-15', 20.00, 18.00),
('API Authentication', 'Implement OAuth2 authentication flow', 4, 'completed', 'high', 'Lisa Wang', '2024-01-15', 12.00, 10.50),
('User Testing', 'Conduct usability testing with target users', 1, 'pending', 'medium', 'Sarah Johnson', '2024-04-01', 8.00, NULL),
('Performance Optimization', 'Optimize database queries and caching', 3, 'in_progress', 'medium', 'Alex Rodriguez', '2024-04-30', 24.00, 12.00);
`;

/** The sample's tables, dependents first (the order a reset drops them in). */
export const SAMPLE_TABLES = ['tasks', 'projects', 'clients'] as const;

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

/**
 * On Lakebase the project owner's role owns `databricks_postgres`, so it may create in `public`
 * (owned by pg_database_owner since PostgreSQL 15, which took CREATE from PUBLIC). Here the
 * server's own superuser keeps the database (Pier runs on it and must not be dropped from under
 * itself), so `databricks_superuser` (the owner is a member) gets what ownership would give on
 * the schema. Idempotent; a no-op where the role does not exist (an external --database-url).
 */
export const OWNER_SCHEMA_RIGHTS_SQL = `
DO $$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'databricks_superuser') THEN
    GRANT USAGE, CREATE ON SCHEMA public TO databricks_superuser;
  END IF;
END $$;
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
    await db.query(SAMPLE_SQL);
    await db.query(DEMO_IDENTITY_SQL);
    for (const statement of SCHEMA_WATCH_SQL) await db.query(statement);
    // A database-level setting doubles as the "already seeded" record; it commits with the seed.
    await db.query(`ALTER DATABASE ${DEFAULT_DATABASE} SET ${SEED_MARKER} = '1'`);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return true;
}

/**
 * Puts the sample back as the documentation has it, in one transaction: the sample tables are
 * dropped (with what depends on them: policies, views over them) and made again with the
 * documented rows, and the demo identity's grants restored. Nothing else in the database changes;
 * if any step fails, nothing does. The caller decides whether this branch may be reset.
 */
export async function resetSampleData(db: pg.ClientBase): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query(`DROP TABLE IF EXISTS ${SAMPLE_TABLES.join(', ')} CASCADE`);
    await db.query(SAMPLE_SQL);
    await db.query(DEMO_IDENTITY_SQL);
    // Repairs folders adopted before the owner got its rights on public (see OWNER_SCHEMA_RIGHTS_SQL).
    await db.query(OWNER_SCHEMA_RIGHTS_SQL);
    // A Data API engine over this database reloads its schema cache.
    await db.query(`SELECT pg_notify('pgrst', 'reload schema')`);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
