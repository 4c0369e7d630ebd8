/**
 * Reads only the `host` of a profile from `~/.databrickscfg` (or `DATABRICKS_CONFIG_FILE`), so the
 * CLI sign-in can name its workspace. Tokens in that file are never read: the CLI hands them out.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cloudFail, cloudOk, type CloudResult } from '../cloudError';

export function databricksConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABRICKS_CONFIG_FILE ?? path.join(os.homedir(), '.databrickscfg');
}

/** The `host` of `[profile]` in INI text, or undefined. */
export function profileHostFromIni(text: string, profile: string): string | undefined {
  let section: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]?.trim();
      continue;
    }
    const kv = /^([^=]+)=(.*)$/.exec(line);
    if (kv && section === profile && kv[1]?.trim().toLowerCase() === 'host') return kv[2]?.trim();
  }
  return undefined;
}

export async function readProfileHost(profile: string, file: string = databricksConfigPath()): Promise<CloudResult<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return cloudFail(
      'CLOUD_INVALID_INPUT',
      `There is no ${file}, so the profile "${profile}" is unknown. Enter the workspace URL, or run \`databricks auth login --profile ${profile} --host <workspace URL>\` first.`,
    );
  }
  const host = profileHostFromIni(text, profile);
  if (!host)
    return cloudFail(
      'CLOUD_INVALID_INPUT',
      `The profile "${profile}" in ${file} has no host. Enter the workspace URL, or run \`databricks auth login --profile ${profile} --host <workspace URL>\`.`,
    );
  return cloudOk(host);
}
