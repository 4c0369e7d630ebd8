/**
 * node:http adapter: IncomingMessage → EngineRequest, EngineResponse → ServerResponse. The
 * server calls it from `/api/2.0/workspace/:workspaceId/rest/:database/*` with the path after
 * the database segment.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_MAX_BODY_BYTES, type Engine, type EngineRequest } from './engine';
import { bodyTooLarge } from './errors/pgrstErrors';
import { errorResponse } from './respond/toResponse';

/** Bounded so a client cannot exhaust memory; the engine checks its own (possibly lower) limit. */
const MAX_BODY_BYTES = DEFAULT_MAX_BODY_BYTES;

export function toEngineRequest(req: IncomingMessage, pathAfterDatabase: string, body?: Buffer): EngineRequest {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return {
    method: req.method ?? 'GET',
    path: pathAfterDatabase.startsWith('/') ? pathAfterDatabase : '/' + pathAfterDatabase,
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers,
    ...(body && body.length > 0 && { body }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export async function handleNodeRequest(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  pathAfterDatabase: string,
): Promise<void> {
  let body: Buffer | undefined;
  try {
    body = await readBody(req);
  } catch {
    const tooLarge = errorResponse(bodyTooLarge(`The limit is ${MAX_BODY_BYTES} bytes.`));
    res.writeHead(tooLarge.status, tooLarge.headers);
    res.end(tooLarge.body);
    return;
  }
  const response = await engine.handle(toEngineRequest(req, pathAfterDatabase, body));
  // The length, not chunks: every answer is whole in memory, and clients (and PostgREST's) expect it.
  const headers =
    response.status === 204 || response.status === 304 || req.method === 'HEAD'
      ? response.headers
      : { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) };
  res.writeHead(response.status, headers);
  res.end(req.method === 'HEAD' ? undefined : response.body);
}
