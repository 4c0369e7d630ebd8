/**
 * Answers a request node:http could not parse (headers over 16 KB, a broken request line). The
 * method is unknown at that point, and a body after a HEAD would be read as the next response,
 * so the answer is a status line and nothing more (what node:http itself writes); fastify's
 * default adds a JSON body.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

const STATUS_BY_CODE: ReadonlyMap<string, number> = new Map([
  ['HPE_HEADER_OVERFLOW', 431],
  ['ERR_HTTP_REQUEST_TIMEOUT', 408],
]);

export function writeClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const status = STATUS_BY_CODE.get(err.code ?? '') ?? 400;
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
