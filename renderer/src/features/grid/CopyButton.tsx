import { useEffect, useState } from 'react';

/** Copies text to the clipboard and says so for a moment. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className="button button--small"
      // The accessible name keeps the visible word ("Copy …" / "Copied …"), as WCAG's label-in-name asks.
      aria-label={copied ? label.replace(/^Copy\b/, 'Copied') : label}
      onClick={() => {
        void navigator.clipboard
          ?.writeText(text)
          .then(() => setCopied(true))
          .catch(() => undefined);
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
