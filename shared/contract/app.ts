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

export const appAboutInput = z.object({}).strict();
export const appAboutOutput = z.object({
  product: z.string(),
  version: z.string(),
  mode: z.enum(['desktop', 'browser']),
  /** Present in the desktop app. */
  electronVersion: z.string().nullable(),
  chromeVersion: z.string().nullable(),
  nodeVersion: z.string(),
  postgresVersion: z.string(),
  /** `linux-x64`, `darwin-arm64`, `win32-x64`. */
  platform: z.string(),
  dataFolder: z.string(),
  logsFolder: z.string(),
  /** Local crash reports (desktop app only). */
  crashReportsFolder: z.string().nullable(),
  /** One sentence: how this Pier gets new versions. */
  updates: z.string(),
});
export type AppAbout = z.infer<typeof appAboutOutput>;

export const appOpenLogsFolderInput = z.object({}).strict();
export const appOpenLogsFolderOutput = z.object({
  /** False in browser mode (a web page cannot open a folder) or when the OS refused: then `message` says where it is. */
  opened: z.boolean(),
  path: z.string(),
  message: z.string(),
});

export const appCheckForUpdatesInput = z.object({}).strict();
export const appCheckForUpdatesOutput = z.object({
  outcome: z.enum(['browser-mode', 'not-configured', 'up-to-date', 'downloading', 'failed']),
  /** What the check did, in a sentence for the user. */
  message: z.string(),
});
export type UpdateCheck = z.infer<typeof appCheckForUpdatesOutput>;
