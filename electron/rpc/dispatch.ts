import { contract, fail, isChannel, ok, type Result } from '../../shared/contract';
import { PierError } from '../errors/PierError';
import { toRpcError } from '../errors/toRpcError';
import type { Handlers } from './handlers';

/**
 * The one entry both transports use: checks the channel, validates the (untrusted) input
 * against the contract, runs the handler and turns any failure into an RpcError value.
 */
export async function dispatch(handlers: Handlers, channel: string, rawInput: unknown): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return fail(
      new PierError('PIER001', `Unknown call "${channel}".`, {
        hint: 'The UI and the server may be from different versions: reload the window.',
      }).toRpcError(),
    );
  }
  const parsed = contract[channel].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return fail(new PierError('PIER002', `Invalid input for ${channel}: ${issues}`, { details: issues }).toRpcError());
  }
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (err) {
    return fail(toRpcError(err, channel));
  }
}
