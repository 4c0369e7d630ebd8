import { z } from 'zod';

/**
 * Where a call runs: one closed type for every channel input, query key and tab. A database is
 * named by its workspace, its branch and its Postgres database; nothing is implied by absence.
 * Old saved tabs (optional fields, absent = the embedded default) go through `fromLegacyLocation`,
 * the only place that still knows those defaults.
 */

/** The local workspace's id, as the tree and Data API URLs name it. */
export const LOCAL_WORKSPACE_ID = 'local';
/** The embedded default's project and branch, as the local management API names them. */
export const EMBEDDED_PROJECT = 'projects/local';
export const EMBEDDED_BRANCH = 'projects/local/branches/production';
/** The database the embedded default seeds, and Lakebase's default database. */
export const DEFAULT_DATABASE = 'databricks_postgres';

/** A full branch name of its workspace: "projects/{project}/branches/{branch}". */
export const branchName = z
  .string()
  .max(200)
  .regex(
    /^projects\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?\/branches\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'A branch is named "projects/{project}/branches/{branch}".',
  );

/** A workspace id as `workspaces.list` gives it. */
export const workspaceId = z.string().min(1).max(64);

/** A Postgres database name as the catalog spells it. */
export const databaseName = z.string().min(1).max(63);

export const localLocation = z.object({ kind: z.literal('local'), branch: branchName, database: databaseName }).strict();
export const cloudLocation = z
  .object({
    kind: z.literal('cloud'),
    workspaceId: workspaceId.refine((id) => id !== LOCAL_WORKSPACE_ID, 'The local workspace is a "local" location.'),
    branch: branchName,
    database: databaseName,
  })
  .strict();

export const location = z.discriminatedUnion('kind', [localLocation, cloudLocation]);
export type Location = z.infer<typeof location>;
export type LocalLocation = z.infer<typeof localLocation>;
export type CloudLocation = z.infer<typeof cloudLocation>;

/** The workspace a location belongs to, as the management channels and the tree name it. */
export function workspaceOf(at: Location): string {
  return at.kind === 'cloud' ? at.workspaceId : LOCAL_WORKSPACE_ID;
}

/** A location for a database of a workspace's branch (the tree's and the management API's terms). */
export function locationOf(workspace: string, branch: string, database: string): Location {
  return workspace === LOCAL_WORKSPACE_ID
    ? { kind: 'local', branch, database }
    : { kind: 'cloud', workspaceId: workspace, branch, database };
}

/** The same database of the same branch of the same workspace. */
export function sameLocation(a: Location, b: Location): boolean {
  return workspaceOf(a) === workspaceOf(b) && a.branch === b.branch && a.database === b.database;
}

/** The location as the leading part of a query key or tab id: stable, and distinct per location. */
export function locationKey(at: Location): readonly [string, string, string] {
  return [workspaceOf(at), at.branch, at.database];
}

/**
 * Tabs and views saved before locations were one type: optional `branch`, `workspaceId` and
 * `database`, all absent meaning the embedded default. `home` is the embedded default's location
 * (its database differs under --database-url). Undefined when the fields cannot name a location.
 */
export function fromLegacyLocation(saved: unknown, home: Location): Location | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as { branch?: unknown; workspaceId?: unknown; database?: unknown };
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const ws = text(s.workspaceId) ?? LOCAL_WORKSPACE_ID;
  const branch = text(s.branch) ?? home.branch;
  // A local branch other than the default is a copy of production: its database is the seeded one.
  const database = text(s.database) ?? (ws === LOCAL_WORKSPACE_ID && branch === home.branch ? home.database : DEFAULT_DATABASE);
  const parsed = location.safeParse(locationOf(ws, branch, database));
  return parsed.success ? parsed.data : undefined;
}
