import { z } from 'zod';

/**
 * The documentation's sample data on a local branch (`clients`, `projects`, `tasks` in
 * `databricks_postgres`): put back as documented, in one transaction. Local only, and refused on
 * a protected branch; it does not go through the management API (Lakebase has no such call).
 */
export const resetSampleInput = z
  .object({
    /** A local branch, `projects/{project}/branches/{branch}`. */
    branch: z.string().regex(/^projects\/[a-z][a-z0-9-]{0,62}\/branches\/[a-z][a-z0-9-]{0,62}$/),
  })
  .strict();

export const resetSampleOutput = z.object({
  branch: z.string(),
  database: z.string(),
  /** The tables made again. */
  tables: z.array(z.string()),
});
export type ResetSampleResult = z.infer<typeof resetSampleOutput>;
