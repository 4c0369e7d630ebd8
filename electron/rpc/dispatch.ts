import { contract, fail, isChannel, ok, type Channel, type Result, type RpcError } from '../../shared/contract';
import { CatalogNotFoundError } from '../admin/catalog';
import { BranchNotServedError } from '../server/branchDatabases';
import { CloudUnavailableError, type Handlers } from './handlers';
import { CloudRpcError } from '../cloud/rpc/createCloudHandlers';

/**
 * The one entry both transports use: checks the channel, validates the (untrusted) input
 * against the contract, runs the handler and turns any failure into an RpcError value.
 */
export async function dispatch(handlers: Handlers, channel: string, rawInput: unknown): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return fail({
      code: 'PIER001',
      message: `Unknown call "${channel}".`,
      hint: 'The UI and the server may be from different versions: reload the window.',
    });
  }
  const parsed = contract[channel].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return fail({ code: 'PIER002', message: `Invalid input for ${channel}: ${issues}`, details: issues });
  }
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (err) {
    return fail(toRpcError(channel, err));
  }
}

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

/** Maps thrown errors to stable codes and messages that say what to do. */
export function toRpcError(channel: Channel, err: unknown): RpcError {
  if (err instanceof CloudRpcError) return err.rpcError;
  if (err instanceof CloudUnavailableError) {
    return {
      code: 'PIER503',
      message: `Workspaces are unavailable: ${err.message}`,
      hint: 'The local workspace still works; see the server log.',
    };
  }
  if (err instanceof BranchNotServedError)
    return { code: 'PIER404', message: err.message, hint: 'Refresh the tree: the branch or its endpoint may have changed.' };
  if (err instanceof CatalogNotFoundError) {
    return { code: 'PIER404', message: err.message, hint: 'It may have been dropped or renamed: refresh the explorer.' };
  }
  const e = err as { code?: string; message?: string; detail?: string; hint?: string };
  if (e.code && CONNECTION_CODES.has(e.code)) {
    return {
      code: 'PIER503',
      message: 'PostgreSQL is not reachable right now.',
      details: e.message ?? null,
      hint: 'If Pier started it, it may be restarting; otherwise check that the server given with --database-url is running.',
    };
  }
  if (e.code && /^[0-9A-Z]{5}$/.test(e.code)) {
    return { code: `PG${e.code}`, message: e.message ?? 'PostgreSQL reported an error.', details: e.detail ?? null, hint: e.hint ?? null };
  }
  console.error(`[rpc] ${channel} failed:`, err);
  return {
    code: 'PIER500',
    message: `Pier failed while running ${channel}: ${e.message ?? String(err)}`,
    hint: 'See the server log for details.',
  };
}
