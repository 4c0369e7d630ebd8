import path from 'node:path';
import { mkdir, readFile, realpath } from 'node:fs/promises';
import { writeFileAtomic } from '../../files/writeFileAtomic';
import { placeClusterFolder } from '../postgres/clusterFolder';
import { chownTree, type RunAs } from '../postgres/runAs';
import { createCertificateAuthority, isCurrent, isValidFor, issueCertificate, type KeyAndCertificate } from './certificates';
import { readPair } from './localCertificateAuthority';

/** The common name of the proxy's client certificate; the ident map lets it log in as any role. */
export const PROXY_CLIENT_NAME = 'pier-proxy';
/** The name the proxy checks the postmasters' server certificate against. */
export const POSTMASTER_SERVER_NAME = 'pier-postmaster';
/** Pier's own login roles, which log in with passwords only Pier holds. */
export const PIER_OWN_ROLES = ['postgres', 'authenticator'] as const;

const CA_VALID_DAYS = 3650;
const CERT_VALID_DAYS = 825;
const RENEW_BEFORE_DAYS = 30;

/**
 * What lets a postmaster be reached only by Pier. Every cluster starts with these settings: TLS on,
 * and an authentication file of Pier's (not the cluster's own pg_hba.conf) that admits
 *  - `postgres` and `authenticator` with their passwords (Pier's own secrets; main's pools, copies and standbys), and
 *  - everyone else only over TLS with a client certificate from Pier's private authority, which
 *    only the Postgres proxy holds (it has checked the credential token or password first).
 * A user's own role has no password a postmaster would accept, so the proxy is the only way in.
 */
export interface PostmasterAccess {
  /** `-c` settings for every postmaster start. */
  readonly settings: Readonly<Record<string, string>>;
  /** What the proxy presents to postmasters, and the authority their certificates chain to. */
  readonly client: { readonly keyPem: string; readonly certPem: string; readonly caPem: string };
}

export const PG_HBA = `# Written by Pier at every start; postmasters read this file (hba_file), not pgdata/pg_hba.conf.
# Pier's own logins, with passwords only Pier holds: the superuser and the Data API's authenticator.
host    all          ${PIER_OWN_ROLES.join(',')}  127.0.0.1/32  scram-sha-256
host    replication  postgres                127.0.0.1/32  scram-sha-256
# Everyone else arrives through Pier's Postgres proxy, which presents Pier's client certificate.
hostssl all          all                     127.0.0.1/32  cert map=pier
`;

export const PG_IDENT = `# Written by Pier at every start (ident_file): Pier's proxy certificate may log in as any role
# (pg_hba.conf sends Pier's own roles to password logins before this applies).
pier    ${PROXY_CLIENT_NAME}    /^.*$
`;

/**
 * Makes (once per data folder) or loads the private authority and certificates, writes the
 * authentication files, and returns the settings. Idempotent: the embedded default and the
 * control plane both call it.
 */
export async function preparePostmasterAccess(dataDir: string, runAs: RunAs): Promise<PostmasterAccess> {
  const secrets = path.join(dataDir, 'secrets');
  await mkdir(secrets, { recursive: true, mode: 0o700 });
  // The postmasters read these files, so they go where a cluster's own folder goes: reachable by
  // the run-as user without opening the (private) data folder (under the system root, linked).
  await placeClusterFolder(path.join(dataDir, 'postmaster'), runAs);
  const folder = await realpath(path.join(dataDir, 'postmaster'));

  let ca = await readPair(path.join(secrets, 'postmaster-ca.key'), path.join(secrets, 'postmaster-ca.crt'));
  const newAuthority = !ca || !isValidFor(ca.certPem, RENEW_BEFORE_DAYS);
  if (!ca || newAuthority) {
    ca = await createCertificateAuthority({ subject: 'CN=Pier postmaster CA, O=Pier', validDays: CA_VALID_DAYS });
    await writeFileAtomic(path.join(secrets, 'postmaster-ca.key'), ca.keyPem, 0o600);
    await writeFileAtomic(path.join(secrets, 'postmaster-ca.crt'), ca.certPem, 0o600);
  }
  const client = await keepOrIssue(path.join(secrets, 'postmaster-client.key'), path.join(secrets, 'postmaster-client.crt'), ca, {
    commonName: PROXY_CLIENT_NAME,
    purpose: 'client',
  });
  const server = await keepOrIssue(path.join(folder, 'server.key'), path.join(folder, 'server.crt'), ca, {
    commonName: POSTMASTER_SERVER_NAME,
    purpose: 'server',
    dnsNames: [POSTMASTER_SERVER_NAME],
  });
  await writeIfChanged(path.join(folder, 'ca.crt'), ca.certPem);
  await writeIfChanged(path.join(folder, 'pg_hba.conf'), PG_HBA);
  await writeIfChanged(path.join(folder, 'pg_ident.conf'), PG_IDENT);
  // PostgreSQL insists that its key be its own and private (0600); the rest it only reads.
  await chownTree(folder, runAs);
  void server;
  return {
    settings: {
      ssl: 'on',
      ssl_cert_file: path.join(folder, 'server.crt'),
      ssl_key_file: path.join(folder, 'server.key'),
      ssl_ca_file: path.join(folder, 'ca.crt'),
      hba_file: path.join(folder, 'pg_hba.conf'),
      ident_file: path.join(folder, 'pg_ident.conf'),
    },
    client: { keyPem: client.keyPem, certPem: client.certPem, caPem: ca.certPem },
  };
}

async function keepOrIssue(
  keyFile: string,
  certFile: string,
  ca: KeyAndCertificate,
  request: { commonName: string; purpose: 'server' | 'client'; dnsNames?: string[] },
): Promise<KeyAndCertificate> {
  const existing = await readPair(keyFile, certFile);
  const wanted = { dnsNames: request.dnsNames ?? [], minValidDays: RENEW_BEFORE_DAYS };
  if (existing && isCurrent(existing, ca, wanted)) return existing;
  const made = await issueCertificate(ca, { ...request, validDays: CERT_VALID_DAYS });
  await writeFileAtomic(keyFile, made.keyPem, 0o600);
  await writeFileAtomic(certFile, made.certPem, 0o600);
  return made;
}

async function writeIfChanged(file: string, text: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== text) await writeFileAtomic(file, text, 0o600);
}
