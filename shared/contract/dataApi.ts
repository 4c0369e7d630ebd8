import { z } from 'zod';
import { location } from './location';

const identifier = z.string().min(1).max(63);

/**
 * Whom a grid or console request runs as: the admin (superuser; on a cloud workspace, the
 * signed-in identity), or an identity granted to `authenticator`.
 */
export const viewAs = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admin') }),
  z.object({ kind: z.literal('identity'), role: identifier }),
]);
export type ViewAs = z.infer<typeof viewAs>;

/**
 * One Data API request run in process by the same engine that serves HTTP, so the grid shows
 * exactly what the Data API returns. `path` is after `/rest/{database}`, e.g. `/public/clients`.
 */
export const dataApiRequestInput = z
  .object({
    at: location,
    method: z.enum(['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE']).default('GET'),
    path: z.string().min(1).max(2048).startsWith('/'),
    rawQuery: z.string().max(65_536).default(''),
    headers: z.record(z.string(), z.string()).default({}),
    body: z
      .string()
      .max(10 * 1024 * 1024)
      .optional(),
    viewAs,
  })
  .strict();
export const dataApiRequestOutput = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});
export type DataApiRequestInput = z.input<typeof dataApiRequestInput>;
export type DataApiRequestOutput = z.infer<typeof dataApiRequestOutput>;

/**
 * Writes run in order in ONE transaction as `viewAs` (the grid's staged edits): all take effect
 * or none. `rollback` runs them all and keeps nothing (a preview in which later writes see the
 * earlier ones).
 */
export const dataApiTransactionInput = z
  .object({
    at: location,
    requests: z
      .array(
        z
          .object({
            method: z.enum(['POST', 'PATCH', 'PUT', 'DELETE']),
            path: z.string().min(1).max(2048).startsWith('/'),
            rawQuery: z.string().max(65_536).default(''),
            headers: z.record(z.string(), z.string()).default({}),
            body: z
              .string()
              .max(10 * 1024 * 1024)
              .optional(),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
    rollback: z.boolean(),
    viewAs,
  })
  .strict();
export const dataApiTransactionOutput = z.object({
  /** True when every write succeeded and was committed (never with `rollback`). */
  committed: z.boolean(),
  /** One per request; null for those that did not run because an earlier one failed. */
  responses: z.array(dataApiRequestOutput.nullable()),
});
export type DataApiTransactionInput = z.input<typeof dataApiTransactionInput>;
export type DataApiTransactionOutput = z.infer<typeof dataApiTransactionOutput>;

export const describeTableInput = z.object({ at: location, schema: identifier, table: identifier }).strict();
const qualified = z.object({ schema: z.string(), name: z.string() });
export const describeTableOutput = z.object({
  /** Base URL of this database's Data API: `{baseUrl}/{schema}/{table}?…`. */
  baseUrl: z.string(),
  /** Whether the schema is exposed (pgrst.db_schemas); if not, the Data API refuses it. */
  exposed: z.boolean(),
  kind: z.string(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      typeName: z.string(),
      nullable: z.boolean(),
      default: z.string().nullable(),
      comment: z.string().nullable(),
    }),
  ),
  primaryKey: z.array(z.string()),
  relationships: z.array(
    z.object({
      kind: z.enum(['many-to-one', 'one-to-many', 'one-to-one', 'many-to-many']),
      target: qualified,
      /** The FK constraint (the `!hint` that disambiguates an embed). */
      constraint: z.string(),
      toOne: z.boolean(),
      /** [source column, target column] pairs (for many-to-many: via the junction). */
      columns: z.array(z.tuple([z.string(), z.string()])),
      junction: qualified.optional(),
    }),
  ),
});
export type DescribeTableOutput = z.infer<typeof describeTableOutput>;

export const identitiesInput = z.object({ at: location }).strict();
export const identitiesOutput = z.object({
  /** Roles granted to `authenticator`: the identities a Data API request may run as. */
  roles: z.array(z.string()),
});

/** The database's Data API base URL (`{baseUrl}/{schema}/{table}`), for the console's request line and snippets. */
export const baseUrlInput = z.object({ at: location }).strict();
export const baseUrlOutput = z.object({ baseUrl: z.string() });
