import type { ReactNode } from 'react';
import './panels.css';

/** A refusal shown where it happened (a plan that failed, an invalid expression): one line, marked as an alert. */
export function InlineError({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <p className="inline-error" role="alert" aria-label={label}>
      {children}
    </p>
  );
}
