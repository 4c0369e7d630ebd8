import net from 'node:net';
import tls from 'node:tls';
import { Duplex } from 'node:stream';
import type { EndpointLease } from '../runtime/endpointRuntime';
import type { KeyAndCertificate } from '../tls/certificates';
import { PIER_OWN_ROLES, POSTMASTER_SERVER_NAME } from '../tls/postmasterAccess';
import type { CredentialTokens } from './credentialTokens';
import { PacketReader, PacketReadError } from './packetReader';
import {
  cleartextPasswordRequest,
  endpointFromServerName,
  fatalError,
  MAX_STARTUP_PACKET,
  parseFirstPacket,
  parsePasswordMessage,
  SSL_REQUEST_CODE,
  takeEndpointOption,
  type ErrorFields,
  type FirstPacket,
} from './protocol';
import { matchesScramVerifier } from './scramVerifier';

/** An endpoint as the proxy routes to it. */
export interface ProxyEndpoint {
  /** `projects/p/branches/b/endpoints/e`. */
  readonly name: string;
  /** `ep-…`: the first label of its host name, and what `options=endpoint=` names. */
  readonly uid: string;
  readonly projectUid: string;
  /** The project's `enable_pg_native_login`: Postgres passwords are accepted besides credentials. */
  readonly nativeLogin: boolean;
}

export type OpenedEndpoint = { readonly ok: true; readonly lease: EndpointLease } | ({ readonly ok: false } & ErrorFields);

/** What the proxy asks of the control plane (implemented over its records and endpoint runtimes). */
export interface IEndpointDirectory {
  findByUid(uid: string): ProxyEndpoint | undefined;
  findByName(name: string): ProxyEndpoint | undefined;
  /** Wakes the endpoint if it is suspended and holds it awake until the lease is released; `onCut` if it is suspended meanwhile. */
  open(endpoint: ProxyEndpoint, onCut: () => void): Promise<OpenedEndpoint>;
  /** The role's stored password verifier (`pg_authid.rolpassword`) on the endpoint, for native login. */
  passwordVerifier(endpoint: ProxyEndpoint, role: string): Promise<string | undefined>;
}

export interface PostgresProxyOptions {
  readonly directory: IEndpointDirectory;
  readonly credentials: CredentialTokens;
  /** The proxy's TLS identity (signed by the local CA users trust). */
  readonly server: KeyAndCertificate;
  /** What the proxy presents to postmasters, and the authority their certificates chain to. */
  readonly postmaster: { readonly keyPem: string; readonly certPem: string; readonly caPem: string };
  readonly log?: (line: string) => void;
  /** The clock credentials are checked against (tests look ahead). */
  readonly now?: () => number;
  /** A client must finish logging in within this long. Default 60 s, as PostgreSQL's authentication_timeout. */
  readonly handshakeTimeoutMs?: number;
}

const MAX_PASSWORD_MESSAGE = 64 * 1024;
/** A TLS record starts with 0x16 (handshake): a client using `sslnegotiation=direct` (PostgreSQL 17+). */
const TLS_HANDSHAKE_BYTE = 0x16;

/**
 * Pier's Postgres proxy, as Lakebase and Neon front their computes: one loopback port for every
 * local endpoint. It terminates TLS (the client sends `sslmode=require`, or verifies the local CA
 * with `verify-full`), asks for the password in the clear over that TLS, checks it as a database
 * credential (or, where the project allows Postgres passwords, against the role's verifier), routes
 * by the TLS server name (`ep-<uid>.database.localhost`), an `options=endpoint=ep-<uid>` parameter, or else
 * the endpoint the credential was issued for, wakes a suspended endpoint, logs in to its postmaster
 * with Pier's client certificate, and from then on relays bytes untouched.
 *
 * Not pg-protocol: it parses what a server sends and serializes protocol 3.0 client messages, while
 * the proxy reads what a client sends and passes the client's protocol version (3.2 included) on.
 */
export class PostgresProxy {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket | tls.TLSSocket>();
  /** `pid:secret` of relayed sessions → the postmaster port, to forward cancel requests. */
  private readonly cancelKeys = new Map<string, number>();
  private readonly secureContext: tls.SecureContext;
  private portValue: number | undefined;
  private closed = false;

  constructor(private readonly options: PostgresProxyOptions) {
    this.secureContext = tls.createSecureContext({ key: options.server.keyPem, cert: options.server.certPem, minVersion: 'TLSv1.2' });
  }

  get port(): number {
    if (this.portValue === undefined) throw new Error('The Postgres proxy is not listening.');
    return this.portValue;
  }

  /**
   * Listens on 127.0.0.1 and ::1 (where the machine has IPv6) at the first of `ports` free on
   * both, so `localhost` reaches the proxy whichever address a client tries first; 0 = any port.
   */
  async listen(ports: readonly number[]): Promise<number> {
    for (const port of [...ports, 0]) {
      const bound = await this.tryListen(port);
      if (bound !== undefined) {
        this.portValue = bound;
        return bound;
      }
    }
    throw new Error('No port could be opened for the Postgres proxy.');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private async tryListen(port: number): Promise<number | undefined> {
    const v4 = await bind('127.0.0.1', port, (s) => void this.accept(s));
    if (!v4.ok) {
      if (v4.code === 'EADDRINUSE' || v4.code === 'EACCES') return undefined;
      throw v4.error;
    }
    const chosen = (v4.server.address() as net.AddressInfo).port;
    const v6 = await bind('::1', chosen, (s) => void this.accept(s));
    if (!v6.ok && (v6.code === 'EADDRINUSE' || v6.code === 'EACCES')) {
      // Another server has this port on ::1: `localhost` could reach it instead of us.
      await new Promise<void>((resolve) => v4.server.close(() => resolve()));
      return undefined;
    }
    this.servers.push(v4.server);
    if (v6.ok) this.servers.push(v6.server);
    return chosen;
  }

  private async accept(raw: net.Socket): Promise<void> {
    if (this.closed) {
      raw.destroy();
      return;
    }
    raw.setNoDelay(true);
    this.track(raw);
    const timer = setTimeout(() => raw.destroy(), this.options.handshakeTimeoutMs ?? 60_000);
    timer.unref();
    try {
      await this.handshake(raw);
    } catch (err) {
      if (!(err instanceof PacketReadError)) this.options.log?.(`Postgres proxy: ${(err as Error).message}`);
      raw.destroy();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Everything up to the relay: TLS, the startup message, the password, the postmaster. */
  private async handshake(raw: net.Socket): Promise<void> {
    let reader = new PacketReader(raw);
    let secure: tls.TLSSocket | undefined;
    let client: Duplex = raw;
    for (;;) {
      if (!secure && (await reader.peek(1))[0] === TLS_HANDSHAKE_BYTE) {
        secure = await this.startTls(raw, reader.detach(), true);
        client = secure;
        reader = new PacketReader(secure);
        continue;
      }
      const packet: FirstPacket = parseFirstPacket(await reader.readUntyped(MAX_STARTUP_PACKET));
      switch (packet.kind) {
        case 'ssl-request': {
          if (secure) return refuse(client, { code: '08P01', message: 'SSLRequest received over TLS.' });
          const early = reader.detach();
          if (early.length > 0) return refuse(client, { code: '08P01', message: 'Data arrived before the TLS handshake.' });
          raw.write('S');
          secure = await this.startTls(raw, undefined, false);
          client = secure;
          reader = new PacketReader(secure);
          continue;
        }
        case 'gssenc-request':
          if (secure) return refuse(client, { code: '08P01', message: 'GSSENCRequest received over TLS.' });
          client.write('N');
          continue;
        case 'cancel':
          reader.detach();
          this.forwardCancel(packet);
          client.end();
          return;
        case 'invalid':
          return refuse(client, { code: '08P01', message: packet.message });
        case 'startup':
          if (!secure) {
            return refuse(client, {
              code: '28000',
              message: 'Connections to Pier endpoints require SSL.',
              hint: 'Connect with sslmode=require (or verify-full with the local CA), as Lakebase requires.',
            });
          }
          return this.login(secure, reader, packet.protocol, packet.params);
      }
    }
  }

  private async startTls(raw: net.Socket, pending: Buffer | undefined, direct: boolean): Promise<tls.TLSSocket> {
    // Bytes already read (a direct TLS ClientHello) are replayed through a stream wrapper.
    const transport = pending && pending.length > 0 ? replaying(raw, pending) : raw;
    const secure = new tls.TLSSocket(transport, {
      isServer: true,
      secureContext: this.secureContext,
      // PostgreSQL 17+ clients offer ALPN "postgresql", and require it for direct TLS.
      ALPNProtocols: ['postgresql'],
    });
    this.track(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('error', (err) => reject(new PacketReadError(`TLS handshake failed: ${err.message}`)));
      secure.once('close', () => reject(new PacketReadError('The connection closed during the TLS handshake.')));
    });
    if (direct && secure.alpnProtocol !== 'postgresql') throw new PacketReadError('Direct TLS without ALPN "postgresql".');
    return secure;
  }

  private async login(client: tls.TLSSocket, reader: PacketReader, protocol: number, params: ReadonlyMap<string, string>): Promise<void> {
    const user = params.get('user') ?? '';
    if ((PIER_OWN_ROLES as readonly string[]).includes(user)) {
      return refuse(client, {
        code: '28000',
        message: `Role "${user}" is Pier's own and does not log in through endpoints.`,
        hint: 'Connect as your identity with a database credential (POST /api/2.0/postgres/credentials) as the password.',
      });
    }
    const { endpoint: fromOptions, rest: options } = takeEndpointOption(params.get('options'));
    const asked = fromOptions ?? endpointFromServerName(client.servername);
    let target = asked === undefined ? undefined : this.options.directory.findByUid(asked);
    if (asked !== undefined && !target) {
      return refuse(client, {
        code: '08004',
        message: `Endpoint "${asked}" does not exist.`,
        hint: 'Copy the host from the endpoint (status.hosts.host).',
      });
    }

    client.write(cleartextPasswordRequest());
    const message = await reader.readTyped(MAX_PASSWORD_MESSAGE);
    const password = message.type === 'p' ? parsePasswordMessage(message.body) : undefined;
    if (password === undefined) return refuse(client, { code: '08P01', message: 'Expected a password message.' });

    const failed = (detail?: string, hint?: string) =>
      refuse(client, {
        code: '28P01',
        message: `password authentication failed for user "${user}"`,
        ...(detail && { detail }),
        ...(hint && { hint }),
      });
    const credential = await this.options.credentials.verify(password, this.options.now?.() ?? Date.now());
    if (credential.ok) {
      if (credential.identity !== user)
        return failed(
          `The credential was issued to "${credential.identity}".`,
          `Connect as "${credential.identity}", or get a credential as "${user}".`,
        );
      target ??= this.options.directory.findByName(credential.endpoint);
      if (!target)
        return refuse(client, {
          code: '08004',
          message: `Endpoint ${credential.endpoint}, which the credential was issued for, does not exist.`,
        });
      if (target.projectUid !== credential.projectUid)
        return failed('The credential was issued for an endpoint of another project.', `Get a credential for ${target.name}.`);
    } else if (credential.reason === 'expired') {
      return failed(
        `The credential expired at ${credential.expiredAt.toISOString()}.`,
        'Get a new one: POST /api/2.0/postgres/credentials, or databricks postgres generate-database-credential.',
      );
    } else {
      if (!target) {
        return failed(
          'The password is not a database credential of this Pier.',
          'Use a token from POST /api/2.0/postgres/credentials as the password. A Postgres password (native login) also needs the endpoint named: options=endpoint=ep-<uid>, or host ep-<uid>.database.localhost.',
        );
      }
      if (!target.nativeLogin)
        return failed(
          'The password is not a database credential, and Postgres password login is off for this project (enable_pg_native_login).',
        );
      const verifier = await this.options.directory.passwordVerifier(target, user);
      if (!(await matchesScramVerifier(password, verifier))) return failed();
    }

    const forward = new Map(params);
    if (options === undefined) forward.delete('options');
    else forward.set('options', options);
    forward.set('database', params.get('database') ?? user);
    await this.relay(client, reader, target, protocol, forward);
  }

  /** Logs in to the endpoint's postmaster as the user, passes its answers on, then relays. */
  private async relay(
    client: tls.TLSSocket,
    clientReader: PacketReader,
    target: ProxyEndpoint,
    protocol: number,
    params: ReadonlyMap<string, string>,
  ): Promise<void> {
    let upstream: tls.TLSSocket | undefined;
    let raw: net.Socket | undefined;
    const cut = () => {
      client.destroy();
      upstream?.destroy();
      raw?.destroy();
    };
    const opened = await this.options.directory.open(target, cut);
    if (!opened.ok) return refuse(client, opened);
    const lease = opened.lease;
    client.once('close', () => {
      upstream?.destroy();
      raw?.destroy();
      lease.release();
    });
    if (client.destroyed) return lease.release();
    let cancelKey: string | undefined;
    try {
      raw = net.connect(lease.port, '127.0.0.1');
      raw.setNoDelay(true);
      this.track(raw);
      await new Promise<void>((resolve, reject) => {
        raw!.once('connect', resolve);
        raw!.once('error', reject);
      });
      const sslRequest = Buffer.alloc(8);
      sslRequest.writeInt32BE(8, 0);
      sslRequest.writeInt32BE(SSL_REQUEST_CODE, 4);
      raw.write(sslRequest);
      const rawReader = new PacketReader(raw);
      const answer = (await rawReader.readBytes(1)).toString('latin1');
      rawReader.detach();
      if (answer !== 'S') throw new Error(`the postmaster on port ${lease.port} does not offer TLS`);
      upstream = tls.connect({
        socket: raw,
        ca: this.options.postmaster.caPem,
        key: this.options.postmaster.keyPem,
        cert: this.options.postmaster.certPem,
        servername: POSTMASTER_SERVER_NAME,
      });
      this.track(upstream);
      await new Promise<void>((resolve, reject) => {
        upstream!.once('secureConnect', resolve);
        upstream!.once('error', reject);
      });
      upstream.write(startupMessage(protocol, params));
      const reader = new PacketReader(upstream);
      for (;;) {
        const m = await reader.readTyped(1024 * 1024);
        if (m.type === 'R' && (m.body.length < 4 || m.body.readInt32BE(0) !== 0)) {
          throw new Error(`the postmaster of ${target.name} asked for a password instead of accepting Pier's certificate`);
        }
        if (m.type === 'K' && m.body.length >= 8) {
          cancelKey = `${m.body.readInt32BE(0)}:${m.body.subarray(4).toString('hex')}`;
          this.cancelKeys.set(cancelKey, lease.port);
        }
        client.write(m.raw);
        if (m.type === 'E') {
          client.end();
          return;
        }
        if (m.type === 'Z') break;
      }
      const fromServer = reader.detach();
      const fromClient = clientReader.detach();
      if (fromServer.length > 0) client.write(fromServer);
      if (fromClient.length > 0) upstream.write(fromClient);
    } catch (err) {
      if (cancelKey) this.cancelKeys.delete(cancelKey);
      if (client.destroyed) return;
      this.options.log?.(`Postgres proxy: could not reach ${target.name}: ${(err as Error).message}`);
      return refuse(client, {
        code: '08006',
        message: `Could not reach endpoint ${target.uid}: ${(err as Error).message}.`,
        hint: 'Try again; if it persists, see Pier\u2019s log.',
      });
    }
    const up = upstream;
    up.once('close', () => {
      if (cancelKey) this.cancelKeys.delete(cancelKey);
      client.destroy();
    });
    up.on('error', () => up.destroy());
    client.on('error', () => client.destroy());
    client.pipe(up);
    up.pipe(client);
    client.resume();
    up.resume();
  }

  private forwardCancel(packet: Extract<FirstPacket, { kind: 'cancel' }>): void {
    const port = this.cancelKeys.get(`${packet.processId}:${packet.secretKey.toString('hex')}`);
    // Unknown keys are ignored without a word, as PostgreSQL does.
    if (port === undefined) return;
    const s = net.connect(port, '127.0.0.1', () => s.end(packet.raw));
    s.on('error', () => s.destroy());
  }

  private track(s: net.Socket | tls.TLSSocket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }
}

/** A StartupMessage with the client's protocol version and parameters. */
function startupMessage(protocol: number, params: ReadonlyMap<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of params) parts.push(Buffer.from(k, 'utf8'), Buffer.alloc(1), Buffer.from(v, 'utf8'), Buffer.alloc(1));
  parts.push(Buffer.alloc(1));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(protocol, 4);
  return Buffer.concat([head, body]);
}

function refuse(client: Duplex, fields: ErrorFields): void {
  client.end(fatalError(fields));
}

async function bind(
  host: string,
  port: number,
  onConnection: (s: net.Socket) => void,
): Promise<{ ok: true; server: net.Server } | { ok: false; code: string; error: Error }> {
  const server = net.createServer(onConnection);
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code ?? '', error }));
    server.listen({ host, port, ipv6Only: host === '::1' }, () => {
      server.removeAllListeners('error');
      server.on('error', () => undefined);
      resolve({ ok: true, server });
    });
  });
}

/** `socket` with `first` read again before anything else, for a TLS socket to wrap. */
function replaying(socket: net.Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(err, callback) {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', (err) => stream.destroy(err));
  return stream;
}
