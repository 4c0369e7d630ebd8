import type { ReactNode } from 'react';
import { describeError } from '../api/RpcCallError';
import { Icon, type IconName } from './Icon';
import { MessageText } from './MessageText';
import './panels.css';

/** An inline error: what failed, the server's message and hint, and a way to try again. */
export function ErrorPanel({
  title,
  error,
  onRetry,
  compact = false,
}: {
  title: string;
  error: unknown;
  onRetry: () => void;
  compact?: boolean;
}) {
  const { code, message, hint } = describeError(error);
  return (
    <div className={compact ? 'error-panel error-panel--compact' : 'error-panel'} role="alert">
      <Icon name="error" className="error-panel__icon" />
      <div className="error-panel__body">
        <p className="error-panel__title">{title}</p>
        <p className="error-panel__message">
          <MessageText text={message} />
        </p>
        {hint && (
          <p className="error-panel__hint">
            <MessageText text={hint} />
          </p>
        )}
        <div className="error-panel__actions">
          <button type="button" className="button" onClick={onRetry}>
            <Icon name="refresh" /> Retry
          </button>
          {code && <span className="error-panel__code">{code}</span>}
        </div>
      </div>
    </div>
  );
}

/** A calm centred message for places with nothing to show yet. */
export function EmptyState({ icon, title, children }: { icon: IconName; title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <div className="empty-state__icon">
        <Icon name={icon} />
      </div>
      <p className="empty-state__title">{title}</p>
      {children && <div className="empty-state__text">{children}</div>}
    </div>
  );
}
