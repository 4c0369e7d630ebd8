import { useEffect, useId, useState, type ReactNode } from 'react';
import type { RpcError } from '../../../../shared/contract/result';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { parseQuery } from '../../../../shared/dataapi/parseQuery';
import { Icon } from '../../ui/Icon';
import { CopyButton } from './CopyButton';
import { queryPartOf, tableOfUrl } from './gridQuery';

interface UrlBarProps {
  /** The URL of the current view, as the builder last produced it. */
  readonly url: string;
  /** The open table: a URL for another table is refused rather than read as this one's. */
  readonly table: string;
  readonly onQuery: (query: ReadQuery) => void;
  /** More actions at the end of the row (e.g. sending the request to the hosted Data API). */
  readonly actions?: ReactNode;
}

/**
 * The Data API URL of the view, editable: Enter (or leaving the field) reads it back into the
 * builder through the same codec; text that does not parse keeps its place with the error under it.
 */
export function UrlBar({ url, table, onQuery, actions }: UrlBarProps) {
  const errorId = useId();
  const [text, setText] = useState(url);
  const [error, setError] = useState<RpcError | null>(null);
  // The builder changed the view: show its URL unless the user is mid-edit of a broken one.
  useEffect(() => {
    setText(url);
    setError(null);
  }, [url]);

  const apply = () => {
    if (text === url) return;
    const named = tableOfUrl(text);
    if (named !== null && named !== table) {
      setError({
        code: 'PIER_OTHER_TABLE',
        message: `This URL is for "${named}", but the open table is "${table}".`,
        hint: `Open ${named} from the explorer, or edit only the part after "?".`,
      });
      return;
    }
    const parsed = parseQuery(queryPartOf(text));
    if (!parsed.ok) {
      // Shown as the Data API answers it: 400 PGRST100, PostgREST's wording, the parameter named.
      const { message, details, hint } = parsed.error;
      setError({ code: 'PGRST100', message, details, hint });
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
          aria-describedby={error ? errorId : undefined}
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
        {actions}
      </div>
      {error && (
        <p className="url-bar__error" id={errorId} role="alert">
          <Icon name="error" /> {error.message}
          {error.hint && <span className="url-bar__hint"> {error.hint}</span>}
          <span className="url-bar__code">{error.code}</span>
        </p>
      )}
    </div>
  );
}
