/**
 * The few PostgreSQL wire-protocol messages the proxy reads and writes itself before it relays
 * bytes: the client's first packets (SSL/GSS/cancel requests, the startup message, the password)
 * and the server's replies it makes up (a password request, an error). Everything after log-in is
 * relayed untouched. Frontend messages are parsed here because pg-protocol parses only what a
 * server sends; the startup message to the postmaster is serialized with pg-protocol.
 */

export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
/** PostgreSQL refuses startup packets longer than this (MAX_STARTUP_PACKET_LENGTH). */
export const MAX_STARTUP_PACKET = 10_000;

/** The first packet of a connection (no type byte: length, then a code or protocol version). */
export type FirstPacket =
  | { readonly kind: 'ssl-request' }
  | { readonly kind: 'gssenc-request' }
  | { readonly kind: 'cancel'; readonly processId: number; readonly secretKey: Buffer; readonly raw: Buffer }
  | { readonly kind: 'startup'; readonly protocol: number; readonly params: ReadonlyMap<string, string> }
  | { readonly kind: 'invalid'; readonly message: string };

/** Parses a whole first packet (its length prefix included). */
export function parseFirstPacket(packet: Buffer): FirstPacket {
  if (packet.length < 8) return { kind: 'invalid', message: 'The startup packet is too short.' };
  const code = packet.readInt32BE(4);
  if (code === SSL_REQUEST_CODE) return packet.length === 8 ? { kind: 'ssl-request' } : invalid('SSLRequest');
  if (code === GSSENC_REQUEST_CODE) return packet.length === 8 ? { kind: 'gssenc-request' } : invalid('GSSENCRequest');
  if (code === CANCEL_REQUEST_CODE) {
    // Protocol 3.2 (PostgreSQL 18) allows longer secret keys than the 4 bytes of 3.0.
    if (packet.length < 16 || packet.length > 8 + 4 + 256) return invalid('CancelRequest');
    return { kind: 'cancel', processId: packet.readInt32BE(8), secretKey: Buffer.from(packet.subarray(12)), raw: Buffer.from(packet) };
  }
  const major = code >>> 16;
  if (major !== 3)
    return { kind: 'invalid', message: `Unsupported frontend protocol ${major}.${code & 0xffff}: this server supports 3.0.` };
  const params = new Map<string, string>();
  let at = 8;
  for (;;) {
    const keyEnd = packet.indexOf(0, at);
    if (keyEnd < 0) return invalid('startup message');
    if (keyEnd === at) break; // the terminating empty name
    const valueEnd = packet.indexOf(0, keyEnd + 1);
    if (valueEnd < 0) return invalid('startup message');
    const key = packet.toString('utf8', at, keyEnd);
    if (params.has(key)) return { kind: 'invalid', message: `The startup message names "${key}" twice.` };
    params.set(key, packet.toString('utf8', keyEnd + 1, valueEnd));
    at = valueEnd + 1;
  }
  if (at !== packet.length - 1) return invalid('startup message');
  if (!params.get('user')) return { kind: 'invalid', message: 'No PostgreSQL user name specified in the startup packet.' };
  return { kind: 'startup', protocol: code, params };
}

const invalid = (what: string): FirstPacket => ({ kind: 'invalid', message: `Malformed ${what}.` });

/** The password in a PasswordMessage body (type 'p', after its length), or undefined if malformed. */
export function parsePasswordMessage(body: Buffer): string | undefined {
  if (body.length === 0 || body[body.length - 1] !== 0 || body.indexOf(0) !== body.length - 1) return undefined;
  return body.toString('utf8', 0, body.length - 1);
}

/** AuthenticationCleartextPassword: the password is sent in the clear, which is why TLS comes first. */
export function cleartextPasswordRequest(): Buffer {
  const b = Buffer.alloc(9);
  b.write('R', 0, 'latin1');
  b.writeInt32BE(8, 1);
  b.writeInt32BE(3, 5);
  return b;
}

export interface ErrorFields {
  /** SQLSTATE, e.g. 28P01. */
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

/** An ErrorResponse with severity FATAL (the connection ends after it). */
export function fatalError(fields: ErrorFields): Buffer {
  const parts: Buffer[] = [];
  const field = (type: string, value: string) => parts.push(Buffer.from(type, 'latin1'), Buffer.from(value, 'utf8'), Buffer.alloc(1));
  field('S', 'FATAL');
  field('V', 'FATAL');
  field('C', fields.code);
  field('M', fields.message);
  if (fields.detail) field('D', fields.detail);
  if (fields.hint) field('H', fields.hint);
  parts.push(Buffer.alloc(1));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/**
 * `options` without Neon's `endpoint=<id>` routing option, and that id. PostgreSQL splits
 * `options` on unescaped spaces (a backslash escapes the next character).
 */
export function takeEndpointOption(options: string | undefined): { endpoint: string | undefined; rest: string | undefined } {
  if (options === undefined) return { endpoint: undefined, rest: undefined };
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < options.length; i++) {
    const ch = options[i]!;
    if (ch === '\\' && i + 1 < options.length) {
      word += ch + options[++i];
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (word) words.push(word);
      word = '';
    } else {
      word += ch;
    }
  }
  if (word) words.push(word);
  let endpoint: string | undefined;
  const kept = words.filter((w) => {
    const m = /^endpoint=(.+)$/.exec(w);
    if (!m) return true;
    endpoint = m[1];
    return false;
  });
  return { endpoint, rest: kept.length > 0 ? kept.join(' ') : undefined };
}

/** The endpoint uid a TLS server name asks for: `ep-<uid>.database.localhost` (any name whose first label is `ep-…`). */
export function endpointFromServerName(serverName: string | false | undefined | null): string | undefined {
  if (!serverName) return undefined;
  const first = serverName.toLowerCase().split('.')[0] ?? '';
  return /^ep-[a-z0-9-]+$/.test(first) ? first : undefined;
}
