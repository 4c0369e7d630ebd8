import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { Icon } from '../Icon';
import { MessageText } from '../MessageText';
import type { ToastStore } from './ToastStore';
import './toasts.css';

const ToastContext = createContext<ToastStore | null>(null);

export function ToastProvider({ store, children }: { store: ToastStore; children: ReactNode }) {
  return (
    <ToastContext.Provider value={store}>
      {children}
      <ToastViewport store={store} />
    </ToastContext.Provider>
  );
}

export function useToasts(): ToastStore {
  const store = useContext(ToastContext);
  if (!store) throw new Error('useToasts outside ToastProvider');
  return store;
}

function ToastViewport({ store }: { store: ToastStore }) {
  const toasts = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return (
    <section className="toast-viewport" aria-label="Notifications">
      {toasts.map((toast) => (
        <div
          key={toast.id}
          className={`toast toast--${toast.tone}`}
          // Errors interrupt (alert); info is polite. Not role="status": the status bar owns that role.
          role={toast.tone === 'error' ? 'alert' : undefined}
          aria-live={toast.tone === 'error' ? undefined : 'polite'}
          data-testid="toast"
          onKeyDown={(e) => {
            if (e.key === 'Escape') store.dismiss(toast.id);
          }}
        >
          <Icon name={toast.tone === 'error' ? 'error' : 'info'} className="toast__icon" />
          <div className="toast__body">
            <p className="toast__message">
              <MessageText text={toast.message} />
              {toast.repeats > 1 && <span className="toast__repeats"> ×{toast.repeats}</span>}
            </p>
            {toast.hint && (
              <p className="toast__hint">
                <MessageText text={toast.hint} />
              </p>
            )}
            {toast.code && <p className="toast__code">{toast.code}</p>}
          </div>
          <button
            type="button"
            className="icon-button toast__close"
            aria-label="Dismiss notification"
            onClick={() => store.dismiss(toast.id)}
          >
            <Icon name="close" />
          </button>
        </div>
      ))}
    </section>
  );
}
