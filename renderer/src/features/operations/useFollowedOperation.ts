import { useQuery } from '@tanstack/react-query';
import type { TrackedOperationDto } from '../../../../shared/management/workspaceSchemas';
import { operationsQuery, useStartOperation } from '../../api/cloud';
import { usePierApi } from '../../api/PierApiContext';
import { RpcCallError } from '../../api/RpcCallError';

export interface FollowedOperation<V> {
  readonly start: (variables: V) => void;
  /** Asking the server, or its operation still running. */
  readonly busy: boolean;
  readonly operation: TrackedOperationDto | undefined;
  /** The refusal: the call's own error, or the operation's when it failed. */
  readonly error: unknown;
}

/**
 * For dialogs that stay open until the server has answered for good: starts a tracked operation
 * and follows it through the operations list, so a refusal can be shown where it was asked for.
 */
export function useFollowedOperation<V = void>(channel: string, run: (variables: V) => Promise<TrackedOperationDto>): FollowedOperation<V> {
  const api = usePierApi();
  const mutation = useStartOperation(run);
  const operations = useQuery({ ...operationsQuery(api), enabled: mutation.isSuccess });
  const started = mutation.data;
  const operation = started ? (operations.data?.find((op) => op.id === started.id) ?? started) : undefined;
  const error =
    mutation.error ??
    (operation?.state === 'failed'
      ? new RpcCallError(channel, operation.error ?? { code: 'CLOUD_OPERATION_FAILED', message: 'The operation failed.' })
      : null);
  return {
    start: (variables) => mutation.mutate(variables),
    busy: mutation.isPending || operation?.state === 'running',
    operation,
    error,
  };
}
