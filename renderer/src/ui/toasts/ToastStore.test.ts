import { describe, expect, it, vi } from 'vitest';
import { ToastStore } from './ToastStore';

describe('ToastStore', () => {
  it('shows a raised toast and removes it when dismissed', () => {
    const store = new ToastStore();
    const id = store.push({ tone: 'error', message: 'Boom', hint: 'Try again' });
    expect(store.getSnapshot()).toEqual([{ id, tone: 'error', message: 'Boom', hint: 'Try again', code: null, repeats: 1, source: null }]);
    store.dismiss(id);
    expect(store.getSnapshot()).toEqual([]);
  });

  it('counts repeats of a visible toast instead of stacking copies', () => {
    const store = new ToastStore();
    const a = store.push({ tone: 'error', message: 'Server down' });
    const b = store.push({ tone: 'error', message: 'Server down' });
    expect(b).toBe(a);
    expect(store.getSnapshot()).toHaveLength(1);
    expect(store.getSnapshot()[0]?.repeats).toBe(2);
  });

  it('raises the same message again as new after it was dismissed', () => {
    const store = new ToastStore();
    const a = store.push({ tone: 'error', message: 'Server down' });
    store.dismiss(a);
    const b = store.push({ tone: 'error', message: 'Server down' });
    expect(b).not.toBe(a);
    expect(store.getSnapshot()[0]?.repeats).toBe(1);
  });

  it('keeps the newest four', () => {
    const store = new ToastStore();
    for (const n of [1, 2, 3, 4, 5]) store.push({ tone: 'info', message: `m${n}` });
    expect(store.getSnapshot().map((t) => t.message)).toEqual(['m2', 'm3', 'm4', 'm5']);
  });

  it('notifies subscribers on change only', () => {
    const store = new ToastStore();
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    const id = store.push({ tone: 'info', message: 'hi' });
    store.dismiss(999);
    store.dismiss(id);
    unsubscribe();
    store.push({ tone: 'info', message: 'after' });
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('withdraws toasts by source or by code', () => {
    const store = new ToastStore();
    store.push({ tone: 'error', message: 'rows failed', source: 'q1' });
    store.push({ tone: 'error', message: 'gone', code: 'PIER_UNREACHABLE', source: 'q2' });
    store.push({ tone: 'error', message: 'other', source: 'q3' });
    store.dismissWhere({ source: 'q1' });
    expect(store.getSnapshot().map((t) => t.message)).toEqual(['gone', 'other']);
    store.dismissWhere({ source: 'nope', codes: ['PIER_UNREACHABLE'] });
    expect(store.getSnapshot().map((t) => t.message)).toEqual(['other']);
  });
});
