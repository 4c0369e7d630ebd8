import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from './httpServer';

let app: FastifyInstance;
let port: number;
let uiDir: string;

beforeAll(async () => {
  uiDir = await mkdtemp(path.join(os.tmpdir(), 'pier-client-error-'));
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>Pier</title>');
  app = await createHttpServer({ uiDir, sessionSecret: 'x'.repeat(32), rpc: () => Promise.resolve({ ok: true, value: null }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await app?.close();
  await rm(uiDir, { recursive: true, force: true });
});

/** Sends raw bytes and reads everything until the server closes the connection. */
function exchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('requests the HTTP parser refuses', () => {
  it.each(['HEAD', 'GET'])('%s with headers over 16 KB: 431, status line and headers only', async (method) => {
    const answer = await exchange(
      `${method} /api/2.0/workspace/local/rest/db/public/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toBe('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  it('a broken request line: 400, no body', async () => {
    const answer = await exchange('NOT HTTP AT ALL\r\n\r\n');
    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
});
