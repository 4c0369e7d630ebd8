import type { RpcError } from '../../shared/contract/result';
import { PierError } from './PierError';

/** Errno and SQLSTATE codes that mean Postgres could not be reached (or is going away). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

/**
 * The one mapping from anything thrown in main to the RpcError the renderer gets: Pier's own
 * errors as they are, Postgres' errors by SQLSTATE (as PG…), an unreachable Postgres as PIER503,
 * and everything else as PIER500 (logged, since nobody foresaw it).
 */
export function toRpcError(err: unknown, during: string, log: (line: string, err: unknown) => void = defaultLog): RpcError {
  if (err instanceof PierError) return err.toRpcError();
  const e = err as { code?: unknown; message?: string; detail?: string; hint?: string } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && CONNECTION_CODES.has(code)) {
    return {
      code: 'PIER503',
      message: 'PostgreSQL is not reachable right now.',
      details: e?.message ?? null,
      hint: 'If Pier started it, it may be restarting; otherwise check that the server given with --database-url is running.',
    };
  }
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    return { code: `PG${code}`, message: e?.message ?? 'PostgreSQL reported an error.', details: e?.detail ?? null, hint: e?.hint ?? null };
  }
  log(`[rpc] ${during} failed:`, err);
  return {
    code: 'PIER500',
    message: `Pier failed while running ${during}: ${e?.message ?? String(err)}`,
    hint: 'See the server log for details.',
  };
}

function defaultLog(line: string, err: unknown): void {
  console.error(line, err);
}
