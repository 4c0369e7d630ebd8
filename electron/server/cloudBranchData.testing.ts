/**
 * For integration tests of cloud branches: this very Pier added to itself as a "Databricks"
 * workspace (its local control plane over real HTTP, signed in with a personal access token), so
 * every call goes over the workspace's endpoint connections as the signed-in identity.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openUiSession } from './uiLink';
import { startPierServer, type PierServer } from './pierServer';

export const PROD = 'projects/local/branches/production';

export interface RpcAnswer {
  ok: boolean;
  value?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever the channel returns
  error?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const sessionCookies = new WeakMap<PierServer, Promise<string>>();

/** Calls a channel over the server's HTTP transport, as the renderer does in browser mode (one UI session per server). */
export async function rpc(server: PierServer, channel: string, input: unknown): Promise<RpcAnswer> {
  let cookie = sessionCookies.get(server);
  if (!cookie) sessionCookies.set(server, (cookie = openUiSession(server.readyInfo())));
  const res = await fetch(`${server.origin}/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: await cookie },
    body: JSON.stringify(input),
  });
  return (await res.json()) as RpcAnswer;
}

export interface CloudTestServer {
  readonly server: PierServer;
  /** The id of the workspace that is this server itself. */
  readonly workspaceId: string;
  /** A management-API call as the owner; waits for the operation it returns, if any. */
  manage(method: string, route: string, body?: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export async function startCloudTestServer(): Promise<CloudTestServer> {
  const uiDir = path.join(os.tmpdir(), 'pier-itest-ui');
  await mkdir(uiDir, { recursive: true });
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pier-cloud-data-'));
  const server = await startPierServer({ mode: 'browser', port: 0, dataDir, uiDir });
  const info = server.readyInfo();
  const added = await rpc(server, 'workspaces.add', { method: 'pat', host: server.origin, token: info.tokens.owner });
  if (!added.ok) throw new Error(`Adding the server as a workspace failed: ${JSON.stringify(added.error)}`);
  const auth = { authorization: `Bearer ${info.tokens.owner}` };
  return {
    server,
    workspaceId: added.value.id,
    async manage(method, route, body) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- operation or resource, read loosely
      let op: any = await (
        await fetch(`${info.managementApi}/${route}`, { method, headers: auth, ...(body !== undefined && { body: JSON.stringify(body) }) })
      ).json();
      if (!op?.name?.includes('/operations/')) return op;
      for (let i = 0; i < 600 && !op.done; i++) {
        await new Promise((r) => setTimeout(r, 100));
        op = await (await fetch(`${info.managementApi}/${op.name}`, { headers: auth })).json();
      }
      if (op.error) throw new Error(`${method} ${route} failed: ${JSON.stringify(op.error)}`);
      return op;
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
