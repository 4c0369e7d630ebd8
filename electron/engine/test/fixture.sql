-- The engine's own fixture database: the Lakebase sample schema plus every relationship kind,
-- column type and role situation the Data API engine has to handle. Roles are cluster-wide,
-- so they are created only if missing and carry a pier_engine_ prefix.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pier_engine_authenticator') THEN
    CREATE ROLE pier_engine_authenticator LOGIN NOINHERIT PASSWORD 'engine-test';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pier_engine_anon') THEN
    CREATE ROLE pier_engine_anon NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pier_engine_stranger') THEN
    CREATE ROLE pier_engine_stranger NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'user@example.com') THEN
    CREATE ROLE "user@example.com" NOLOGIN;
  END IF;
END $$;
GRANT pier_engine_anon TO pier_engine_authenticator;
GRANT "user@example.com" TO pier_engine_authenticator;

CREATE SCHEMA pgrst;
CREATE FUNCTION pgrst.pre_config() RETURNS void LANGUAGE sql AS $fn$
  SELECT set_config('pgrst.db_schemas', 'public, api', true),
         set_config('pgrst.db_aggregates_enabled', 'true', true);
$fn$;
GRANT USAGE ON SCHEMA pgrst TO pier_engine_authenticator;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pgrst TO pier_engine_authenticator;

-- The Lakebase Data API documentation's sample schema and rows.
CREATE TABLE clients (
  id serial PRIMARY KEY,
  name text NOT NULL,
  email text UNIQUE NOT NULL,
  company text,
  phone text,
  created_at timestamp DEFAULT now()
);
COMMENT ON TABLE clients IS 'Customers of the agency';
COMMENT ON COLUMN clients.email IS 'Where invoices go';
CREATE TABLE projects (
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
CREATE TABLE tasks (
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
  ('Global Solutions', 'info@globalsolutions.com', 'Global Solutions Ltd', NULL);
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

-- One-to-one: a profile per client, keyed by the client.
CREATE TABLE client_profiles (
  client_id integer PRIMARY KEY REFERENCES clients(id),
  industry text NOT NULL
);
INSERT INTO client_profiles VALUES (1, 'Manufacturing'), (2, 'Software');

-- Many-to-many through a junction table; two keys to the same table for ambiguity.
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, active boolean);
CREATE TABLE teams (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE users_teams (
  user_id int REFERENCES users(id),
  team_id int REFERENCES teams(id),
  PRIMARY KEY (user_id, team_id)
);
CREATE TABLE messages (
  id int PRIMARY KEY,
  body text NOT NULL,
  sender_id int NOT NULL CONSTRAINT messages_sender_fkey REFERENCES users(id),
  receiver_id int NOT NULL CONSTRAINT messages_receiver_fkey REFERENCES users(id)
);
INSERT INTO users VALUES (1, 'Ann', true), (2, 'Bob', false), (3, 'Cid', NULL);
INSERT INTO teams VALUES (1, 'Red'), (2, 'Blue');
INSERT INTO users_teams VALUES (1, 1), (1, 2), (2, 2);
INSERT INTO messages VALUES (1, 'hi Bob', 1, 2), (2, 'hi Ann', 2, 1), (3, 'note to self', 3, 3);

-- A self-referencing key.
CREATE TABLE employees (id int PRIMARY KEY, name text NOT NULL, manager_id int REFERENCES employees(id));
INSERT INTO employees VALUES (1, 'Boss', NULL), (2, 'Dana', 1), (3, 'Eli', 1);

-- Composite keys.
CREATE TABLE shipments (order_no int, line_no int, item text NOT NULL, PRIMARY KEY (order_no, line_no));
CREATE TABLE shipment_events (
  id int PRIMARY KEY,
  order_no int, line_no int, what text,
  FOREIGN KEY (order_no, line_no) REFERENCES shipments (order_no, line_no)
);
INSERT INTO shipments VALUES (1, 1, 'bolts'), (1, 2, 'nuts'), (2, 1, 'gears');
INSERT INTO shipment_events VALUES (1, 1, 1, 'packed'), (2, 1, 1, 'shipped'), (3, 1, 2, 'packed');

-- JSON, arrays, ranges, full text.
CREATE TABLE documents (
  id int PRIMARY KEY,
  title text,
  body text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED,
  data jsonb,
  meta json,
  tags text[],
  during int4range,
  score numeric
);
INSERT INTO documents VALUES
  (1, 'Cats', 'The fat cats sat on the mat', DEFAULT, '{"a": {"b": "x"}, "n": 1, "list": [10, 20]}', '{"k": "v1"}', '{pets,cats}', '[1,5)', 1.5),
  (2, 'Dogs', 'Dogs are running in the park', DEFAULT, '{"a": {"b": "y"}, "n": 2, "list": [30]}', '{"k": "v2"}', '{pets,dogs}', '[5,10)', NULL),
  (3, NULL, 'A quote: "hello, world" (said he)', DEFAULT, '{"a": {"b": "x"}, "n": 3}', NULL, '{}', '[20,30)', 3),
  (4, 'Commas, (parens) and "quotes"', 'Nothing to see', DEFAULT, NULL, NULL, NULL, NULL, 4);

-- Names that need quoting.
CREATE TABLE "Odd Names" ("Weird Col" text, "quote""d" int, "UPPER" int PRIMARY KEY);
INSERT INTO "Odd Names" VALUES ('x', 1, 10), ('y', 2, 20);

-- A view that passes the clients relationship through.
CREATE VIEW active_projects AS SELECT id, name AS title, client_id FROM projects WHERE status = 'active';

-- Another exposed schema, and one that is not exposed.
CREATE SCHEMA api;
CREATE TABLE api.notes (id int PRIMARY KEY, text text);
INSERT INTO api.notes VALUES (1, 'from the api schema');
CREATE SCHEMA private;
CREATE TABLE private.secrets (id int PRIMARY KEY, value text);

-- Who may see what.
GRANT USAGE ON SCHEMA public, api TO pier_engine_anon, "user@example.com";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO pier_engine_anon, "user@example.com";
GRANT SELECT ON ALL TABLES IN SCHEMA api TO pier_engine_anon, "user@example.com";
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
CREATE POLICY "restrict client access" ON clients FOR SELECT TO "user@example.com" USING (id IN (1, 2));
CREATE POLICY "anon sees all clients" ON clients FOR SELECT TO pier_engine_anon USING (true);

-- For request settings: readable from SQL as PostgREST provides them.
CREATE VIEW request_info AS
  SELECT current_user::text AS role,
         current_setting('request.method', true) AS method,
         current_setting('request.path', true) AS path,
         current_setting('request.jwt.claims', true)::json AS claims,
         current_setting('request.headers', true)::json ->> 'x-probe' AS probe,
         current_setting('request.cookies', true)::json ->> 'session' AS session,
         current_setting('timezone') AS tz;
GRANT SELECT ON request_info TO pier_engine_anon, "user@example.com";

-- For the statement timeout.
CREATE VIEW slow AS SELECT pg_sleep(1)::text AS slept;
GRANT SELECT ON slow TO pier_engine_anon, "user@example.com";
