import { z } from 'zod';
import { location } from './location';

export const appStatusInput = z.object({}).strict();
export const appStatusOutput = z.object({
  /** `desktop` inside Electron, `browser` when served on loopback. */
  mode: z.enum(['desktop', 'browser']),
  postgresVersion: z.string(),
  database: z.string(),
  /** The embedded default (or --database-url) database: where the app opens, and what saved tabs without a location meant. */
  home: location,
  /** Where Postgres lives, for display: "embedded (127.0.0.1:5433)" or the host of --database-url. */
  postgresLabel: z.string(),
  connected: z.boolean(),
});
export type AppStatus = z.infer<typeof appStatusOutput>;
