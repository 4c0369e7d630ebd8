/**
 * The workspaces Pier knows: the local one (always there, not removable) and the Databricks
 * workspaces the user added with OAuth, a personal access token or the `databricks` CLI.
 * Adding checks the credentials against the workspace first and stores nothing unless they work;
 * secrets go to the vault, the rest to `workspaces.json`. Removing one removes its secrets.
 * What leaves main is `WorkspaceInfo`: no secrets, no handles to them.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { RpcError } from '../../../shared/contract/result';
import type { ISecretVault } from '../../vault/secretVault';
import { writeFileAtomic } from '../../files/writeFileAtomic';
import type { IAuthProvider } from '../auth/authProvider';
import { DatabricksCliTokenProvider } from '../auth/databricksCliProvider';
import type { OAuthTokens } from '../auth/oauthEndpoints';
import { OAuthTokenProvider } from '../auth/oauthTokenProvider';
import { signInWithBrowser } from '../auth/signInWithBrowser';
import { cloudFail, cloudOk, type CloudError, type CloudResult } from '../cloudError';
import { ManagementClient } from '../managementClient';
import type { RetryPolicy } from '../retryPolicy';
import { normalizeWorkspaceHost } from '../workspaceHost';
import { readProfileHost } from './databricksConfig';

export const LOCAL_WORKSPACE_ID = 'local';

export type WorkspaceAuth =
  | { readonly kind: 'local' }
  | { readonly kind: 'oauth'; readonly secretHandle: string }
  | { readonly kind: 'pat'; readonly secretHandle: string }
  | { readonly kind: 'cli'; readonly profile: string };

export type AuthMethod = WorkspaceAuth['kind'];

interface WorkspaceRecord {
  readonly id: string;
  readonly host: string;
  readonly displayName: string;
  readonly auth: WorkspaceAuth;
  readonly addedAt: string;
}

/** What the renderer may see about a workspace. */
export interface WorkspaceInfo {
  readonly id: string;
  readonly kind: 'local' | 'databricks';
  readonly host: string;
  readonly displayName: string;
  readonly authMethod: AuthMethod;
  /** "OAuth sign-in", "Personal access token", "databricks CLI profile DEFAULT", "Local". */
  readonly authLabel: string;
}

interface RegistryFile {
  readonly version: 1;
  readonly workspaces: WorkspaceRecord[];
}

export interface WorkspaceRegistryOptions {
  /** `workspaces.json` in the app-data folder. */
  readonly file: string;
  readonly vault: ISecretVault;
  /** The local control plane: API base (`…/api/2.0/postgres`) and how to authenticate to it. */
  readonly local: { readonly baseUrl: string; readonly auth: IAuthProvider };
  /** For the databricks-CLI method; default `databricks` on PATH. */
  readonly cliCommand?: string;
  /** For OAuth; default 8020–8040 / `DATABRICKS_OAUTH_CALLBACK_PORT`. */
  readonly callbackPorts?: readonly number[];
  readonly retry?: Partial<RetryPolicy>;
}

const vaultFailure = (e: RpcError): { ok: false; error: CloudError } => cloudFail('CLOUD_VAULT', e.message, { error_code: e.code });

function authLabel(auth: WorkspaceAuth): string {
  switch (auth.kind) {
    case 'local':
      return 'Local';
    case 'oauth':
      return 'OAuth sign-in';
    case 'pat':
      return 'Personal access token';
    case 'cli':
      return `databricks CLI profile ${auth.profile}`;
    default: {
      const never: never = auth;
      throw new Error(`Unexpected auth: ${JSON.stringify(never)}`);
    }
  }
}

const newWorkspaceId = (): string => `ws-${randomBytes(6).toString('hex')}`;

export class WorkspaceRegistry {
  private readonly clients = new Map<string, ManagementClient>();
  private readonly removeListeners = new Set<(id: string) => void>();
  private readonly signInListeners = new Set<(id: string) => void>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly options: WorkspaceRegistryOptions,
    private records: WorkspaceRecord[],
  ) {}

  static async open(options: WorkspaceRegistryOptions): Promise<CloudResult<WorkspaceRegistry>> {
    let text: string | undefined;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        return cloudFail('CLOUD_VAULT', `Cannot read ${options.file}: ${(err as Error).message}.`);
    }
    let records: WorkspaceRecord[] = [];
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as RegistryFile;
        if (parsed.version !== 1 || !Array.isArray(parsed.workspaces)) throw new Error('layout');
        records = parsed.workspaces;
      } catch {
        return cloudFail('CLOUD_VAULT', `The workspace list ${options.file} is damaged. Move it away and add your workspaces again.`);
      }
    }
    return cloudOk(new WorkspaceRegistry(options, records));
  }

  /** The local workspace first, then the added ones in the order they were added. */
  list(): WorkspaceInfo[] {
    const local: WorkspaceInfo = {
      id: LOCAL_WORKSPACE_ID,
      kind: 'local',
      host: new URL(this.options.local.baseUrl).origin,
      displayName: 'Local',
      authMethod: 'local',
      authLabel: authLabel({ kind: 'local' }),
    };
    return [local, ...this.records.map((r) => this.info(r))];
  }

  private info(r: WorkspaceRecord): WorkspaceInfo {
    return {
      id: r.id,
      kind: 'databricks',
      host: r.host,
      displayName: r.displayName,
      authMethod: r.auth.kind,
      authLabel: authLabel(r.auth),
    };
  }

  /** Called after a workspace is removed (e.g. to close its connection pools). */
  onDidRemoveWorkspace(listener: (id: string) => void): () => void {
    this.removeListeners.add(listener);
    return () => this.removeListeners.delete(listener);
  }

  /**
   * Called after a workspace's credentials were replaced (sign-in again, new token): whatever was
   * made with the old ones (management clients held elsewhere, database connections logged in as
   * the identity they named) should be dropped.
   */
  onDidChangeSignIn(listener: (id: string) => void): () => void {
    this.signInListeners.add(listener);
    return () => this.signInListeners.delete(listener);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async save(records: WorkspaceRecord[]): Promise<CloudResult<void>> {
    try {
      await writeFileAtomic(this.options.file, JSON.stringify({ version: 1, workspaces: records } satisfies RegistryFile, null, 2), 0o600);
      this.records = records;
      return cloudOk(undefined);
    } catch (err) {
      return cloudFail('CLOUD_VAULT', `Cannot save the workspace list ${this.options.file}: ${(err as Error).message}. Nothing was added.`);
    }
  }

  private makeClient(host: string, auth: IAuthProvider): ManagementClient {
    return new ManagementClient({ baseUrl: host, auth, ...(this.options.retry ? { retry: this.options.retry } : {}) });
  }

  /** Proves the credentials work (one tiny list call) before anything is stored. */
  private async verify(host: string, auth: IAuthProvider, signal?: AbortSignal): Promise<CloudResult<void>> {
    const res = await this.makeClient(host, auth).listProjects({ pageSize: 1, ...(signal ? { signal } : {}) });
    return res.ok ? cloudOk(undefined) : res;
  }

  private checkNew(hostInput: string): CloudResult<string> {
    const host = normalizeWorkspaceHost(hostInput);
    if (!host.ok) return host;
    const existing = this.records.find((r) => r.host === host.value);
    if (existing) {
      return cloudFail(
        'CLOUD_ALREADY_EXISTS',
        `${host.value} is already added as "${existing.displayName}". Remove it first to sign in a different way, or use "Sign in again".`,
      );
    }
    return host;
  }

  /** Stores the secret (if any) and the record; if the record cannot be saved, the secret goes too. */
  private async store(
    id: string,
    host: string,
    displayName: string | undefined,
    auth: (handle: string | undefined) => WorkspaceAuth,
    secret?: { kind: 'oauthTokens' | 'personalAccessToken'; value: string },
  ): Promise<CloudResult<WorkspaceInfo>> {
    const name = displayName?.trim() || new URL(host).hostname;
    let handle: string | undefined;
    if (secret) {
      const put = await this.options.vault.put({
        workspaceId: id,
        kind: secret.kind,
        displayName: `${name} (${secret.kind === 'oauthTokens' ? 'OAuth tokens' : 'personal access token'})`,
        secret: secret.value,
      });
      if (!put.ok) return vaultFailure(put.error);
      handle = put.value.handle;
    }
    const record: WorkspaceRecord = { id, host, displayName: name, auth: auth(handle), addedAt: new Date().toISOString() };
    const saved = await this.save([...this.records, record]);
    if (!saved.ok) {
      await this.options.vault.removeWorkspace(id);
      return saved;
    }
    return cloudOk(this.info(record));
  }

  addWithPersonalAccessToken(input: {
    host: string;
    token: string;
    displayName?: string;
    signal?: AbortSignal;
  }): Promise<CloudResult<WorkspaceInfo>> {
    return this.serial(async () => {
      const host = this.checkNew(input.host);
      if (!host.ok) return host;
      const token = input.token.trim();
      if (token === '')
        return cloudFail(
          'CLOUD_INVALID_INPUT',
          'Paste the personal access token (User settings → Developer → Access tokens in the workspace).',
        );
      const auth: IAuthProvider = {
        label: 'personal access token',
        getToken: () => Promise.resolve(cloudOk(token)),
        invalidate: () => false,
      };
      const ok = await this.verify(host.value, auth, input.signal);
      if (!ok.ok) return ok;
      return this.store(newWorkspaceId(), host.value, input.displayName, (h) => ({ kind: 'pat', secretHandle: h ?? '' }), {
        kind: 'personalAccessToken',
        value: token,
      });
    });
  }

  /** Opens the system browser for the workspace's sign-in page (`openBrowser`), then stores the tokens. */
  addWithOAuth(input: {
    host: string;
    displayName?: string;
    openBrowser: (url: string) => Promise<void> | void;
    signal?: AbortSignal;
    timeoutMs?: number;
  }): Promise<CloudResult<WorkspaceInfo>> {
    return this.serial(async () => {
      const host = this.checkNew(input.host);
      if (!host.ok) return host;
      const tokens = await signInWithBrowser({
        host: host.value,
        openBrowser: input.openBrowser,
        ...(this.options.callbackPorts ? { ports: this.options.callbackPorts } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
      });
      if (!tokens.ok) return tokens;
      const ok = await this.verify(
        host.value,
        { label: 'OAuth sign-in', getToken: () => Promise.resolve(cloudOk(tokens.value.accessToken)), invalidate: () => false },
        input.signal,
      );
      if (!ok.ok) return ok;
      return this.store(newWorkspaceId(), host.value, input.displayName, (h) => ({ kind: 'oauth', secretHandle: h ?? '' }), {
        kind: 'oauthTokens',
        value: JSON.stringify(tokens.value),
      });
    });
  }

  /** Uses `databricks auth token --profile P`; the host comes from the profile unless given. */
  addWithDatabricksCli(input: {
    profile: string;
    host?: string;
    displayName?: string;
    signal?: AbortSignal;
  }): Promise<CloudResult<WorkspaceInfo>> {
    return this.serial(async () => {
      let hostInput = input.host;
      if (hostInput === undefined || hostInput.trim() === '') {
        const fromProfile = await readProfileHost(input.profile);
        if (!fromProfile.ok) return fromProfile;
        hostInput = fromProfile.value;
      }
      const host = this.checkNew(hostInput);
      if (!host.ok) return host;
      const auth = new DatabricksCliTokenProvider({
        profile: input.profile,
        ...(this.options.cliCommand ? { command: this.options.cliCommand } : {}),
      });
      const ok = await this.verify(host.value, auth, input.signal);
      if (!ok.ok) return ok;
      return this.store(newWorkspaceId(), host.value, input.displayName, () => ({ kind: 'cli', profile: input.profile }));
    });
  }

  /** After CLOUD_SIGN_IN_REQUIRED: a fresh OAuth sign-in replaces the stored tokens of the same workspace. */
  signInAgain(
    id: string,
    input: { openBrowser: (url: string) => Promise<void> | void; signal?: AbortSignal; timeoutMs?: number },
  ): Promise<CloudResult<WorkspaceInfo>> {
    return this.serial(async () => {
      const record = this.records.find((r) => r.id === id);
      if (!record) return cloudFail('CLOUD_NOT_FOUND', `There is no workspace ${id}; it may have been removed.`);
      if (record.auth.kind !== 'oauth')
        return cloudFail(
          'CLOUD_INVALID_INPUT',
          `"${record.displayName}" does not use OAuth sign-in (${authLabel(record.auth)}). Remove it and add it again to change how it signs in.`,
        );
      const tokens = await signInWithBrowser({
        host: record.host,
        openBrowser: input.openBrowser,
        ...(this.options.callbackPorts ? { ports: this.options.callbackPorts } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
      });
      if (!tokens.ok) return tokens;
      const replaced = await this.options.vault.replace(record.auth.secretHandle, JSON.stringify(tokens.value));
      if (!replaced.ok) return vaultFailure(replaced.error);
      this.clients.delete(id);
      for (const l of this.signInListeners) l(id);
      return cloudOk(this.info(record));
    });
  }

  /** After CLOUD_UNAUTHENTICATED on a PAT workspace: check the new token, then replace the stored one. */
  replacePersonalAccessToken(id: string, input: { token: string; signal?: AbortSignal }): Promise<CloudResult<WorkspaceInfo>> {
    return this.serial(async () => {
      const record = this.records.find((r) => r.id === id);
      if (!record) return cloudFail('CLOUD_NOT_FOUND', `There is no workspace ${id}; it may have been removed.`);
      if (record.auth.kind !== 'pat')
        return cloudFail(
          'CLOUD_INVALID_INPUT',
          `"${record.displayName}" does not use a personal access token (${authLabel(record.auth)}).`,
        );
      const token = input.token.trim();
      if (token === '')
        return cloudFail(
          'CLOUD_INVALID_INPUT',
          'Paste the personal access token (User settings → Developer → Access tokens in the workspace).',
        );
      const ok = await this.verify(
        record.host,
        { label: 'personal access token', getToken: () => Promise.resolve(cloudOk(token)), invalidate: () => false },
        input.signal,
      );
      if (!ok.ok) return ok;
      const replaced = await this.options.vault.replace(record.auth.secretHandle, token);
      if (!replaced.ok) return vaultFailure(replaced.error);
      this.clients.delete(id);
      for (const l of this.signInListeners) l(id);
      return cloudOk(this.info(record));
    });
  }

  remove(id: string): Promise<CloudResult<void>> {
    return this.serial(async () => {
      if (id === LOCAL_WORKSPACE_ID) return cloudFail('CLOUD_INVALID_INPUT', 'The local workspace is part of Pier and cannot be removed.');
      if (!this.records.some((r) => r.id === id))
        return cloudFail('CLOUD_NOT_FOUND', `There is no workspace ${id}; it may already have been removed.`);
      // Secrets first: a crash in between leaves a listed workspace that asks to sign in, never an orphaned secret.
      const removed = await this.options.vault.removeWorkspace(id);
      if (!removed.ok) return vaultFailure(removed.error);
      const saved = await this.save(this.records.filter((r) => r.id !== id));
      if (!saved.ok) return saved;
      this.clients.delete(id);
      for (const l of this.removeListeners) l(id);
      return cloudOk(undefined);
    });
  }

  /** The management client for a workspace, signed in the way it was added. */
  async client(id: string): Promise<CloudResult<ManagementClient>> {
    const cached = this.clients.get(id);
    if (cached) return cloudOk(cached);
    const auth = await this.authFor(id);
    if (!auth.ok) return auth;
    const client = this.makeClient(auth.value.host, auth.value.auth);
    this.clients.set(id, client);
    return cloudOk(client);
  }

  /** A bearer token of the workspace, for calls main makes on the user's behalf (never returned to the renderer). */
  async token(id: string): Promise<CloudResult<string>> {
    const auth = await this.authFor(id);
    if (!auth.ok) return auth;
    return auth.value.auth.getToken();
  }

  private async authFor(id: string): Promise<CloudResult<{ host: string; auth: IAuthProvider }>> {
    if (id === LOCAL_WORKSPACE_ID) return cloudOk({ host: this.options.local.baseUrl, auth: this.options.local.auth });
    const record = this.records.find((r) => r.id === id);
    if (!record) return cloudFail('CLOUD_NOT_FOUND', `There is no workspace ${id}; it may have been removed.`);
    const { auth } = record;
    switch (auth.kind) {
      case 'local':
        return cloudOk({ host: this.options.local.baseUrl, auth: this.options.local.auth });
      case 'pat': {
        const secret = await this.options.vault.get(auth.secretHandle);
        if (!secret.ok) return vaultFailure(secret.error);
        const token = secret.value;
        return cloudOk({
          host: record.host,
          auth: { label: 'personal access token', getToken: () => Promise.resolve(cloudOk(token)), invalidate: () => false },
        });
      }
      case 'oauth': {
        const secret = await this.options.vault.get(auth.secretHandle);
        if (!secret.ok) return vaultFailure(secret.error);
        let tokens: OAuthTokens;
        try {
          tokens = JSON.parse(secret.value) as OAuthTokens;
        } catch {
          return cloudFail('CLOUD_SIGN_IN_REQUIRED', `The stored sign-in for "${record.displayName}" cannot be read. Sign in again.`);
        }
        const provider = new OAuthTokenProvider({
          host: record.host,
          tokens,
          onTokens: async (next) => {
            const r = await this.options.vault.replace(auth.secretHandle, JSON.stringify(next));
            return r.ok ? cloudOk(undefined) : vaultFailure(r.error);
          },
        });
        return cloudOk({ host: record.host, auth: provider });
      }
      case 'cli':
        return cloudOk({
          host: record.host,
          auth: new DatabricksCliTokenProvider({
            profile: auth.profile,
            ...(this.options.cliCommand ? { command: this.options.cliCommand } : {}),
          }),
        });
      default: {
        const never: never = auth;
        throw new Error(`Unexpected auth: ${JSON.stringify(never)}`);
      }
    }
  }
}
