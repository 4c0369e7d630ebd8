/**
 * When and how long to wait before repeating a call (reference §8): 429, 503 and transient
 * network errors; `Retry-After` when the server gives one, else linear backoff with jitter;
 * all within a bounded total time.
 */

export interface RetryPolicy {
  /** Give up when the next attempt would start after this much time since the first. */
  readonly totalBudgetMs: number;
  /** Linear backoff step: attempt n waits n × step (capped), plus jitter. */
  readonly stepMs: number;
  readonly maxDelayMs: number;
  readonly jitterMinMs: number;
  readonly jitterMaxMs: number;
  /** One attempt is abandoned after this long (then counts as a network error). */
  readonly attemptTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  totalBudgetMs: 120_000,
  stepMs: 1_000,
  maxDelayMs: 10_000,
  jitterMinMs: 50,
  jitterMaxMs: 750,
  attemptTimeoutMs: 60_000,
};

/**
 * `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3) → milliseconds from `now`.
 * Unparseable or negative → undefined (fall back to backoff).
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, at - now);
}

/** Delay before retry number `attempt` (1 = first retry). */
export function backoffDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const linear = Math.min(policy.maxDelayMs, attempt * policy.stepMs);
  return linear + policy.jitterMinMs + random() * (policy.jitterMaxMs - policy.jitterMinMs);
}

/** Sleeps `ms`; resolves false early if the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
