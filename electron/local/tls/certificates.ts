/**
 * X.509 certificates for Pier's local TLS: certificate authorities and the certificates they sign.
 *
 * Made with @peculiar/x509 over Node's WebCrypto (ECDSA P-256: keys and signatures in
 * milliseconds, where a pure-JavaScript RSA library takes a second per key), so no `openssl`
 * program is needed on the user's machine. @peculiar/x509 resolves its parts through tsyringe,
 * which needs the Reflect metadata polyfill loaded first: hence the import order below.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints, id_ce_nameConstraints } from '@peculiar/asn1-x509';
import { X509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600_000;

/** A private key and its certificate, both PEM. */
export interface KeyAndCertificate {
  readonly keyPem: string;
  readonly certPem: string;
}

export interface AuthorityRequest {
  /** The subject, e.g. `CN=Pier Local CA, O=Pier`. */
  readonly subject: string;
  readonly validDays: number;
  /**
   * What the authority may vouch for (RFC 5280 name constraints, marked critical): a client that
   * trusts it trusts it for these names only, so its key could never impersonate another site.
   */
  readonly permitted?: { readonly dnsNames: readonly string[]; readonly ipRanges: readonly string[] };
}

export interface CertificateRequest {
  readonly commonName: string;
  readonly purpose: 'server' | 'client';
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly validDays: number;
}

/** A self-signed certificate authority. */
export async function createCertificateAuthority(request: AuthorityRequest, now = new Date()): Promise<KeyAndCertificate> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (request.permitted) extensions.push(nameConstraints(request.permitted));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: request.subject,
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + request.validDays * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  return { keyPem: await exportKey(keys.privateKey), certPem: cert.toString('pem') };
}

/** A certificate for a server or a client, signed by `authority`. */
export async function issueCertificate(
  authority: KeyAndCertificate,
  request: CertificateRequest,
  now = new Date(),
): Promise<KeyAndCertificate> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const caCert = new x509.X509Certificate(authority.certPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', pkcs8Der(authority.keyPem), ALGORITHM, false, ['sign']);
  const names = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [request.purpose === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${escapeDnValue(request.commonName)}`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + request.validDays * DAY_MS),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  return { keyPem: await exportKey(keys.privateKey), certPem: cert.toString('pem') };
}

/**
 * Whether `cert` was signed by `authority`, is valid for at least `minValidDays` more, and
 * covers every name asked for (so a stored certificate can be kept or must be made anew).
 */
export function isCurrent(
  cert: KeyAndCertificate,
  authority: KeyAndCertificate,
  want: { readonly dnsNames?: readonly string[]; readonly ipAddresses?: readonly string[]; readonly minValidDays: number },
  now = new Date(),
): boolean {
  try {
    const c = new X509Certificate(cert.certPem);
    const ca = new X509Certificate(authority.certPem);
    if (!c.checkIssued(ca) || !c.verify(ca.publicKey)) return false;
    if (!c.checkPrivateKey(createPrivateKey(cert.keyPem))) return false;
    if (Date.parse(c.validTo) - now.getTime() < want.minValidDays * DAY_MS) return false;
    if (!(want.dnsNames ?? []).every((n) => c.checkHost(n, { wildcards: true }) !== undefined)) return false;
    return (want.ipAddresses ?? []).every((ip) => c.checkIP(ip) !== undefined);
  } catch {
    return false;
  }
}

/** Whether a PEM certificate stays valid for at least `minValidDays` more. */
export function isValidFor(certPem: string, minValidDays: number, now = new Date()): boolean {
  try {
    return Date.parse(new X509Certificate(certPem).validTo) - now.getTime() >= minValidDays * DAY_MS;
  } catch {
    return false;
  }
}

function nameConstraints(permitted: { readonly dnsNames: readonly string[]; readonly ipRanges: readonly string[] }): x509.Extension {
  const subtrees = new GeneralSubtrees([
    ...permitted.dnsNames.map((dNSName) => new GeneralSubtree({ base: new GeneralName({ dNSName }) })),
    ...permitted.ipRanges.map((iPAddress) => new GeneralSubtree({ base: new GeneralName({ iPAddress }) })),
  ]);
  const value = AsnConvert.serialize(new NameConstraints({ permittedSubtrees: subtrees }));
  return new x509.Extension(id_ce_nameConstraints, true, value);
}

/** A positive 128-bit serial number (the high bit clear, as DER integers are signed). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`;
}

function pkcs8Der(pem: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' }));
}

/** RFC 4514 escaping of an attribute value (role names may hold any character). */
function escapeDnValue(value: string): string {
  return value.replace(/[\\,+"<>;=]/g, '\\$&').replace(/^[ #]|[ ]$/g, '\\$&');
}
