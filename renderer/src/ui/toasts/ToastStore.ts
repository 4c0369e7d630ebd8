export type ToastTone = 'error' | 'info';

export interface Toast {
  readonly id: number;
  readonly tone: ToastTone;
  readonly message: string;
  readonly hint: string | null;
  readonly code: string | null;
  /** How many times the same toast was raised while it was showing. */
  readonly repeats: number;
  /** What raised it (e.g. a query hash), so it can be withdrawn once that recovers. */
  readonly source: string | null;
}

export type ToastInput = Pick<Toast, 'tone' | 'message'> & Partial<Pick<Toast, 'hint' | 'code' | 'source'>>;

/** Most toasts kept on screen; older ones are dropped first. */
const MAX_VISIBLE = 4;

/**
 * Toasts as an external store, so code outside React (the query cache's error hook) can raise
 * them. The same message raised again while visible bumps a counter instead of stacking copies:
 * a poll failing every few seconds must not bury the screen.
 */
export class ToastStore {
  private toasts: readonly Toast[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): readonly Toast[] => this.toasts;

  push(input: ToastInput): number {
    const hint = input.hint ?? null;
    const code = input.code ?? null;
    const same = this.toasts.find((t) => t.tone === input.tone && t.message === input.message && t.hint === hint);
    if (same) {
      this.set(this.toasts.map((t) => (t === same ? { ...t, repeats: t.repeats + 1 } : t)));
      return same.id;
    }
    const toast: Toast = {
      id: this.nextId++,
      tone: input.tone,
      message: input.message,
      hint,
      code,
      repeats: 1,
      source: input.source ?? null,
    };
    this.set([...this.toasts, toast].slice(-MAX_VISIBLE));
    return toast.id;
  }

  dismiss(id: number): void {
    if (this.toasts.some((t) => t.id === id)) this.set(this.toasts.filter((t) => t.id !== id));
  }

  /** Withdraws toasts that are no longer true: raised by `source`, or carrying one of `codes`. */
  dismissWhere(match: { source?: string; codes?: readonly string[] }): void {
    const stale = (t: Toast) =>
      (match.source !== undefined && t.source === match.source) || (t.code !== null && (match.codes ?? []).includes(t.code));
    if (this.toasts.some(stale)) this.set(this.toasts.filter((t) => !stale(t)));
  }

  private set(next: readonly Toast[]): void {
    this.toasts = next;
    for (const listener of this.listeners) listener();
  }
}
