import { z } from 'zod';

export const appStatusInput = z.object({}).strict();
export const appStatusOutput = z.object({
  /** `desktop` inside Electron, `browser` when served on loopback. */
  mode: z.enum(['desktop', 'browser']),
  postgresVersion: z.string(),
  database: z.string(),
  /** Where Postgres lives, for display: "embedded (127.0.0.1:5433)" or the host of --database-url. */
  postgresLabel: z.string(),
  connected: z.boolean(),
});
export type AppStatus = z.infer<typeof appStatusOutput>;
