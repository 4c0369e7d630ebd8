/**
 * A privilege change applies to the next request, whoever makes it (here: psql-like SQL as the
 * superuser, outside Pier): role attributes (BYPASSRLS), memberships, grants and policies. Under
 * steady traffic on the engine's pooled connections — where statements are prepared and
 * PL/pgSQL functions keep their plans — every request that starts after the change has committed
 * must see the new rights.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/postgres';
import { fixtureSql, startEngineServer, type EngineServer } from './test/startEngineServer';

const USER = 'pier_priv_user';
const READERS = 'pier_priv_readers';

const SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${USER}') THEN CREATE ROLE ${USER} NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${READERS}') THEN CREATE ROLE ${READERS} NOLOGIN; END IF;
END $$;
ALTER ROLE ${USER} NOBYPASSRLS;
REVOKE ${READERS} FROM ${USER};
GRANT ${USER} TO pier_engine_authenticator;
CREATE TABLE secrets (id int PRIMARY KEY, owner text NOT NULL);
INSERT INTO secrets SELECT i, CASE WHEN i <= 2 THEN 'user' ELSE 'other' END FROM generate_series(1, 10) i;
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON secrets FOR SELECT TO ${USER} USING (owner = 'user');
CREATE POLICY readers_see_all ON secrets FOR SELECT TO ${READERS} USING (true);
CREATE VIEW secret_ids WITH (security_invoker = true) AS SELECT id FROM secrets;
CREATE FUNCTION count_secrets() RETURNS bigint LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN (SELECT count(*) FROM secrets); END $$;
CREATE TABLE notes (id int PRIMARY KEY);
INSERT INTO notes SELECT generate_series(1, 3);
GRANT USAGE ON SCHEMA public TO ${USER};
GRANT SELECT ON secrets, secret_ids, notes TO ${USER};
`;

let api: EngineServer;
let admin: pg.Client;
let url: string;

beforeAll(async () => {
  url = await createTestDatabase(inject('postgresUrl'), 'pier_engine_privileges', (await fixtureSql()) + SQL);
  // Every request runs as the user: no token, the user is the anonymous role.
  api = await startEngineServer(url, { anonRole: USER });
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.query(`ALTER ROLE ${USER} NOBYPASSRLS`).catch(() => undefined);
  await admin?.end();
  await api?.close();
});

/** What the user sees through each way in: a table, a view over it, a PL/pgSQL function, a table without RLS. */
const PROBES = {
  table: '/secrets?select=id',
  view: '/secret_ids?select=id',
  function: '/rpc/count_secrets',
  plain: '/notes?select=id',
} as const;
type Probe = keyof typeof PROBES;

/** Rows seen (a function's count), or the error status. */
async function look(probe: Probe, server = api): Promise<number | string> {
  const r = await server.get(PROBES[probe]);
  if (r.status !== 200) return `status ${r.status}`;
  return probe === 'function' ? Number(r.json) : (r.json as unknown[]).length;
}

interface Sample {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly probe: Probe;
  readonly seen: number | string;
}

/**
 * Four clients request the probes in turn without pause; after a warm-up (so every pooled
 * connection has prepared its statements and run the function), `change` runs and commits; the
 * traffic goes on until enough requests have started after it. Returns the samples taken after
 * the change committed, and those that finished before it began.
 */
async function underTraffic(
  change: () => Promise<unknown>,
  server: EngineServer,
  probes: readonly Probe[],
): Promise<{ before: Sample[]; after: Sample[] }> {
  const samples: Sample[] = [];
  let changedAt = Infinity;
  let stop = false;
  const client = async (offset: number) => {
    for (let i = offset; !stop && samples.length < 2_000; i++) {
      const probe = probes[i % probes.length]!;
      const startedAt = performance.now();
      const seen = await look(probe, server);
      samples.push({ startedAt, finishedAt: performance.now(), probe, seen });
    }
  };
  const clients = [0, 1, 2, 3].map(client);
  const wait = async (done: () => boolean) => {
    while (!done()) await new Promise((r) => setTimeout(r, 5));
  };
  await wait(() => samples.length >= 40);
  const changing = performance.now();
  await change();
  changedAt = performance.now();
  await wait(() => samples.filter((s) => s.startedAt > changedAt).length >= 40);
  stop = true;
  await Promise.all(clients);
  return { before: samples.filter((s) => s.finishedAt < changing), after: samples.filter((s) => s.startedAt > changedAt) };
}

/** Every request after the change sees `expected`; the ones before saw `previous` (so the test means something). */
async function expectChange(
  change: string,
  previous: Record<Probe, number | string>,
  expected: Record<Probe, number | string>,
  server = api,
  probes = Object.keys(PROBES) as Probe[],
) {
  const { before, after } = await underTraffic(() => admin.query(change), server, probes);
  for (const s of before) expect(s.seen, `${s.probe} before ${change}`).toBe(previous[s.probe]);
  const wrong = after.filter((s) => s.seen !== expected[s.probe]);
  expect(wrong, `requests after ${change} that saw the old rights`).toEqual([]);
}

const OWN = { table: 2, view: 2, function: 2, plain: 3 };
const ALL = { table: 10, view: 10, function: 10, plain: 3 };

describe('a privilege change applies to the very next request', () => {
  // Each case starts from the same rights (a failed one may have left others behind).
  beforeEach(async () => {
    await admin.query(`ALTER ROLE ${USER} NOBYPASSRLS; REVOKE ${READERS} FROM ${USER}; GRANT SELECT ON notes TO ${USER}`);
    await admin.query('DROP POLICY IF EXISTS everything ON secrets');
  });

  it('sees its own rows to begin with', async () => {
    for (const probe of Object.keys(PROBES) as Probe[]) expect(await look(probe)).toBe(OWN[probe]);
  });

  it('ALTER ROLE … BYPASSRLS, then NOBYPASSRLS', async () => {
    await expectChange(`ALTER ROLE ${USER} BYPASSRLS`, OWN, ALL);
    await expectChange(`ALTER ROLE ${USER} NOBYPASSRLS`, ALL, OWN);
  });

  it('GRANT and REVOKE of a role the policies name', async () => {
    await expectChange(`GRANT ${READERS} TO ${USER}`, OWN, ALL);
    await expectChange(`REVOKE ${READERS} FROM ${USER}`, ALL, OWN);
  });

  it('REVOKE and GRANT of SELECT', async () => {
    const refused = { table: 2, view: 2, function: 2, plain: 'status 401' };
    await expectChange(`REVOKE SELECT ON notes FROM ${USER}`, OWN, refused);
    await expectChange(`GRANT SELECT ON notes TO ${USER}`, refused, OWN);
  });

  it('CREATE and DROP POLICY', async () => {
    await expectChange(`CREATE POLICY everything ON secrets FOR SELECT TO ${USER} USING (true)`, OWN, ALL);
    await expectChange('DROP POLICY everything ON secrets', ALL, OWN);
  });

  it('NOBYPASSRLS on an engine that has only ever served the role with BYPASSRLS', async () => {
    // Its reads were planned without policies and never saw row-level security apply; no other
    // request (a guarded one would discard the connection's plans) comes in between.
    await admin.query(`ALTER ROLE ${USER} BYPASSRLS`);
    const fresh = await startEngineServer(url, { anonRole: USER });
    try {
      await expectChange(`ALTER ROLE ${USER} NOBYPASSRLS`, ALL, OWN, fresh, ['table', 'plain']);
    } finally {
      await fresh.close();
    }
  });
});
