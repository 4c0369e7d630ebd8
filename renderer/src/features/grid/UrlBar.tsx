import { useEffect, useState } from 'react';
import type { RpcError } from '../../../../shared/contract/result';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import { Icon } from '../../ui/Icon';
import { CopyButton } from './CopyButton';
import { queryPartOf } from './gridQuery';

interface UrlBarProps {
  /** The URL of the current view, as the builder last produced it. */
  readonly url: string;
  readonly onQuery: (query: ReadQuery) => void;
}

/**
 * The Data API URL of the view, editable: Enter (or leaving the field) reads it back into the
 * builder through the same codec; text that does not parse keeps its place with the error under it.
 */
export function UrlBar({ url, onQuery }: UrlBarProps) {
  const [text, setText] = useState(url);
  const [error, setError] = useState<RpcError | null>(null);
  // The builder changed the view: show its URL unless the user is mid-edit of a broken one.
  useEffect(() => {
    setText(url);
    setError(null);
  }, [url]);

  const apply = () => {
    if (text === url) return;
    const parsed = parseQuery(queryPartOf(text));
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    onQuery(parsed.value);
  };

  return (
    <div className="url-bar">
      <div className={`url-bar__row${error ? ' url-bar__row--error' : ''}`}>
        <span className="url-bar__method">GET</span>
        <input
          className="url-bar__input"
          aria-label="Data API URL"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'url-bar-error' : undefined}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={apply}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply();
            if (e.key === 'Escape') {
              setText(url);
              setError(null);
            }
          }}
        />
        <CopyButton text={url} label="Copy URL" />
      </div>
      {error && (
        <p className="url-bar__error" id="url-bar-error" role="alert">
          <Icon name="error" /> {error.message}
          {error.hint && <span className="url-bar__hint"> {error.hint}</span>}
          <span className="url-bar__code">{error.code}</span>
        </p>
      )}
    </div>
  );
}
