/**
 * The cloud side of main, built once by the composition root (electron/main for the desktop,
 * electron/server for browser mode): the vault, the workspace registry and the endpoint pools,
 * wired together (removing a workspace closes its pools and drops its secrets).
 */
import path from 'node:path';
import { openVaultCipher } from '../vault/vaultKey';
import type { ISecretCipher } from '../vault/secretCipher';
import { FileSecretVault, VAULT_FILE_NAME } from '../vault/secretVault';
import type { IAuthProvider } from './auth/authProvider';
import { cloudFail, cloudOk, type CloudResult } from './cloudError';
import { EndpointPools } from './connections/endpointPools';
import { OperationTracker } from './operations/operationTracker';
import { LOCAL_WORKSPACE_ID, WorkspaceRegistry } from './workspaces/workspaceRegistry';

export interface CloudServicesOptions {
  /** The app-data folder: `vault.json` and `workspaces.json` go here. */
  readonly dataDir: string;
  /**
   * Desktop: `safeStorageCipher(safeStorage)` (refuses the Linux plain-text fallback).
   * Omitted in browser mode: an AES-256-GCM key in the OS keyring or an owner-only key file (vault/vaultKey.ts).
   */
  readonly cipher?: ISecretCipher;
  /** The local control plane as this process serves it. */
  readonly local: {
    /** `http://127.0.0.1:<port>/api/2.0/postgres`. */
    readonly baseUrl: string;
    /** E.g. `staticTokenProvider(await issuer.mintToken(issuer.owner), 'local owner')`. */
    readonly auth: IAuthProvider;
    /** The local identity connections run as (the owner's email). */
    readonly identity: string;
    /** The local certificate authority (PEM) that signs the local endpoints' TLS certificate. */
    readonly caCertPem?: string;
  };
  readonly cliCommand?: string;
}

export interface CloudServices {
  readonly vault: FileSecretVault;
  readonly workspaces: WorkspaceRegistry;
  readonly pools: EndpointPools;
  /** Mutations the user started, followed for the operations panel. */
  readonly operations: OperationTracker;
  dispose(): Promise<void>;
}

export async function createCloudServices(options: CloudServicesOptions): Promise<CloudResult<CloudServices>> {
  let cipher = options.cipher;
  if (!cipher) {
    const fileCipher = await openVaultCipher({ dataDir: options.dataDir });
    if (!fileCipher.ok) return cloudFail('CLOUD_VAULT', fileCipher.error.message, { error_code: fileCipher.error.code });
    cipher = fileCipher.value;
  }
  const vault = await FileSecretVault.open(path.join(options.dataDir, VAULT_FILE_NAME), cipher);
  if (!vault.ok) return cloudFail('CLOUD_VAULT', vault.error.message, { error_code: vault.error.code });
  const workspaces = await WorkspaceRegistry.open({
    file: path.join(options.dataDir, 'workspaces.json'),
    vault: vault.value,
    local: { baseUrl: options.local.baseUrl, auth: options.local.auth },
    ...(options.cliCommand ? { cliCommand: options.cliCommand } : {}),
  });
  if (!workspaces.ok) return workspaces;
  const registry = workspaces.value;
  const userNames = new Map<string, string>();
  const pools = new EndpointPools({
    ...(options.local.caCertPem && { loopbackCa: options.local.caCertPem }),
    clientFor: (id) => registry.client(id),
    identityFor: async (id) => {
      if (id === LOCAL_WORKSPACE_ID) return cloudOk(options.local.identity);
      const known = userNames.get(id);
      if (known) return cloudOk(known);
      const client = await registry.client(id);
      if (!client.ok) return client;
      const name = await client.value.currentUserName();
      if (name.ok) userNames.set(id, name.value);
      return name;
    },
  });
  const operations = new OperationTracker();
  const stopOnRemove = registry.onDidRemoveWorkspace((id) => {
    userNames.delete(id);
    operations.stopAll(id);
    void pools.closeWorkspace(id);
  });
  // New credentials may name another identity, and pools hold the old management client.
  const stopOnSignIn = registry.onDidChangeSignIn((id) => {
    userNames.delete(id);
    void pools.closeWorkspace(id);
  });
  const stopListening = () => {
    stopOnRemove();
    stopOnSignIn();
  };
  return cloudOk({
    vault: vault.value,
    workspaces: registry,
    pools,
    operations,
    async dispose() {
      stopListening();
      operations.stopAll();
      await pools.dispose();
    },
  });
}
