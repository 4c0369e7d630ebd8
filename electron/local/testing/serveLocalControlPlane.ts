/**
 * `node serve.mjs <dataDir>`: runs the embedded default and the control plane, prints one JSON
 * line `{managementApi, ownerToken, origin}` when ready, and stops cleanly on SIGTERM/SIGINT.
 * Used by the crash test (which kill -9s it) and by the branch benchmark.
 */
import { startLocalControlPlane } from './startLocalControlPlane';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: serve <dataDir>\n');
  process.exit(2);
}
const server = await startLocalControlPlane(dataDir);
process.stdout.write(JSON.stringify({ managementApi: server.managementApi, ownerToken: server.ownerToken, origin: server.origin }) + '\n');
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
