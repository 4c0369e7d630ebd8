import { describe, expect, it } from 'vitest';
import type { RpcError } from '../../../shared/contract/result';
import { ToastStore } from '../ui/toasts/ToastStore';
import { createQueryClient } from './queryClient';
import { RpcCallError } from './RpcCallError';
import { TRANSPORT_ERRORS } from './transport';

function setup() {
  const toasts = new ToastStore();
  const client = createQueryClient(toasts);
  const failing = (key: string, error: RpcError, inline = false) =>
    client
      .fetchQuery({
        queryKey: [key],
        queryFn: (): Promise<number> => Promise.reject(new RpcCallError('x', error)),
        retry: false,
        meta: inline ? { errorDisplay: 'inline' } : {},
      })
      .catch(() => undefined);
  const succeeding = (key: string) => client.fetchQuery({ queryKey: [key], queryFn: async () => 1, staleTime: 0 });
  const messages = () => toasts.getSnapshot().map((t) => t.message);
  return { failing, succeeding, messages, toasts };
}

const answered: RpcError = { code: 'PIER404', message: 'No table public.x', hint: 'Refresh the explorer.' };
const unreachable: RpcError = { code: TRANSPORT_ERRORS.unreachable, message: 'Server gone', hint: 'Start it' };

describe('createQueryClient error toasts', () => {
  it('toasts a failed query with its message, hint and code', async () => {
    const { failing, toasts } = setup();
    await failing('a', answered);
    expect(toasts.getSnapshot()).toMatchObject([{ tone: 'error', message: answered.message, hint: answered.hint, code: 'PIER404' }]);
  });

  it('leaves inline errors to their component, unless the server is unreachable', async () => {
    const { failing, messages } = setup();
    await failing('a', answered, true);
    expect(messages()).toEqual([]);
    await failing('b', unreachable, true);
    expect(messages()).toEqual(['Server gone']);
  });

  it('never toasts a rejected session (the whole page explains it)', async () => {
    const { failing, messages } = setup();
    await failing('a', { code: TRANSPORT_ERRORS.sessionRejected, message: 'no' });
    expect(messages()).toEqual([]);
  });

  it('withdraws a toast when its query succeeds', async () => {
    const { failing, succeeding, messages } = setup();
    await failing('a', answered);
    await failing('c', { code: 'PIER500', message: 'other' });
    await succeeding('a');
    expect(messages()).toEqual(['other']);
  });

  it('withdraws "unreachable" on any success: the server is evidently back', async () => {
    const { failing, succeeding, messages } = setup();
    await failing('b', unreachable);
    await failing('c', { code: 'PIER500', message: 'other' });
    await succeeding('z');
    expect(messages()).toEqual(['other']);
  });
});
