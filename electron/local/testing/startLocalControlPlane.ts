import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmbeddedDefault, type EmbeddedDefault } from '../embeddedDefault';
import { createLocalIssuer, type LocalIssuer } from '../identity/localIssuer';
import { createControlPlane, type ControlPlane } from '../controlPlane/createControlPlane';

export interface LocalControlPlaneServer {
  /** `http://127.0.0.1:<port>/api/2.0/postgres`. */
  readonly managementApi: string;
  readonly origin: string;
  readonly ownerToken: string;
  readonly issuer: LocalIssuer;
  readonly controlPlane: ControlPlane;
  readonly embedded: EmbeddedDefault;
  close(): Promise<void>;
}

/**
 * The embedded default plus the control plane behind a plain node:http server on 127.0.0.1:0,
 * mounted where Pier's server mounts it (the management API and the Permissions API). For tests
 * and benchmarks.
 */
export async function startLocalControlPlane(
  dataDir: string,
  log?: (line: string) => void,
  /** The Postgres proxy's port to ask for; 0 (any free port) unless a test means Lakebase's 5432. */
  postgresPort = 0,
): Promise<LocalControlPlaneServer> {
  const embedded = await startEmbeddedDefault({ dataDir, lockDown: true });
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = await createLocalIssuer({ dataDir, issuerUrl: `${origin}/oidc` });
  const controlPlane = await createControlPlane({
    dataDir,
    issuer,
    embedded,
    log,
    postgresPort,
    dataApiUrl: ({ database }) => `${origin}/api/2.0/workspace/local/rest/${database}`,
  });
  const mount = '/api/2.0/postgres';
  const permissionsMount = '/api/2.0/permissions';
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin);
      const [prefix, handle] = url.pathname.startsWith(mount + '/')
        ? [mount, controlPlane.handle]
        : url.pathname.startsWith(permissionsMount + '/')
          ? [permissionsMount, controlPlane.handlePermissions]
          : [undefined, undefined];
      if (!prefix || !handle) {
        res.writeHead(404).end();
        return;
      }
      void handle
        .call(controlPlane, {
          method: req.method ?? 'GET',
          path: url.pathname.slice(prefix.length),
          rawQuery: url.search.slice(1),
          headers: req.headers,
          body: Buffer.concat(chunks),
        })
        .then((r) => res.writeHead(r.status, r.headers).end(r.body));
    });
  });
  return {
    managementApi: origin + mount,
    origin,
    ownerToken: await issuer.mintToken(issuer.owner),
    issuer,
    controlPlane,
    embedded,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await controlPlane.dispose();
      await embedded.dispose();
    },
  };
}
