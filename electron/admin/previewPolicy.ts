import type pg from 'pg';
import type { PolicyInfo, PreviewPolicyOutput, WriteOutcome, previewPolicyInput } from '../../shared/contract/admin';
import type { z } from 'zod';
import { runOne } from './applyStatements';
import { notFound } from '../errors/PierError';
import { buildPolicyChange, readRoleNames, readTablePolicies } from './policies';
import { quoteIdent } from './quoteIdent';

export type PreviewPolicyParams = z.output<typeof previewPolicyInput>;
type PreviewResult = Extract<PreviewPolicyOutput, { kind: 'preview' }>;
type IdentityPreview = PreviewResult['identities'][number];

/** Policy DDL takes the table's strongest lock; a preview must never wait long behind other work. */
const PREVIEW_SETTINGS = `SET LOCAL statement_timeout = '5s'; SET LOCAL lock_timeout = '2s'`;

/**
 * Shows what a policy edit would do before it is applied. In ONE transaction on a dedicated
 * connection that is always rolled back: run the edit's DDL; read the table as the admin; for each
 * identity read it again as that role (grants and RLS decide), try the sample writes inside
 * savepoints; then, with RLS switched off inside the same transaction, evaluate each applicable
 * policy's USING per row as that role, which is what "why is this row hidden?" shows.
 */
export async function previewPolicy(pool: pg.Pool, input: PreviewPolicyParams): Promise<PreviewPolicyOutput> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(PREVIEW_SETTINGS);
    const before = await readTablePolicies(client, input.schema, input.table);
    const roleNames = await readRoleNames(client);
    for (const identity of input.identities) {
      if (!roleNames.has(identity)) throw notFound(`Role ${identity} does not exist.`);
    }
    const statements = input.change ? buildPolicyChange(input.change, before, roleNames) : [];
    for (let i = 0; i < statements.length; i++) {
      try {
        await runOne(client, statements[i]!);
      } catch (err) {
        const e = err as { code?: string; message?: string; position?: string };
        if (!e.code) throw err;
        return {
          kind: 'invalid',
          statements,
          failedStatement: i,
          message: e.message ?? 'PostgreSQL refused the statement.',
          position: e.position ? Number(e.position) : null,
        };
      }
    }
    const after = await readTablePolicies(client, input.schema, input.table);
    const target = `${quoteIdent(after.schema)}.${quoteIdent(after.table)}`;
    const meta = await client.query<{ name: string; pk: number | null; writable: boolean; defaulted: boolean }>(
      `SELECT a.attname AS name, array_position(i.indkey::int2[], a.attnum) AS pk,
              a.attidentity <> 'a' AND a.attgenerated = '' AS writable,
              a.atthasdef OR a.attidentity <> '' AS defaulted
         FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [after.oid],
    );
    const columns = meta.rows.map((c) => c.name);
    const keyColumns = meta.rows.filter((c) => c.pk !== null).sort((a, b) => a.pk! - b.pk!);
    const orderBy = keyColumns.length ? keyColumns.map((c) => quoteIdent(c.name)).join(', ') : 'ctid';
    // ctid identifies a row for the whole preview: nothing outside a rolled-back savepoint writes the table.
    const all = await client.query<{ key: string; row: Record<string, unknown> }>(
      `SELECT ctid::text AS key, row_to_json(t) AS row FROM ${target} t ORDER BY ${orderBy} LIMIT $1`,
      [input.limit],
    );
    const total = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${target}`);
    const rows = all.rows.map((r) => ({ key: r.key, values: columns.map((c) => r.row[c] ?? null) }));
    const keys = rows.map((r) => r.key);

    const noopColumn = meta.rows.find((c) => c.pk !== null && c.writable) ?? meta.rows.find((c) => c.writable);
    const insertColumns = input.sampleInsert ? Object.keys(input.sampleInsert) : [];
    for (const c of insertColumns) {
      if (!columns.includes(c)) throw notFound(`Column ${c} does not exist on ${after.table}.`);
    }

    const limitations: string[] = [];
    const login = (
      await client.query<{ login: string; sees_all: boolean }>(
        `SELECT current_user AS login,
                r.rolsuper OR r.rolbypassrls OR (pg_has_role(current_user, c.relowner, 'USAGE') AND NOT c.relforcerowsecurity) AS sees_all
           FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = $1`,
        [after.oid],
      )
    ).rows[0];
    if (after.rlsEnabled && login && !login.sees_all) {
      limitations.push(
        `The rows listed are those "${login.login}" may read itself: it is neither a superuser nor the table's owner, so row-level security hides rows from it too.`,
      );
    }

    const identities: IdentityPreview[] = [];
    /** Identities the login may not switch to: nothing more to try as them. */
    const unswitchable = new Set<string>();
    for (const role of input.identities) {
      await client.query('SAVEPOINT pier_identity');
      const preview: IdentityPreview = { role, error: null, visibleKeys: [], evaluations: [], insert: null, updates: null };
      try {
        await client.query(`SELECT set_config('role', $1, true)`, [role]);
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT pier_identity');
        preview.error = `${pgMessage(err)}. Pier is connected as "${login?.login ?? 'this login'}", which must be a member of "${role}" to read as it: have an owner of the role run GRANT "${role}" TO "${login?.login ?? 'this login'}".`;
        unswitchable.add(role);
        identities.push(preview);
        continue;
      }
      try {
        const visible = await client.query<{ key: string }>(`SELECT ctid::text AS key FROM ${target} WHERE ctid = ANY($1::tid[])`, [keys]);
        preview.visibleKeys = visible.rows.map((r) => r.key);
      } catch (err) {
        preview.error = pgMessage(err);
        await client.query('ROLLBACK TO SAVEPOINT pier_identity');
        await client.query(`SELECT set_config('role', $1, true)`, [role]);
      }
      if (input.sampleInsert) {
        const list = insertColumns.map(quoteIdent).join(', ');
        preview.insert = await tryWrite(client, async () =>
          insertColumns.length === 0
            ? ((await client.query(`INSERT INTO ${target} DEFAULT VALUES`)).rowCount ?? 0)
            : ((
                await client.query(`INSERT INTO ${target} (${list}) SELECT ${list} FROM json_populate_record(NULL::${target}, $1::json)`, [
                  JSON.stringify(input.sampleInsert),
                ])
              ).rowCount ?? 0),
        );
      }
      if (input.sampleUpdate && noopColumn) {
        const col = quoteIdent(noopColumn.name);
        preview.updates = [];
        for (const key of keys) {
          preview.updates.push(
            await tryWrite(
              client,
              async () => (await client.query(`UPDATE ${target} SET ${col} = ${col} WHERE ctid = $1::tid`, [key])).rowCount ?? 0,
            ),
          );
        }
      }
      await client.query('ROLLBACK TO SAVEPOINT pier_identity');
      identities.push(preview);
    }

    // Why hidden: each SELECT policy's USING as a column, computed as the identity with RLS off.
    let whyHiddenUnavailable: string | null = null;
    if (after.rlsEnabled) {
      await client.query('SAVEPOINT pier_rls_off');
      try {
        await client.query(`ALTER TABLE ${target} DISABLE ROW LEVEL SECURITY`);
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT pier_rls_off');
        whyHiddenUnavailable = `"Why hidden" evaluates each policy with row-level security switched off inside the rolled-back preview, which only the table's owner or a superuser may do; "${login?.login ?? 'this login'}" is neither (${pgMessage(err)}). Which rows are visible and which hidden is still exact.`;
        limitations.push(whyHiddenUnavailable);
      }
    }
    for (const preview of whyHiddenUnavailable ? [] : identities.filter((i) => !unswitchable.has(i.role))) {
      const applicable = await applicablePolicies(client, preview.role, after.policies);
      for (const policy of applicable) {
        const evaluation = {
          policy: policy.name,
          permissive: policy.permissive,
          values: keys.map(() => null as boolean | null),
          error: null as string | null,
        };
        await client.query('SAVEPOINT pier_eval');
        try {
          await client.query(`SELECT set_config('role', $1, true)`, [preview.role]);
          const r = await client.query<{ key: string; v: boolean | null }>(
            `SELECT ctid::text AS key, (${policy.using})::boolean AS v FROM ${target} WHERE ctid = ANY($1::tid[])`,
            [keys],
          );
          const byKey = new Map(r.rows.map((x) => [x.key, x.v]));
          evaluation.values = keys.map((k) => byKey.get(k) ?? null);
        } catch (err) {
          evaluation.error = pgMessage(err);
        }
        await client.query('ROLLBACK TO SAVEPOINT pier_eval');
        preview.evaluations.push(evaluation);
      }
    }

    return {
      kind: 'preview',
      statements,
      rlsEnabled: after.rlsEnabled,
      rlsForced: after.rlsForced,
      columns,
      rows,
      totalRows: total.rows[0]?.n ?? rows.length,
      defaultedColumns: meta.rows.filter((c) => c.defaulted).map((c) => c.name),
      policies: after.policies,
      limitations,
      whyHiddenUnavailable,
      identities,
    };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** SELECT (or ALL) policies with a USING whose roles include this identity, directly, through membership, or PUBLIC. */
async function applicablePolicies(
  client: pg.ClientBase,
  identity: string,
  policies: readonly PolicyInfo[],
): Promise<(PolicyInfo & { using: string })[]> {
  const out: (PolicyInfo & { using: string })[] = [];
  for (const p of policies) {
    if ((p.command !== 'SELECT' && p.command !== 'ALL') || p.using === null) continue;
    let applies = p.roles.includes('PUBLIC');
    if (!applies) {
      const r = await client.query<{ m: boolean }>(`SELECT bool_or(pg_has_role($1, r, 'MEMBER')) AS m FROM unnest($2::text[]) r`, [
        identity,
        p.roles,
      ]);
      applies = r.rows[0]?.m === true;
    }
    if (applies) out.push({ ...p, using: p.using });
  }
  return out;
}

/** A write inside its own savepoint, always undone: allowed, touched nothing, refused by RLS, or another error. */
async function tryWrite(client: pg.ClientBase, write: () => Promise<number>): Promise<WriteOutcome> {
  await client.query('SAVEPOINT pier_write');
  try {
    const n = await write();
    return n > 0 ? { kind: 'allowed' } : { kind: 'noRow' };
  } catch (err) {
    const e = err as { code?: string };
    if (!e.code) throw err;
    // 42501 covers both "new row violates row-level security policy" and missing privileges.
    return e.code === '42501' ? { kind: 'refused', message: pgMessage(err) } : { kind: 'error', message: pgMessage(err) };
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT pier_write');
  }
}

function pgMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (!e.code) throw err;
  return e.message ?? 'PostgreSQL reported an error.';
}
