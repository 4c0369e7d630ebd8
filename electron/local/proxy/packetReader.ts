import type { Duplex } from 'node:stream';

/** A read that cannot complete: the peer closed, sent too much, or took too long. */
export class PacketReadError extends Error {
  override name = 'PacketReadError';
}

/**
 * Reads length-prefixed protocol packets from a stream during the handshake, then hands the
 * stream back (`detach`) with whatever arrived beyond the last packet, for relaying.
 */
export class PacketReader {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private ended: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.wake();
  };
  private readonly onEnd = () => this.fail(new PacketReadError('The connection closed during the handshake.'));
  private readonly onError = (err: Error) => this.fail(new PacketReadError(`The connection failed during the handshake: ${err.message}`));

  constructor(private readonly stream: Duplex) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /** A packet with no type byte (startup phase): int32 length (itself included), then the body. */
  async readUntyped(maxLength: number): Promise<Buffer> {
    await this.need(4);
    const length = this.buffered.readInt32BE(0);
    if (length < 4 || length > maxLength) throw new PacketReadError(`Invalid packet length ${length}.`);
    return this.take(length);
  }

  /** A typed message: one type byte, int32 length (itself included), then the body. */
  async readTyped(maxLength: number): Promise<{ type: string; body: Buffer; raw: Buffer }> {
    await this.need(5);
    const length = this.buffered.readInt32BE(1);
    if (length < 4 || length > maxLength) throw new PacketReadError(`Invalid message length ${length}.`);
    const raw = await this.take(length + 1);
    return { type: String.fromCharCode(raw[0]!), body: raw.subarray(5), raw };
  }

  /** The next `n` bytes, left unread. */
  async peek(n: number): Promise<Buffer> {
    await this.need(n);
    return this.buffered.subarray(0, n);
  }

  /** Exactly `n` bytes. */
  async readBytes(n: number): Promise<Buffer> {
    return this.take(n);
  }

  /** Stops reading and returns the bytes that arrived beyond what was read. */
  detach(): Buffer {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    this.stream.pause();
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  private async take(n: number): Promise<Buffer> {
    await this.need(n);
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  private async need(n: number): Promise<void> {
    while (this.buffered.length < n) {
      if (this.ended) throw this.ended;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  private fail(err: Error): void {
    this.ended ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}
