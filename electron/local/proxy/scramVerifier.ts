import { createHash, createHmac, pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/**
 * Whether `password` is the one a PostgreSQL SCRAM-SHA-256 verifier (`pg_authid.rolpassword`,
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`) was made from: the check a
 * postmaster makes during SCRAM, made here because the proxy receives the password in the clear
 * (over TLS) and logs in to the postmaster with its own certificate. RFC 5802 / RFC 7677.
 * Anything else (no password, an MD5 hash) is not a match.
 */
export async function matchesScramVerifier(password: string, verifier: string | null | undefined): Promise<boolean> {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(verifier ?? '');
  if (!m) return false;
  const iterations = Number(m[1]);
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
  const salt = Buffer.from(m[2]!, 'base64');
  const storedKey = Buffer.from(m[3]!, 'base64');
  const salted = await pbkdf2Async(Buffer.from(saslPrep(password), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const computed = createHash('sha256').update(clientKey).digest();
  return computed.length === storedKey.length && timingSafeEqual(computed, storedKey);
}

/**
 * PostgreSQL normalizes passwords with SASLprep before hashing; for the ASCII passwords nearly
 * everyone uses it changes nothing. Others are NFKC-normalized (SASLprep's core), which matches
 * PostgreSQL for ordinary text; exotic code points that SASLprep prohibits are used as given, as
 * PostgreSQL does when normalization fails.
 */
function saslPrep(password: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  return password.replace(/[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g, ' ').normalize('NFKC');
}
