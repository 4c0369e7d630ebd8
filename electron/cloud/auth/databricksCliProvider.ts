/**
 * Tokens from the `databricks` CLI (`databricks auth token --profile P`, CLI ≥ 0.207.1): the CLI
 * keeps and refreshes its own credentials; we run it when our copy has under five minutes left.
 */
import { execFile, type ExecException } from 'node:child_process';
import { cloudFail, cloudOk, type CloudResult } from '../cloudError';
import type { IAuthProvider } from './authProvider';
import { REFRESH_WHEN_LEFT_MS } from './oauthTokenProvider';

export interface DatabricksCliOptions {
  readonly profile: string;
  /** The CLI binary; default `databricks` from PATH. */
  readonly command?: string;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export interface CliToken {
  readonly accessToken: string;
  readonly expiresAt: number;
}

const INSTALL_HINT =
  'Install the Databricks CLI (https://docs.databricks.com/dev-tools/cli/install), or choose OAuth sign-in or a personal access token.';

/** `expiry`: RFC 3339 (any offset, nanoseconds) or `YYYY-MM-DD HH:MM:SS[.fff]`; `expires_in` as a fallback. */
export function parseCliTokenOutput(stdout: string, now: number = Date.now()): CliToken | undefined {
  let json: { access_token?: unknown; expiry?: unknown; expires_in?: unknown };
  try {
    json = JSON.parse(stdout) as typeof json;
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || typeof json.access_token !== 'string' || json.access_token === '') return undefined;
  let expiresAt: number | undefined;
  if (typeof json.expiry === 'string') {
    // JS dates keep milliseconds: trim nanoseconds; accept a space instead of `T`.
    const text = json.expiry
      .trim()
      .replace(' ', 'T')
      .replace(/(\.\d{3})\d+/, '$1');
    const t = Date.parse(text);
    if (!Number.isNaN(t)) expiresAt = t;
  }
  if (expiresAt === undefined && typeof json.expires_in === 'number') expiresAt = now + json.expires_in * 1000;
  return { accessToken: json.access_token, expiresAt: expiresAt ?? now + 10 * 60_000 };
}

function runCli(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ error?: ExecException; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { timeout: timeoutMs, windowsHide: true, maxBuffer: 1 << 20, ...(signal ? { signal } : {}) },
      (error, stdout, stderr) => {
        resolve({ ...(error ? { error } : {}), stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

export async function databricksCliToken(options: DatabricksCliOptions, signal?: AbortSignal): Promise<CloudResult<CliToken>> {
  const command = options.command ?? 'databricks';
  const profile = options.profile;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(profile)) {
    return cloudFail(
      'CLOUD_INVALID_INPUT',
      `"${profile}" is not a profile name from ~/.databrickscfg (letters, digits, "-", "_", "." only).`,
    );
  }
  const { error, stdout, stderr } = await runCli(
    command,
    ['auth', 'token', '--profile', profile, '--output', 'json'],
    options.timeoutMs ?? 30_000,
    signal,
  );
  const said = (stderr || stdout).trim().split('\n').slice(-3).join(' ').slice(0, 400);
  if (error?.code === 'ENOENT')
    return cloudFail('CLOUD_AUTH_FAILED', `The databricks CLI is not installed (no "${command}" on PATH). ${INSTALL_HINT}`, {
      error_code: 'ENOENT',
    });
  if (error?.code === 'EACCES')
    return cloudFail('CLOUD_AUTH_FAILED', `"${command}" cannot be run (permission denied). Reinstall the Databricks CLI. ${INSTALL_HINT}`, {
      error_code: 'EACCES',
    });
  if (error?.name === 'AbortError') return cloudFail('CLOUD_CANCELLED', 'Cancelled while waiting for the databricks CLI.');
  if (error?.killed)
    return cloudFail(
      'CLOUD_TIMEOUT',
      `The databricks CLI did not answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s. Run \`databricks auth token --profile ${profile}\` in a terminal to see what it is waiting for.`,
    );
  if (error) {
    if (/no such command|unknown command|usage: databricks|invalid choice/i.test(said)) {
      return cloudFail(
        'CLOUD_AUTH_FAILED',
        `The installed databricks CLI is too old (it has no \`auth token\`; version 0.207.1 or newer is needed, and the old Python "databricks-cli" package does not work). Upgrade it: ${INSTALL_HINT}`,
        { server_message: said },
      );
    }
    if (/profile|databrickscfg/i.test(said) && /not|no |cannot|missing/i.test(said)) {
      return cloudFail(
        'CLOUD_AUTH_FAILED',
        `The databricks CLI has no usable profile "${profile}" (${said}). Run \`databricks auth login --profile ${profile} --host <workspace URL>\`, then try again.`,
        { server_message: said },
      );
    }
    if (/refresh token is invalid|invalid_grant|expired|re-?login|auth login/i.test(said)) {
      return cloudFail(
        'CLOUD_SIGN_IN_REQUIRED',
        `The databricks CLI's sign-in for profile "${profile}" has expired or was revoked (${said}). Run \`databricks auth login --profile ${profile}\`, then try again.`,
        { server_message: said },
      );
    }
    return cloudFail(
      'CLOUD_AUTH_FAILED',
      `\`databricks auth token --profile ${profile}\` failed: ${said || `exit code ${String(error.code)}`}.`,
      { server_message: said },
    );
  }
  const token = parseCliTokenOutput(stdout, options.now?.() ?? Date.now());
  if (!token) {
    return cloudFail(
      'CLOUD_AUTH_FAILED',
      `The databricks CLI printed something other than a token (${stdout.trim().slice(0, 120) || 'nothing'}). It may be too old: version 0.207.1 or newer is needed. ${INSTALL_HINT}`,
    );
  }
  return cloudOk(token);
}

export class DatabricksCliTokenProvider implements IAuthProvider {
  readonly label: string;
  private current: CliToken | undefined;
  private pending: Promise<CloudResult<string>> | undefined;

  constructor(private readonly options: DatabricksCliOptions) {
    this.label = `databricks CLI profile ${options.profile}`;
  }

  getToken(): Promise<CloudResult<string>> {
    const now = this.options.now?.() ?? Date.now();
    if (this.current && this.current.expiresAt - now > REFRESH_WHEN_LEFT_MS) return Promise.resolve(cloudOk(this.current.accessToken));
    // Shared by concurrent callers: not tied to any one caller's cancellation (the CLI run has a timeout).
    this.pending ??= databricksCliToken(this.options)
      .then((r): CloudResult<string> => {
        if (!r.ok) return r;
        this.current = r.value;
        return cloudOk(r.value.accessToken);
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  invalidate(): boolean {
    const had = this.current !== undefined;
    this.current = undefined;
    return had;
  }
}
