import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../files/writeFileAtomic';
import { createCertificateAuthority, isCurrent, isValidFor, issueCertificate, type KeyAndCertificate } from './certificates';

/**
 * The names Pier's Postgres proxy answers to: `localhost`, loopback addresses, and per-endpoint
 * names for TLS routing, `ep-<uid>.database.localhost` (shaped like Lakebase's
 * `ep-<uid>.database.<region>.cloud.databricks.com`; Node accepts a wildcard only three labels
 * deep) or `ep-<uid>.localhost` (libpq).
 */
export const PROXY_DNS_NAMES = ['localhost', '*.localhost', '*.database.localhost'] as const;
export const PROXY_IP_ADDRESSES = ['127.0.0.1', '::1'] as const;

/** File names under the data folder; the CA certificate is the one file users are pointed at. */
export const LOCAL_CA_CERT_FILE = path.join('tls', 'pier-local-ca.crt');
const LOCAL_CA_KEY_FILE = path.join('secrets', 'local-ca.key');
const PROXY_CERT_FILE = path.join('tls', 'postgres-proxy.crt');
const PROXY_KEY_FILE = path.join('secrets', 'postgres-proxy.key');

const CA_VALID_DAYS = 3650;
/** Apple platforms refuse server certificates valid for more than 398 days. */
const SERVER_VALID_DAYS = 397;
/** A certificate with less left than this is made anew at start-up. */
const RENEW_BEFORE_DAYS = 30;

/**
 * The certificate authority users trust for `sslmode=verify-full` against local endpoints, and
 * the proxy's server certificate it signs. One per data folder: the CA's key stays in
 * `secrets/` (0600) and never leaves the main process; its certificate (public) is at
 * `tls/pier-local-ca.crt`. The CA may vouch for `localhost`, `*.localhost` and loopback addresses
 * only (name constraints), so trusting it never lets anything impersonate another site.
 */
export interface LocalCertificateAuthority {
  /** Absolute path of the CA certificate (PEM), for PGSSLROOTCERT, NODE_EXTRA_CA_CERTS and trust stores. */
  readonly caFile: string;
  readonly caCertPem: string;
  /** The proxy's TLS identity. */
  readonly server: KeyAndCertificate;
}

export async function openLocalCertificateAuthority(
  dataDir: string,
  log: (line: string) => void = () => undefined,
): Promise<LocalCertificateAuthority> {
  const file = (rel: string) => path.join(dataDir, rel);
  // Owner-only like everything in the data folder; the user's own tools read the CA from here.
  await mkdir(file('tls'), { recursive: true, mode: 0o700 });
  await mkdir(file('secrets'), { recursive: true, mode: 0o700 });
  let ca = await readPair(file(LOCAL_CA_KEY_FILE), file(LOCAL_CA_CERT_FILE));
  if (!ca || !isValidFor(ca.certPem, RENEW_BEFORE_DAYS)) {
    if (ca)
      log(
        `The local certificate authority expires within ${RENEW_BEFORE_DAYS} days; made a new one. Trust ${file(LOCAL_CA_CERT_FILE)} again.`,
      );
    ca = await createCertificateAuthority({
      subject: `CN=Pier Local CA (${safeHostName()} ${randomBytes(3).toString('hex')}), O=Pier`,
      validDays: CA_VALID_DAYS,
      permitted: { dnsNames: ['localhost'], ipRanges: ['127.0.0.0/8', '::1/128'] },
    });
    // The key first: a certificate on disk always has its key.
    await writeFileAtomic(file(LOCAL_CA_KEY_FILE), ca.keyPem, 0o600);
    await writeFileAtomic(file(LOCAL_CA_CERT_FILE), ca.certPem, 0o600);
  }
  const wanted = { dnsNames: [...PROXY_DNS_NAMES], ipAddresses: [...PROXY_IP_ADDRESSES], minValidDays: RENEW_BEFORE_DAYS };
  let server = await readPair(file(PROXY_KEY_FILE), file(PROXY_CERT_FILE));
  if (!server || !isCurrent(server, ca, wanted)) {
    server = await issueCertificate(ca, { commonName: 'localhost', purpose: 'server', ...wanted, validDays: SERVER_VALID_DAYS });
    await writeFileAtomic(file(PROXY_KEY_FILE), server.keyPem, 0o600);
    await writeFileAtomic(file(PROXY_CERT_FILE), server.certPem, 0o600);
  }
  return { caFile: file(LOCAL_CA_CERT_FILE), caCertPem: ca.certPem, server };
}

export async function readPair(keyFile: string, certFile: string): Promise<KeyAndCertificate | undefined> {
  try {
    return { keyPem: await readFile(keyFile, 'utf8'), certPem: await readFile(certFile, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The machine's name for the CA's subject (so a user can tell two Piers' CAs apart), in DN-safe characters. */
function safeHostName(): string {
  return (
    os
      .hostname()
      .replace(/[^A-Za-z0-9.-]/g, '')
      .slice(0, 40) || 'local'
  );
}
