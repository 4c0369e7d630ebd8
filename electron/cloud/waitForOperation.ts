/**
 * Waiting for a long-running operation (reference §7): poll `GET {operation.name}` until done,
 * with progress events, cancellation and an optional timeout. Transient HTTP errors while polling
 * are retried by the transport; anything else ends the wait.
 */
import type { Operation } from '../../shared/management/resources';
import { cloudFail, cloudOk, type CloudResult } from './cloudError';
import type { ManagementTransport } from './managementTransport';
import { normalizeOperation } from './normalize';
import { sleep } from './retryPolicy';

export type OperationProgress =
  | { readonly kind: 'started'; readonly operation: Operation }
  | { readonly kind: 'polled'; readonly operation: Operation; readonly polls: number; readonly elapsedMs: number }
  | { readonly kind: 'done'; readonly operation: Operation; readonly elapsedMs: number };

export interface WaitOptions {
  readonly signal?: AbortSignal;
  /** No default: like the SDKs, wait until done unless told otherwise. */
  readonly timeoutMs?: number;
  readonly onProgress?: (event: OperationProgress) => void;
  /** First poll delay; grows ×1.5 per poll up to `maxPollMs`, with jitter. */
  readonly firstPollMs?: number;
  readonly maxPollMs?: number;
}

const EMPTY_SUFFIX = 'google.protobuf.Empty';

/** The final value of a done operation, or its error. `what` names it in messages. */
export function operationOutcome<T>(op: Operation, what: string, read: (raw: unknown) => T): CloudResult<T> {
  if (op.error !== undefined) {
    const code = op.error.error_code ?? 'UNKNOWN';
    const message = op.error.message ?? 'no message';
    return cloudFail('CLOUD_OPERATION_FAILED', `Could not ${what}: the operation failed: [${code}] ${message}`, {
      error_code: code,
      server_message: message,
    });
  }
  if (op.response === undefined || op.response === null) {
    // Every SDK treats "done without response or error" as failure; so do we.
    return cloudFail(
      'CLOUD_BAD_RESPONSE',
      `Could not ${what}: the operation finished without a result. Refresh to see the resource's current state.`,
    );
  }
  return cloudOk(read(op.response));
}

export function isEmptyResponse(v: unknown): boolean {
  return typeof v === 'object' && v !== null && String((v as { '@type'?: unknown })['@type'] ?? '').endsWith(EMPTY_SUFFIX);
}

export async function waitForOperation<T>(
  transport: ManagementTransport,
  initial: Operation,
  what: string,
  read: (raw: unknown) => T,
  options: WaitOptions = {},
): Promise<CloudResult<T>> {
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  let op = normalizeOperation(initial);
  options.onProgress?.({ kind: 'started', operation: op });
  const deadline = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signals = [options.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  let delay = options.firstPollMs ?? 500;
  const maxPoll = options.maxPollMs ?? 10_000;
  const stopped = (): CloudResult<T> =>
    deadline?.aborted && !options.signal?.aborted
      ? cloudFail(
          'CLOUD_TIMEOUT',
          `Stopped waiting to ${what} after ${Math.round(elapsed() / 1000)} s; it is still running on the server. Refresh later to see the result.`,
        )
      : cloudFail('CLOUD_CANCELLED', `Stopped waiting to ${what}; it is still running on the server. Refresh later to see the result.`);
  for (let polls = 0; !op.done;) {
    if (op.name === undefined || op.name === '') {
      return cloudFail(
        'CLOUD_BAD_RESPONSE',
        `Could not ${what}: the server returned an unfinished operation without a name, so it cannot be followed.`,
      );
    }
    if (!(await sleep(delay * (0.8 + Math.random() * 0.4), signal))) return stopped();
    delay = Math.min(maxPoll, delay * 1.5);
    const res = await transport.call({
      method: 'GET',
      path: op.name,
      replaySafe: true,
      what: `check the progress of "${what}"`,
      ...(signal ? { signal } : {}),
    });
    if (!res.ok) return res.error.code === 'CLOUD_CANCELLED' ? stopped() : res;
    const polled = normalizeOperation(res.value.body);
    // Some servers omit the name on polled copies; keep following the one we have.
    op = polled.name ? polled : { ...polled, name: op.name };
    polls++;
    options.onProgress?.({ kind: 'polled', operation: op, polls, elapsedMs: elapsed() });
  }
  options.onProgress?.({ kind: 'done', operation: op, elapsedMs: elapsed() });
  return operationOutcome(op, what, read);
}
